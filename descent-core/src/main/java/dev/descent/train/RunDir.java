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
 * {@code summary.json}, {@code model.safetensors}, and for resuming {@code optimizer.safetensors}
 * and {@code trainer-state.json}. Every file but the metrics log is replaced atomically, so an
 * interrupted run always leaves readable files.
 */
public final class RunDir {

    /** The file names. */
    public static final String CONFIG = "config.json", METRICS = "metrics.csv", SUMMARY = "summary.json",
            MODEL = "model.safetensors", OPTIMIZER = "optimizer.safetensors", STATE = "trainer-state.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;

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
     * with a trainer state of another; so the three are first written under {@code .next} names (the
     * trainer state last: its presence says the set is complete), then renamed into place (the trainer
     * state last again). {@link #existing} finishes or discards a set that a kill interrupted. The
     * optimizer is put in eval mode first, so the model file holds the weights to evaluate (a
     * Schedule-Free optimizer's x); the trainer returns it to train mode before its next step.
     */
    public void checkpoint(Mlp model, Optimizer<?> optimizer, Trainer trainer) {
        optimizer.eval();
        Checkpoint.save(next(MODEL), model);
        OptimizerCheckpoint.save(next(OPTIMIZER), optimizer);
        writeValue(STATE + NEXT, stateJson(trainer.state(), trainer.history()));
        commit();
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
     * The trainer state's document: the state and the whole history, as maps and arrays that Jackson
     * writes as they are. Not as a tree (valueToTree): that wrote each array into a token buffer and
     * read it back as nodes, every checkpoint, for a history that grows by a row a step; its reading
     * code became hot enough in a run's later epochs for the JIT to compile it, 240 ms of C2 time on
     * the training step's cores in a ten-epoch run (docs/PERFORMANCE.md, section 24).
     */
    private static Map<String, Object> stateJson(TrainerState s, History h) {
        Map<String, Object> hist = new LinkedHashMap<>();
        hist.put("train_loss", h.trainLoss());
        hist.put("train_acc", h.trainAcc());
        hist.put("train_epoch", h.trainEpoch());
        hist.put("val_idx", h.valIdx());
        hist.put("val_loss", h.valLoss());
        hist.put("val_acc", h.valAcc());
        Map<String, Object> metrics = new LinkedHashMap<>();
        for (String name : h.metricNames()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("steps", h.metricSteps(name));
            m.put("values", h.metricValues(name));
            metrics.put(name, m);
        }
        hist.put("metrics", metrics);
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("state", s);
        o.put("history", hist);
        return o;
    }

    /** A saved trainer state and history. */
    public record Saved(TrainerState state, History history) {
    }

    /** Reads {@code trainer-state.json}. */
    public Saved readState() {
        Path f = dir.resolve(STATE);
        return parseState(Json.read(f), f.toString());
    }

    /**
     * Parses a trainer state: every field present and of its type, the history's arrays of one
     * length each (train and validation), validation steps increasing. Whether the state fits the
     * run it resumes is {@link Trainer#restore}'s check.
     *
     * @throws FormatException naming the file and the first broken entry
     */
    public static Saved parseState(JsonNode o, String name) {
        if (!o.isObject() || !o.path("state").isObject() || !o.path("history").isObject()) {
            throw new FormatException(name + ": not a trainer state (expected an object with 'state' and 'history')");
        }
        TrainerState s;
        try {
            s = Json.STRICT.treeToValue(o.get("state"), TrainerState.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new FormatException(name + ": 'state' is broken (" + Json.firstLine(e.getMessage()) + ")", e);
        }
        JsonNode h = o.get("history");
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
        return new Saved(s, hist);
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
