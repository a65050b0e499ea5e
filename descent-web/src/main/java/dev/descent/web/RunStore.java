package dev.descent.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.descent.io.InputException;
import dev.descent.io.InputFiles;
import dev.descent.io.Json;
import dev.descent.train.Thinning;

/**
 * The run directories (DESIGN §5) under a root, read on request. A run's id is its path relative to
 * the root with '/' separators; {@link #dir} accepts only ids that name a run directory inside the
 * root, so no request can reach another file.
 *
 * <p>Every file is read through {@link #file}: it must be a regular file whose real path stays
 * inside the root (a symbolic link that leaves the runs directory is never followed), and JSON is
 * read bounded and strict. One run that cannot be read does not hide the others: it is listed with
 * status {@code unreadable} and the reason. New kinds of directories (studies) add their own
 * {@code row} beside {@link #runRow}.
 */
class RunStore {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** How deep runs are looked for: runs/x, runs/compare/adam, runs/study/trials/0007. */
    private static final int DEPTH = 4;
    /** A run whose metrics changed this recently and that has no summary is shown as running. */
    private static final long RUNNING_MILLIS = 120_000;
    /** metrics.csv lines are about 60 characters; a longer one is not a metrics row. */
    private static final int MAX_LINE = 1024;
    /** Status of a run whose files cannot be read. */
    static final String UNREADABLE = "unreadable";

    private final Path root;
    private final Path realRoot;

    RunStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
        Path real;
        try {
            real = this.root.toRealPath();
        } catch (IOException e) {
            real = this.root;
        }
        this.realRoot = real;
    }

    Path root() {
        return root;
    }

    /** Every run, newest first; a directory that cannot be read is a row with status unreadable. */
    List<ObjectNode> list() {
        List<ObjectNode> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try {
            // Links are not followed: a run reached through a link that leaves the root is not listed.
            Files.walkFileTree(root, EnumSet.noneOf(java.nio.file.FileVisitOption.class), DEPTH, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                    if (f.getFileName().toString().equals("config.json")) {
                        out.add(runRow(f.getParent()));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path f, IOException e) {
                    if (!f.equals(root)) {
                        out.add(unreadableRow(f, InputFiles.unreadable(f, e).getMessage()));
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw InputFiles.unreadable(root, e);
        }
        out.sort((a, b) -> Long.compare(b.path("modified").asLong(), a.path("modified").asLong()));
        return out;
    }

    private ObjectNode runRow(Path dir) {
        try {
            JsonNode c = readJson(dir, "config.json");
            if (c == null || !c.isObject()) {
                throw new InputException(relative(dir.resolve("config.json")) + ": expected a JSON object");
            }
            JsonNode s = summary(dir);
            file(dir, "metrics.csv"); // not read here, but a link out of the root makes the run unreadable
            ObjectNode r = JSON.createObjectNode();
            r.put("id", id(dir));
            r.put("optimizer", c.path("optimizer").asText(""));
            r.put("lr", c.path("lr").asDouble(Double.NaN));
            r.put("batch_size", c.path("batch_size").asInt(0));
            r.put("epochs", c.path("epochs").asInt(0));
            r.set("hidden", c.path("hidden").isArray() ? c.get("hidden") : JSON.createArrayNode());
            if (s != null && s.path("test_accuracy").isNumber()) {
                r.put("test_accuracy", s.path("test_accuracy").asDouble());
                r.put("seconds", s.path("train_seconds").asDouble());
            } else {
                r.putNull("test_accuracy");
                r.putNull("seconds");
            }
            r.put("status", status(dir, s));
            r.put("modified", modified(dir));
            return r;
        } catch (InputException e) {
            return unreadableRow(dir, e.getMessage());
        }
    }

    private ObjectNode unreadableRow(Path dir, String reason) {
        ObjectNode r = JSON.createObjectNode();
        r.put("id", id(dir));
        r.putNull("optimizer");
        r.putNull("lr");
        r.putNull("batch_size");
        r.putNull("epochs");
        r.set("hidden", JSON.createArrayNode());
        r.putNull("test_accuracy");
        r.putNull("seconds");
        r.put("status", UNREADABLE);
        r.put("error", rootless(reason));
        r.put("modified", modified(dir));
        return r;
    }

    /** running (no summary, metrics written lately), a summary's stop reason, or stopped. */
    static String status(Path dir, JsonNode summary) {
        if (summary != null) {
            JsonNode reason = summary.path("stop_reason");
            return reason.isTextual() ? reason.textValue() : "completed";
        }
        return System.currentTimeMillis() - modified(dir) < RUNNING_MILLIS ? "running" : "stopped";
    }

    private static long modified(Path dir) {
        try {
            Path m = dir.resolve("metrics.csv");
            return Files.getLastModifiedTime(Files.exists(m, LinkOption.NOFOLLOW_LINKS) ? m : dir, LinkOption.NOFOLLOW_LINKS).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    private String id(Path dir) {
        return root.relativize(dir).toString().replace('\\', '/');
    }

    private String relative(Path f) {
        return root.relativize(f).toString().replace('\\', '/');
    }

    /** Messages name files relative to the runs directory: the server's own paths are not the client's business. */
    private String rootless(String message) {
        return message.replace(root + "/", "").replace(root.toString(), "");
    }

    /**
     * The directory of run {@code id}.
     *
     * @throws BadRequest 400 for a missing or malformed id, 404 for one that names no run
     */
    Path dir(String id) {
        if (id == null || id.isBlank()) {
            throw BadRequest.invalid("missing query parameter 'id'");
        }
        if (id.length() > 500 || id.contains("\0") || id.contains("\\") || id.startsWith("/")) {
            throw BadRequest.invalid("malformed run id");
        }
        for (String part : id.split("/")) {
            if (part.equals("..") || part.equals(".") || part.isEmpty()) {
                throw BadRequest.invalid("malformed run id '" + id + "'");
            }
        }
        Path dir = root.resolve(id).normalize();
        if (!dir.startsWith(root) || !Files.exists(dir.resolve("config.json"), LinkOption.NOFOLLOW_LINKS)) {
            throw BadRequest.notFound("no run '" + id + "'");
        }
        try {
            if (!dir.toRealPath().startsWith(realRoot)) {
                throw BadRequest.notFound("no run '" + id + "'");
            }
        } catch (IOException e) {
            throw BadRequest.notFound("no run '" + id + "'");
        }
        return dir;
    }

    /**
     * A file of a run, checked: null when it does not exist; an {@link InputException} when it is not
     * a regular file or its real path leaves the runs directory (a link out is never followed).
     */
    private Path file(Path dir, String name) {
        Path f = dir.resolve(name);
        if (!Files.exists(f, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        Path real;
        try {
            real = f.toRealPath();
        } catch (IOException e) {
            throw new InputException(relative(f) + ": a link to nothing (" + e.getMessage() + ")");
        }
        if (!real.startsWith(realRoot)) {
            throw new InputException(relative(f) + " leads outside the runs directory; it is not read");
        }
        if (!Files.isRegularFile(real)) {
            throw new InputException(relative(f) + ": not a regular file");
        }
        return f;
    }

    private JsonNode readJson(Path dir, String name) {
        Path f = file(dir, name);
        return f == null ? null : Json.read(f);
    }

    /** summary.json, or null while the run has none (or is writing it: it is replaced atomically, so a damaged one is reported). */
    private JsonNode summary(Path dir) {
        JsonNode s = readJson(dir, "summary.json");
        if (s != null && !s.isObject()) {
            throw new InputException(relative(dir.resolve("summary.json")) + ": expected a JSON object");
        }
        return s;
    }

    /** A run's config, summary (or null) and status; an unreadable run answers with its reason. */
    ObjectNode run(String id) {
        Path dir = dir(id);
        ObjectNode r = JSON.createObjectNode();
        r.put("id", id);
        try {
            r.set("config", readJson(dir, "config.json"));
            JsonNode s = summary(dir);
            r.set("summary", s);
            r.put("status", status(dir, s));
        } catch (InputException e) {
            r.putNull("config");
            r.putNull("summary");
            r.put("status", UNREADABLE);
            r.put("error", rootless(e.getMessage()));
        }
        return r;
    }

    /**
     * Rows of metrics.csv from row {@code since} on, with the header's column names ({@code step},
     * …, {@code val_acc}, then measurements such as {@code sharpness}); empty or malformed cells are null.
     * {@code total} is how many rows the file has, from which a client asks for the next ones.
     *
     * @param points when positive and the rows are more than four times as many: only the rows M4 keeps of
     *     the train loss and of the train accuracy against the step over {@code points} columns
     *     ({@link Thinning#m4}), and every row with a validation or measurement value ({@code thinned}: true)
     * @param validationOnly only the rows with a validation loss (what an overlay of runs draws)
     */
    ObjectNode metrics(String id, int since, int points, boolean validationOnly) {
        Path dir = dir(id);
        ObjectNode r = JSON.createObjectNode();
        ArrayNode names = r.putArray("columns");
        List<double[]> rows = new ArrayList<>();
        int total = 0;
        try {
            Path m = file(dir, "metrics.csv");
            if (m != null) {
                try (InputStream in = InputFiles.open(m); Reader rd = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                    total = readRows(rd, since, names, rows, validationOnly);
                } catch (IOException e) {
                    throw InputFiles.unreadable(m, e);
                }
            }
            r.put("total", total);
            boolean[] keep = !validationOnly && points > 0 && rows.size() > 4L * points ? thin(rows, points) : null;
            ArrayNode out = r.putArray("rows");
            for (int i = 0; i < rows.size(); i++) {
                if (keep == null || keep[i]) {
                    ArrayNode row = out.addArray();
                    for (double v : rows.get(i)) {
                        if (Double.isFinite(v)) {
                            row.add(v);
                        } else {
                            row.addNull();
                        }
                    }
                }
            }
            r.put("thinned", keep != null);
            r.put("status", status(dir, summary(dir)));
        } catch (InputException e) {
            throw BadRequest.unprocessable("run '" + id + "' is unreadable: " + rootless(e.getMessage()));
        }
        return r;
    }

    /** metrics.csv's columns: step, epoch, train loss, train accuracy, validation loss, validation accuracy, then measurements. */
    private static final int STEP = 0, TRAIN_LOSS = 2, TRAIN_ACC = 3, VAL_LOSS = 4;

    /**
     * Which rows draw the same curves at a width of {@code points} columns: M4's of the train loss and of
     * the train accuracy, and every row that has a validation or measurement value; null (every row) when
     * the steps are not increasing, which is not a line to thin.
     */
    private static boolean[] thin(List<double[]> rows, int points) {
        int n = rows.size();
        double[] step = new double[n], lossTrain = new double[n], accTrain = new double[n];
        boolean[] keep = new boolean[n];
        for (int i = 0; i < n; i++) {
            double[] row = rows.get(i);
            step[i] = row[STEP];
            lossTrain[i] = row[TRAIN_LOSS];
            accTrain[i] = row[TRAIN_ACC];
            for (int k = VAL_LOSS; k < row.length && !keep[i]; k++) {
                keep[i] = Double.isFinite(row[k]);
            }
        }
        for (double[] y : new double[][] {lossTrain, accTrain}) {
            int[] m4 = Thinning.m4(step, y, step[0], step[n - 1], false, points);
            if (m4 == null) {
                return null;
            }
            for (int i : m4) {
                keep[i] = true;
            }
        }
        return keep;
    }

    /**
     * Parses metrics.csv, streaming, with lines bounded in length: the header's names go to
     * {@code names}, then each row of at least six fields and as many as the header names, from row
     * {@code since} on (with a validation loss only, when {@code validated}), to {@code rows} (NaN for an
     * empty or malformed cell); returns how many rows the file has. A shorter line is one being written and
     * ends the rows, and so does a line longer than {@value #MAX_LINE} characters (not a metrics row).
     */
    static int readRows(Reader in, int since, ArrayNode names, List<double[]> rows, boolean validated) throws IOException {
        StringBuilder line = new StringBuilder();
        int total = 0, columns = 6;
        boolean header = true, tooLong = false;
        for (int c = in.read(); ; c = in.read()) {
            if (c >= 0 && c != '\n') {
                if (line.length() < MAX_LINE) {
                    line.append((char) c);
                } else {
                    tooLong = true;
                }
                continue;
            }
            if (tooLong) {
                return total;
            }
            if (header) {
                header = false;
                String[] h = line.toString().split(",", -1);
                for (String n : h) {
                    names.add(n);
                }
                columns = Math.max(6, h.length);
            } else if (!line.isEmpty() && !line.toString().isBlank()) {
                String[] f = line.toString().split(",", -1);
                if (f.length < columns) {
                    return total; // a line being written
                }
                if (total++ >= since && (!validated || Double.isFinite(cell(f[VAL_LOSS])))) {
                    double[] row = new double[columns];
                    for (int k = 0; k < columns; k++) {
                        row[k] = cell(f[k]);
                    }
                    rows.add(row);
                }
            }
            if (c < 0) {
                return total;
            }
            line.setLength(0);
        }
    }

    /** A cell's number; NaN for an empty or malformed one. */
    private static double cell(String text) {
        if (text.isEmpty() || text.length() > 40) {
            return Double.NaN;
        }
        for (int i = 0; i < text.length(); i++) {
            // Only what a number is written with: a damaged file should not cost an exception per cell.
            if ("0123456789+-.eE".indexOf(text.charAt(i)) < 0) {
                return Double.NaN;
            }
        }
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** The per-class report of the run's test evaluation. */
    ObjectNode report(String id) {
        Path dir = dir(id);
        JsonNode s;
        try {
            s = summary(dir);
        } catch (InputException e) {
            throw BadRequest.unprocessable("run '" + id + "' is unreadable: " + rootless(e.getMessage()));
        }
        if (s == null) {
            throw BadRequest.notFound("run '" + id + "' has no report yet (it has not finished)");
        }
        ObjectNode r = JSON.createObjectNode();
        r.set("per_class_accuracy", s.path("test_per_class_accuracy"));
        r.set("confusion", s.path("test_confusion"));
        r.set("worst_classes", s.path("test_worst_classes"));
        r.put("test_accuracy", s.path("test_accuracy").asDouble());
        return r;
    }
}
