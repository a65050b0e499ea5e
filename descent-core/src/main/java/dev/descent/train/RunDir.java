package dev.descent.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.descent.io.AtomicFiles;
import dev.descent.io.Checkpoint;
import dev.descent.io.FormatException;
import dev.descent.io.InputException;
import dev.descent.io.Json;
import dev.descent.io.OptimizerCheckpoint;
import dev.descent.nn.Mlp;
import dev.descent.optim.Optimizer;

/**
 * A run directory: {@code config.json} (every option, resolved), {@code metrics.csv}
 * ({@code step,epoch,train_loss,train_acc,val_loss,val_acc}, val columns empty between validations,
 * then any measurement columns such as {@code sharpness,two_over_lr}, empty between measurements),
 * {@code summary.json}, {@code model.safetensors}, and for resuming {@code optimizer.safetensors},
 * {@code trainer-state.json} and the history it covers, {@code trainer-history.bin} ({@link HistoryLog}).
 * Every file but the metrics log and the history log is replaced atomically, and the history log is
 * only appended to past what the last checkpoint covers, so an interrupted run always leaves readable
 * files.
 */
public final class RunDir {

    /** The file names. */
    public static final String CONFIG = "config.json", METRICS = "metrics.csv", SUMMARY = "summary.json",
            MODEL = "model.safetensors", OPTIMIZER = "optimizer.safetensors", STATE = "trainer-state.json",
            HISTORY = "trainer-history.bin";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;
    /** Where the next checkpoint appends the history; null until known (read from the last checkpoint on first use). */
    private HistoryLog.Appender log;

    private RunDir(Path dir) {
        this.dir = dir;
    }

