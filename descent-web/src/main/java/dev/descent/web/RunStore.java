package dev.descent.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The run directories (DESIGN §5) under a root, read on request. A run's id is its path relative to
 * the root with '/' separators; {@link #dir} accepts only ids that name a run directory inside the
 * root, so no request can reach another file.
 */
final class RunStore {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** How deep runs are looked for: runs/x, runs/compare/adam, runs/study/trials/0007. */
    private static final int DEPTH = 4;
    /** A run whose metrics changed this recently and that has no summary is shown as running. */
    private static final long RUNNING_MILLIS = 120_000;

    private final Path root;

    RunStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    Path root() {
        return root;
    }

    /** Every run, newest first. */
    List<ObjectNode> list() {
        List<ObjectNode> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (Stream<Path> s = Files.walk(root, DEPTH)) {
            for (Path cfg : s.filter(p -> p.getFileName().toString().equals("config.json")).toList()) {
                out.add(row(cfg.getParent()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.sort((a, b) -> Long.compare(b.path("modified").asLong(), a.path("modified").asLong()));
        return out;
    }

    private ObjectNode row(Path dir) {
        JsonNode c = readJson(dir.resolve("config.json"));
        JsonNode s = readJson(dir.resolve("summary.json"));
        ObjectNode r = JSON.createObjectNode();
        r.put("id", id(dir));
        r.put("optimizer", c.path("optimizer").asText(""));
        r.put("lr", c.path("lr").asDouble(Double.NaN));
        r.put("batch_size", c.path("batch_size").asInt(0));
        r.put("epochs", c.path("epochs").asInt(0));
        r.set("hidden", c.path("hidden"));
        if (s != null && s.has("test_accuracy")) {
            r.put("test_accuracy", s.path("test_accuracy").asDouble());
            r.put("seconds", s.path("train_seconds").asDouble());
        } else {
            r.putNull("test_accuracy");
            r.putNull("seconds");
        }
        r.put("status", status(dir, s));
        r.put("modified", modified(dir));
        return r;
    }

    /** running (no summary, metrics written lately), a summary's stop reason, or stopped. */
    static String status(Path dir, JsonNode summary) {
        if (summary != null) {
            return summary.path("stop_reason").asText("completed");
        }
        return System.currentTimeMillis() - modified(dir) < RUNNING_MILLIS ? "running" : "stopped";
    }

    private static long modified(Path dir) {
        try {
            Path m = dir.resolve("metrics.csv");
            return Files.getLastModifiedTime(Files.exists(m) ? m : dir.resolve("config.json")).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    private String id(Path dir) {
        return root.relativize(dir).toString().replace('\\', '/');
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
        if (!dir.startsWith(root) || !Files.isRegularFile(dir.resolve("config.json"))) {
            throw BadRequest.notFound("no run '" + id + "'");
        }
        try {
            if (!dir.toRealPath().startsWith(root.toRealPath())) {
                throw BadRequest.notFound("no run '" + id + "'");
            }
        } catch (IOException e) {
            throw BadRequest.notFound("no run '" + id + "'");
        }
        return dir;
    }

    /** A run's config, summary (or null) and status. */
    ObjectNode run(String id) {
        Path dir = dir(id);
        ObjectNode r = JSON.createObjectNode();
        r.put("id", id);
        r.set("config", readJson(dir.resolve("config.json")));
        JsonNode s = readJson(dir.resolve("summary.json"));
        r.set("summary", s);
        r.put("status", status(dir, s));
        return r;
    }

    /**
     * Rows of metrics.csv from row {@code since} on, with the header's column names ({@code step},
     * …, {@code val_acc}, then measurements such as {@code sharpness}); empty cells are null.
     */
    ObjectNode metrics(String id, int since) {
        Path dir = dir(id);
        ObjectNode r = JSON.createObjectNode();
        ArrayNode names = r.putArray("columns");
        ArrayNode rows = r.putArray("rows");
        Path m = dir.resolve("metrics.csv");
        int total = 0;
        if (Files.exists(m)) {
            List<String> lines;
            try {
                lines = Files.readAllLines(m);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            String[] header = lines.isEmpty() ? new String[0] : lines.get(0).split(",", -1);
            int columns = Math.max(6, header.length);
            for (String h : header) {
                names.add(h);
            }
            for (int i = 1; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split(",", -1);
                if (f.length < columns) {
                    break; // a line being written
                }
                if (total++ < since) {
                    continue;
                }
                ArrayNode row = rows.addArray();
                for (int k = 0; k < columns; k++) {
                    if (f[k].isEmpty()) {
                        row.addNull();
                    } else {
                        try {
                            row.add(Double.parseDouble(f[k]));
                        } catch (NumberFormatException e) {
                            row.addNull();
                        }
                    }
                }
            }
        }
        r.put("total", total);
        r.put("status", status(dir, readJson(dir.resolve("summary.json"))));
        return r;
    }

    /** The per-class report of the run's test evaluation. */
    ObjectNode report(String id) {
        Path dir = dir(id);
        JsonNode s = readJson(dir.resolve("summary.json"));
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

    private static JsonNode readJson(Path f) {
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            return JSON.readTree(f.toFile());
        } catch (IOException e) {
            return null; // being written, or damaged: shown as missing
        }
    }
}
