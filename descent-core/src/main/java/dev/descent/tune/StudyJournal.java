package dev.descent.tune;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.descent.io.FormatException;

/**
 * A study's append-only journal: one JSON object per line, each written with a single append and
 * forced to disk before the call returns, so a study killed at any instant (SIGKILL, power loss)
 * loses at most the line being written. Lines, in order:
 *
 * <pre>
 * {"op":"study","format":"descent-study","version":1,"direction":"maximize","space":{…},"attrs":{…}}
 * {"op":"trial","number":0,"params":{"lr":0.0031,"optimizer":1}}          params as internal values
 * {"op":"report","number":0,"step":1,"value":0.941}
 * {"op":"finish","number":0,"state":"complete","value":0.962,"seconds":4.1,"message":""}
 * {"op":"retry","number":3}           a trial cut off by a crash, started again on resume
 * </pre>
 * A last line without its newline is a write the crash interrupted: it is dropped (and cut from the
 * file) on reading. Any other line that does not parse, or that names an unknown trial, makes the
 * journal corrupt, reported with its line number.
 */
final class StudyJournal implements AutoCloseable {

    /** The journal's file name in a study directory. */
    static final String FILE = "journal.jsonl";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a journal holds. */
    record Content(ObjectNode header, Map<Integer, TrialRecord> trials) {
    }

    private final Path file;
    private final FileChannel channel;

    private StudyJournal(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /** Creates a journal with its header; fails if one exists. */
    static StudyJournal create(Path file, ObjectNode header) {
        try {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            StudyJournal j = new StudyJournal(file, ch);
            j.append(header);
            return j;
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new IllegalArgumentException(file + " already exists: resume that study or choose another directory");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the study journal " + file + ": " + e.getMessage(), e);
        }
    }

    /** Opens an existing journal for appending, after {@link #read} has checked it. */
    static StudyJournal append(Path file) {
        try {
            return new StudyJournal(file, FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the study journal " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a journal, dropping (and truncating away) a torn last line.
     *
     * @throws FormatException if it is not a study journal or a line is corrupt
     */
    static Content read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the study journal " + file + ": " + e.getMessage(), e);
        }
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] != '\n') {
            end--;
        }
        if (end < bytes.length) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(end);
                ch.force(true);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot repair the study journal " + file + ": " + e.getMessage(), e);
            }
        }
        String[] lines = new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n");
        if (end == 0 || lines.length == 0) {
            throw new FormatException(file + ": empty study journal");
        }
        ObjectNode header = null;
        Map<Integer, TrialRecord> trials = new LinkedHashMap<>();
        for (int i = 0; i < lines.length; i++) {
            String where = file + ": line " + (i + 1) + ": ";
            JsonNode n;
            try {
                n = JSON.readTree(lines[i]);
            } catch (JsonProcessingException e) {
                throw new FormatException(where + "not valid JSON (the journal is corrupt)");
            }
            if (n == null || !n.isObject()) {
                throw new FormatException(where + "not a JSON object (the journal is corrupt)");
            }
            String op = n.path("op").asText();
            if (i == 0) {
                if (!op.equals("study") || !"descent-study".equals(n.path("format").asText())) {
                    throw new FormatException(where + "not a descent study journal");
                }
                header = (ObjectNode) n;
                continue;
            }
            int number = n.path("number").asInt(-1);
            TrialRecord t = trials.get(number);
            if (!op.equals("trial") && t == null) {
                throw new FormatException(where + "names trial " + number + ", which was never started (the journal is corrupt)");
            }
            switch (op) {
                case "trial" -> {
                    if (number != trials.size()) {
                        throw new FormatException(where + "trial " + number + " out of order (expected " + trials.size() + ")");
                    }
                    Map<String, Double> params = new LinkedHashMap<>();
                    n.path("params").fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asDouble()));
                    trials.put(number, TrialRecord.started(number, params));
                }
                case "report" -> trials.put(number, t.withReport(n.path("step").asInt(), number(n.get("value"))));
                case "finish" -> {
                    TrialState s;
                    try {
                        s = TrialState.valueOf(n.path("state").asText().toUpperCase(java.util.Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        throw new FormatException(where + "unknown trial state " + n.path("state"));
                    }
                    trials.put(number, t.finished(s, number(n.get("value")), n.path("seconds").asDouble(), n.path("message").asText("")));
                }
                case "retry" -> trials.put(number, t.restarted());
                default -> throw new FormatException(where + "unknown operation '" + op + "'");
            }
        }
        return new Content(header, trials);
    }

    private static double number(JsonNode v) {
        return v == null || v.isNull() ? Double.NaN : v.isTextual() ? Double.parseDouble(v.asText()) : v.asDouble();
    }

    /** Appends one line and forces it to disk. */
    synchronized void append(ObjectNode line) {
        byte[] b = (line.toString() + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            ByteBuffer buf = ByteBuffer.wrap(b);
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the study journal " + file + ": " + e.getMessage(), e);
        }
    }

    void trialStarted(int number, Map<String, Double> params) {
        ObjectNode o = op("trial", number);
        ObjectNode p = o.putObject("params");
        params.forEach(p::put);
        append(o);
    }

    void reported(int number, int step, double value) {
        append(putValue(op("report", number).put("step", step), value));
    }

    void finished(TrialRecord t) {
        ObjectNode o = putValue(op("finish", t.number()).put("state", t.state().name().toLowerCase(java.util.Locale.ROOT)), t.value());
        o.put("seconds", t.seconds());
        o.put("message", t.message());
        append(o);
    }

    void retried(int number) {
        append(op("retry", number));
    }

    private static ObjectNode op(String op, int number) {
        ObjectNode o = JSON.createObjectNode();
        o.put("op", op);
        o.put("number", number);
        return o;
    }

    /** JSON has no NaN or infinities: those are written as strings ("NaN", "Infinity"). */
    private static ObjectNode putValue(ObjectNode o, double v) {
        if (Double.isFinite(v)) {
            o.put("value", v);
        } else {
            o.put("value", Double.toString(v));
        }
        return o;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