    /**
     * A new run directory (created if needed).
     *
     * @throws InputException if it cannot be created or written, or already holds a run
     */
    public static RunDir create(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new InputException("--out " + dir + ": cannot create the directory (" + e.getMessage() + ")");
        }
        if (Files.exists(dir.resolve(METRICS)) || Files.exists(dir.resolve(STATE))) {
            throw new InputException("--out " + dir + " already holds a run; choose another directory or continue it with --resume " + dir);
        }
        checkWritable(dir);
        return new RunDir(dir);
    }

    /** An existing run directory to resume; a checkpoint a kill interrupted is finished or discarded first. */
    public static RunDir existing(Path dir) {
        RunDir r = new RunDir(dir);
        if (Files.isDirectory(dir)) {
            checkWritable(dir);
            r.recover();
        }
        if (!Files.isRegularFile(dir.resolve(STATE)) || !Files.isRegularFile(dir.resolve(MODEL))) {
            throw new InputException("--resume " + dir + ": no checkpoint there (" + STATE + " and " + MODEL + " are needed)");
        }
        return r;
    }

    private static void checkWritable(Path dir) {
        try {
            Path probe = Files.createTempFile(dir, ".write-test", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            throw new InputException("--out " + dir + " is not writable (" + e.getMessage() + ")");
        }
    }

    /** The directory. */
    public Path path() {
        return dir;
    }

    /** A file in the directory. */
    public Path file(String name) {
        return dir.resolve(name);
    }

    /** Writes a JSON document atomically. */
    public void writeJson(String name, JsonNode node) {
        writeValue(name, node);
    }

    /** Writes {@code value} as a JSON document atomically (Jackson's mapping of it, indented). */
    private void writeValue(String name, Object value) {
        try {
            AtomicFiles.writeString(dir.resolve(name), JSON.writeValueAsString(value) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a JSON document of this run (bounded and strict, see {@link Json}). */
    public JsonNode readJson(String name) {
        return Json.read(dir.resolve(name));
    }

    /**
     * Saves the model, the optimizer and the trainer's state: everything a resume needs, as one unit.
     * Each file is atomic on its own, but a kill between two of them would pair a model of one step
     * with a trainer state of another; so the model and optimizer are first written under
     * {@code .next} names, the history's new rows appended to {@code trainer-history.bin}, and the
     * trainer state (which records how much of that log the checkpoint covers) written last under its
     * {@code .next} name: its presence says the set is complete. Then the files are renamed into place
     * (the trainer state last again). {@link #existing} finishes or discards a set that a kill
     * interrupted; log bytes past the covered extent are never read and are overwritten by the next
     * append. The optimizer is put in eval mode first, so the model file holds the weights to evaluate
     * (a Schedule-Free optimizer's x); the trainer returns it to train mode before its next step.
     */
    public void checkpoint(Mlp model, Optimizer<?> optimizer, Trainer trainer) {
        optimizer.eval();
        Checkpoint.save(next(MODEL), model);
        OptimizerCheckpoint.save(next(OPTIMIZER), optimizer);
        checkpointState(trainer.state(), trainer.history());
    }

    /**
     * The end of a checkpoint: appends the history's new rows to the log, writes the trainer state
     * that covers them as {@code .next}, and renames the set into place.
     */
    void checkpointState(TrainerState state, History history) {
        try {
            HistoryLog.Extent e = log().append(history);
            writeValue(STATE + NEXT, stateJson(state, e));
        } catch (RuntimeException e) {
            log = null; // how much a failed append wrote is unknown: read the log again before the next one
            throw e;
        }
        commit();
    }

    /** The log's appender: where the last checkpoint left it (read once), or a new log. */
    private HistoryLog.Appender log() {
        if (log == null) {
            if (Files.exists(dir.resolve(STATE))) {
                readState();
            } else {
                log = HistoryLog.Appender.fresh(dir.resolve(HISTORY));
            }
        }
        return log;
    }

    private static final String NEXT = ".next";

    private Path next(String name) {
        return dir.resolve(name + NEXT);
    }

    /** Renames a complete set of .next files into place, the trainer state last. */
    private void commit() {
        try {
            for (String f : new String[] {MODEL, OPTIMIZER, STATE}) {
                if (Files.exists(next(f))) {
                    AtomicFiles.moveIntoPlace(next(f), dir.resolve(f));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the checkpoint in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * After a kill: the temporary files of writes it cut short are deleted; a set whose trainer
     * state was written is complete, so its renames are finished; a set without one was still being
     * written, so its files are dropped (the last complete checkpoint stays in place).
     */
    private void recover() {
        AtomicFiles.deleteLeftovers(dir);
        if (Files.exists(next(STATE))) {
            commit();
        } else {
            AtomicFiles.deleteQuietly(next(MODEL));
            AtomicFiles.deleteQuietly(next(OPTIMIZER));
        }
    }

    /**
     * The trainer state's document: the state, and the extent of the history log it covers (not the
     * history itself, which until the log was rewritten whole at every checkpoint; see
     * {@link HistoryLog}). As maps Jackson writes as they are, not as a tree (docs/PERFORMANCE.md,
     * section 24).
     */
    private static Map<String, Object> stateJson(TrainerState s, HistoryLog.Extent e) {
        Map<String, Object> log = new LinkedHashMap<>();
        log.put("bytes", e.bytes());
        log.put("crc32c", e.crc32c());
        log.put("train_steps", e.steps());
        log.put("validations", e.validations());
        log.put("metrics", e.metrics());
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("state", s);
        o.put(HISTORY_LOG, log);
        return o;
    }

    /** A saved trainer state and history. */
    public record Saved(TrainerState state, History history) {
    }

    /** Where a trainer state keeps its history: inline, as before the log, or in the log, as an extent of it. */
    public sealed interface SavedHistory {
        /** A history written into {@code trainer-state.json} itself (runs checkpointed before the log). */
        record Inline(History history) implements SavedHistory {
        }

        /** The first {@code extent.bytes()} bytes of {@code trainer-history.bin}. */
        record Logged(HistoryLog.Extent extent) implements SavedHistory {
        }
    }

    /** A trainer state file parsed: the state and where its history is. */
    public record StateFile(TrainerState state, SavedHistory history) {
    }

    /**
     * Reads {@code trainer-state.json} and the history it covers (from the log, or inline in a run
     * checkpointed before the log existed); the next checkpoint appends after it.
     */
    public Saved readState() {
        Path f = dir.resolve(STATE);
        StateFile sf = parseState(Json.read(f), f.toString());
        return switch (sf.history()) {
            case SavedHistory.Inline in -> {
                // The next checkpoint writes the whole history as the log's first chunk.
                log = HistoryLog.Appender.fresh(dir.resolve(HISTORY));
                yield new Saved(sf.state(), in.history());
            }
            case SavedHistory.Logged lg -> {
                HistoryLog.Loaded l = HistoryLog.load(dir.resolve(HISTORY), lg.extent(), f.getFileName().toString());
                log = l.appender();
                yield new Saved(sf.state(), l.history());
            }
        };
    }

    private static final String HISTORY_LOG = "history_log";

    /**
     * Parses a trainer state: every field present and of its type; then either the extent of the
     * history log it covers (bytes, CRC-32C and row counts, whole numbers), or an inline history
     * (a run checkpointed before the log) whose arrays have one length each (train and validation)
     * and whose validation steps increase. Whether the state fits the run it resumes is
     * {@link Trainer#restore}'s check.
     *
     * @throws FormatException naming the file and the first broken entry
     */
    public static StateFile parseState(JsonNode o, String name) {
        if (!o.isObject() || !o.path("state").isObject() || o.path("history").isObject() == o.path(HISTORY_LOG).isObject()) {
            throw new FormatException(name + ": not a trainer state (expected an object with 'state' and one of '" + HISTORY_LOG + "' and 'history')");
        }
        TrainerState s;
        try {
            s = Json.STRICT.treeToValue(o.get("state"), TrainerState.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new FormatException(name + ": 'state' is broken (" + Json.firstLine(e.getMessage()) + ")", e);
        }
        return new StateFile(s, o.has(HISTORY_LOG) ? new SavedHistory.Logged(extent(o.get(HISTORY_LOG), name))
                : new SavedHistory.Inline(inlineHistory(o.get("history"), name)));
    }

    private static HistoryLog.Extent extent(JsonNode l, String name) {
        long bytes = whole(l, "bytes", Long.MAX_VALUE, name), crc = whole(l, "crc32c", 0xFFFF_FFFFL, name);
        int steps = (int) whole(l, "train_steps", Integer.MAX_VALUE, name), vals = (int) whole(l, "validations", Integer.MAX_VALUE, name);
        JsonNode m = l.path("metrics");
        if (!m.isObject()) {
            throw new FormatException(name + ": '" + HISTORY_LOG + "' metrics must map each measurement to its count");
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            counts.put(e.getKey(), (int) whole(m, e.getKey(), Integer.MAX_VALUE, name));
        }
        return new HistoryLog.Extent(bytes, crc, steps, vals, counts);
    }

    private static long whole(JsonNode o, String key, long max, String name) {
        JsonNode v = o.path(key);
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0 || v.longValue() > max) {
            throw new FormatException(name + ": '" + HISTORY_LOG + "' " + key + " is " + (v.isMissingNode() ? "missing" : v.toString()) + ", expected a whole number from 0 to " + max);
        }
        return v.longValue();
    }

    private static History inlineHistory(JsonNode h, String name) {
        float[] tl = floats(h, "train_loss", name), ta = floats(h, "train_acc", name), vl = floats(h, "val_loss", name), va = floats(h, "val_acc", name);
        int[] te = ints(h, "train_epoch", name), vi = ints(h, "val_idx", name);
        if (ta.length != tl.length || te.length != tl.length) {
            throw new FormatException(name + ": 'history' train_loss, train_acc and train_epoch differ in length (" + tl.length + ", " + ta.length + ", " + te.length + ")");
        }
        if (vl.length != vi.length || va.length != vi.length) {
            throw new FormatException(name + ": 'history' val_idx, val_loss and val_acc differ in length (" + vi.length + ", " + vl.length + ", " + va.length + ")");
        }
        History hist = new History();
        for (int i = 0; i < tl.length; i++) {
            hist.addTrain(te[i], tl[i], ta[i]);
        }
        for (int i = 0; i < vi.length; i++) {
            if (vi[i] < 1 || vi[i] > tl.length || (i > 0 && vi[i] <= vi[i - 1])) {
                throw new FormatException(name + ": 'history' val_idx[" + i + "] is " + vi[i] + ", expected increasing steps from 1 to " + tl.length);
            }
            hist.addValidation(vi[i], vl[i], va[i]);
        }
        JsonNode metrics = h.path("metrics");
        if (!metrics.isMissingNode()) {
            if (!metrics.isObject()) {
                throw new FormatException(name + ": 'history' metrics must map each measurement to its steps and values");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = metrics.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> m = it.next();
                String what = "metrics " + m.getKey() + " ";
                int[] at = ints(m.getValue(), "steps", name, what);
                double[] v = doubles(m.getValue(), "values", name, what);
                if (at.length != v.length) {
                    throw new FormatException(name + ": 'history' " + what + "has " + at.length + " steps and " + v.length + " values");
                }
                for (int i = 0; i < at.length; i++) {
                    // Measurements may be taken before the first step (step 0).
                    if (at[i] > tl.length || (i > 0 && at[i] <= at[i - 1])) {
                        throw new FormatException(name + ": 'history' " + what + "steps[" + i + "] is " + at[i] + ", expected increasing steps from 0 to " + tl.length);
                    }
                    hist.addMetric(m.getKey(), at[i], v[i]);
                }
            }
        }
        return hist;
    }

    private static JsonNode array(JsonNode h, String key, String name, String what) {
        JsonNode a = h.path(key);
        if (!a.isArray()) {
            throw new FormatException(name + ": 'history' " + what + key + " is missing or not a list");
        }
        return a;
    }

    /** A number, or NaN and the infinities as Jackson writes them (strings). */
    private static double number(JsonNode v, String key, int i, String name, String what) {
        if (v.isNumber()) {
            return v.doubleValue();
        }
        if (v.isTextual() && (v.textValue().equals("NaN") || v.textValue().equals("Infinity") || v.textValue().equals("-Infinity"))) {
            return Double.parseDouble(v.textValue());
        }
        throw new FormatException(name + ": 'history' " + what + key + "[" + i + "] is " + v + ", expected a number");
    }

    private static float[] floats(JsonNode h, String key, String name) {
        JsonNode a = array(h, key, name, "");
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) number(a.get(i), key, i, name, "");
        }
        return out;
    }

    private static double[] doubles(JsonNode h, String key, String name, String what) {
        JsonNode a = array(h, key, name, what);
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = number(a.get(i), key, i, name, what);
        }
        return out;
    }

    private static int[] ints(JsonNode h, String key, String name) {
        return ints(h, key, name, "");
    }

    private static int[] ints(JsonNode h, String key, String name, String what) {
        JsonNode a = array(h, key, name, what);
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = a.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0) {
                throw new FormatException(name + ": 'history' " + what + key + "[" + i + "] is " + v + ", expected a whole number >= 0");
            }
            out[i] = v.intValue();
        }
        return out;
    }

    /** A listener that appends one line per step to {@code metrics.csv}, flushed at every validation. */
    public TrainListener metricsLog() {
        return metricsLog(List.of());
    }

    /**
     * The same with extra columns: the history's measurements of those names (such as
     * {@code sharpness}), empty at steps where none was taken.
     */
    public TrainListener metricsLog(List<String> extraColumns) {
        return new MetricsLog(dir.resolve(METRICS), extraColumns);
    }

    /** Rewrites {@code metrics.csv} from a history (before appending to it on resume). */
    public void writeMetrics(History h) {
        writeMetrics(h, List.of());
    }

    /** Rewrites {@code metrics.csv} from a history with extra measurement columns. */
    public void writeMetrics(History h, List<String> extraColumns) {
        StringBuilder sb = new StringBuilder(MetricsLog.header(extraColumns));
        MetricsLog.appendRows(sb, h, 0, h.steps(), extraColumns);
        AtomicFiles.writeString(dir.resolve(METRICS), sb.toString());
    }

    /**
     * Writes the history's rows in blocks: at every validation, every {@link #BLOCK} steps and at the
     * end. Formatting a row per step put float-to-text code on every step, where the JIT compiled it
     * during the first epoch (80–90 ms of C2 on one of the step's two cores); the file reaches the
     * disk as often as before (its writer's buffer filled about every 200 rows, and a validation
     * flushed it).
     */
    private static final class MetricsLog implements TrainListener {
        static final int BLOCK = 200;
        private final Path file;
        private final List<String> extra;
        private BufferedWriter out;
        /** Steps whose rows are in the file. */
        private int written;

        MetricsLog(Path file, List<String> extra) {
            this.file = file;
            this.extra = List.copyOf(extra);
        }

        /** Reads the report, the history and the trainer's counters only. */
        @Override
        public boolean readsModel(StepReport report) {
            return false;
        }

        static String header(List<String> extra) {
            StringBuilder b = new StringBuilder("step,epoch,train_loss,train_acc,val_loss,val_acc");
            extra.forEach(c -> b.append(',').append(c));
            return b.append('\n').toString();
        }

        /** Appends the rows of steps {@code from + 1} to {@code to} of {@code h}. */
        static void appendRows(StringBuilder b, History h, int from, int to, List<String> extra) {
            // By index: a copy of the whole history at every block would make a long run's log quadratic.
            int[] vi = h.valIdx();
            float[] vl = h.valLoss(), va = h.valAcc();
            int v = Arrays.binarySearch(vi, from + 1);
            v = v < 0 ? -v - 1 : v;
            for (int i = from; i < to; i++) {
                int step = i + 1;
                boolean hasVal = v < vi.length && vi[v] == step;
                b.append(step).append(',').append(h.trainEpochAt(i)).append(',').append(h.trainLossAt(i)).append(',').append(h.trainAccAt(i)).append(',')
                        .append(hasVal ? Float.toString(vl[v]) : "").append(',').append(hasVal ? Float.toString(va[v]) : "");
                for (String c : extra) {
                    double m = h.metricAt(c, step);
                    b.append(',').append(Double.isNaN(m) ? "" : Double.toString(m));
                }
                b.append('\n');
                if (hasVal) {
                    v++;
                }
            }
        }

        @Override
        public void onStart(Trainer trainer) {
            try {
                boolean fresh = !Files.exists(file);
                out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                if (fresh) {
                    out.write(header(extra));
                    out.flush();
                }
                // A resumed run's rows so far were rewritten from its history (writeMetrics).
                written = trainer.history().steps();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void onStep(Trainer trainer, StepReport r) {
            if (r.validation() != null || r.step() - written >= BLOCK) {
                flush(trainer.history());
            }
        }

        private void flush(History h) {
            int to = h.steps();
            if (to <= written) {
                return;
            }
            StringBuilder b = new StringBuilder(64 * (to - written));
            appendRows(b, h, written, to, extra);
            try {
                out.write(b.toString());
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
            }
            written = to;
        }

        @Override
        public void onEnd(Trainer trainer, TrainResult result) {
            try {
                flush(trainer.history());
            } finally {
                try {
                    out.close();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
                }
            }
        }
    }

}
