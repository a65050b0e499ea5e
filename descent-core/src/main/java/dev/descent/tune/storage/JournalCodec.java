package dev.descent.tune.storage;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.descent.tune.Direction;
import dev.descent.tune.SearchSpace;
import dev.descent.tune.SearchSpaceJson;
import dev.descent.tune.StudyHeader;
import dev.descent.tune.TrialOwner;
import dev.descent.tune.TrialState;

/**
 * The journal's lines, one JSON object each:
 *
 * <pre>
 * {"op":"study","format":"descent-study","version":2,"directions":["maximize","minimize"],
 *  "objectives":["val_accuracy","train_seconds"],"prune_objective":0,"space":{…},"attrs":{…}}
 * {"op":"trial","number":0,"params":{"lr":0.0031,"optimizer":1},"owner":{"pid":4711,"host":"h","start":"…"}}
 * {"op":"trial","number":5,"params":{…},"state":"waiting","retry_of":3}     a queued retry of trial 3
 * {"op":"start","number":5,"owner":{…}}                                   a waiting trial taken
 * {"op":"param","number":0,"name":"dropout","distribution":{"type":"float","low":0,"high":0.5},"value":0.1}
 * {"op":"report","number":0,"step":1,"value":0.941}
 * {"op":"finish","number":0,"state":"complete","values":[0.962,41.2],"seconds":4.1,"message":""}
 * </pre>
 * Parameters are internal values (a choice's index); "space" is absent when trials suggest all their
 * parameters as they run. Version 1 journals (one "direction", "value" instead of "values", "retry"
 * lines for a trial started again) are read too. JSON has no NaN or infinities: those are written as
 * strings ("NaN", "Infinity").
 */
final class JournalCodec {

    static final String FORMAT = "descent-study";
    static final int VERSION = 2;
    private static final ObjectMapper JSON = new ObjectMapper();

    private JournalCodec() {
    }

    static ObjectNode header(StudyHeader h) {
        ObjectNode o = JSON.createObjectNode();
        o.put("op", "study").put("format", FORMAT).put("version", VERSION);
        ArrayNode d = o.putArray("directions");
        h.directions().forEach(x -> d.add(x.name().toLowerCase(Locale.ROOT)));
        ArrayNode n = o.putArray("objectives");
        h.objectives().forEach(n::add);
        o.put("prune_objective", h.pruneObjective());
        if (h.space() != null) {
            o.set("space", SearchSpaceJson.write(h.space()));
        }
        o.set("attrs", h.attrs());
        return o;
    }

    /**
     * @throws IllegalArgumentException if {@code o} is not a study header
     */
    static StudyHeader readHeader(JsonNode o) {
        if (!"study".equals(o.path("op").asText()) || !FORMAT.equals(o.path("format").asText())) {
            throw new IllegalArgumentException("not a descent study journal");
        }
        int version = o.path("version").asInt(1);
        if (version > VERSION) {
            throw new IllegalArgumentException("journal version " + version + " is newer than this descent reads (" + VERSION + ")");
        }
        List<Direction> dirs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        if (version == 1) {
            dirs.add(direction(o.path("direction").asText()));
            names.add(o.path("attrs").path("metric").asText("value"));
        } else {
            o.path("directions").forEach(d -> dirs.add(direction(d.asText())));
            o.path("objectives").forEach(d -> names.add(d.asText()));
        }
        SearchSpace space = o.hasNonNull("space") ? SearchSpaceJson.read(o.get("space")) : null;
        JsonNode attrs = o.path("attrs");
        return new StudyHeader(space, dirs, names, o.path("prune_objective").asInt(0), attrs.isObject() ? (ObjectNode) attrs : null);
    }

    private static Direction direction(String s) {
        try {
            return Direction.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown direction '" + s + "'");
        }
    }

    static ObjectNode line(StudyEvent e) {
        ObjectNode o = JSON.createObjectNode();
        switch (e) {
            case StudyEvent.Created c -> {
                op(o, "trial", c.number());
                ObjectNode p = o.putObject("params");
                c.params().forEach(p::put);
                if (c.state() == TrialState.WAITING) {
                    o.put("state", "waiting");
                }
                if (c.retryOf() >= 0) {
                    o.put("retry_of", c.retryOf());
                }
                owner(o, c.owner());
            }
            case StudyEvent.Claimed c -> owner(op(o, "start", c.number()), c.owner());
            case StudyEvent.ParamSet p -> {
                op(o, "param", p.number()).put("name", p.name());
                o.set("distribution", SearchSpaceJson.writeDistribution(p.distribution()));
                o.put("value", p.value());
            }
            case StudyEvent.Reported r -> number(op(o, "report", r.number()).put("step", r.step()), "value", r.value());
            case StudyEvent.Finished f -> {
                op(o, "finish", f.number()).put("state", f.state().label());
                if (!f.values().isEmpty()) {
                    ArrayNode a = o.putArray("values");
                    f.values().forEach(v -> add(a, v));
                }
                o.put("seconds", f.seconds());
                o.put("message", f.message());
            }
            case StudyEvent.Restarted r -> op(o, "retry", r.number());
        }
        return o;
    }

    /**
     * @throws IllegalArgumentException if the line is not a known event
     */
    static StudyEvent event(JsonNode n) {
        String op = n.path("op").asText();
        JsonNode num = n.get("number");
        if (num == null || !num.canConvertToInt()) {
            throw new IllegalArgumentException("'" + op + "' line without a trial number");
        }
        int number = num.asInt();
        return switch (op) {
            case "trial" -> {
                Map<String, Double> params = new LinkedHashMap<>();
                n.path("params").fields().forEachRemaining(e -> params.put(e.getKey(), number(e.getValue())));
                TrialState s = "waiting".equals(n.path("state").asText()) ? TrialState.WAITING : TrialState.RUNNING;
                yield new StudyEvent.Created(number, params, s, n.path("retry_of").asInt(-1), owner(n.get("owner")));
            }
            case "start" -> new StudyEvent.Claimed(number, owner(n.get("owner")));
            case "param" -> {
                String name = n.path("name").asText();
                yield new StudyEvent.ParamSet(number, name, SearchSpaceJson.readDistribution(name, n.get("distribution")), number(n.get("value")));
            }
            case "report" -> new StudyEvent.Reported(number, n.path("step").asInt(), number(n.get("value")));
            case "finish" -> {
                TrialState s;
                try {
                    s = TrialState.valueOf(n.path("state").asText().toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("unknown trial state " + n.path("state"));
                }
                List<Double> values = new ArrayList<>();
                if (n.has("values")) {
                    n.get("values").forEach(v -> values.add(number(v)));
                } else if (s == TrialState.COMPLETE) {
                    values.add(number(n.get("value"))); // version 1
                }
                yield new StudyEvent.Finished(number, s, values, n.path("seconds").asDouble(), n.path("message").asText(""));
            }
            case "retry" -> new StudyEvent.Restarted(number);
            default -> throw new IllegalArgumentException("unknown operation '" + op + "'");
        };
    }

    private static ObjectNode op(ObjectNode o, String op, int number) {
        return o.put("op", op).put("number", number);
    }

    private static void owner(ObjectNode o, TrialOwner w) {
        if (w != null) {
            ObjectNode n = o.putObject("owner").put("pid", w.pid()).put("host", w.host());
            if (w.start() != null) {
                n.put("start", w.start().toString());
            }
        }
    }

    private static TrialOwner owner(JsonNode n) {
        if (n == null || !n.isObject()) {
            return null;
        }
        Instant start = null;
        if (n.hasNonNull("start")) {
            try {
                start = Instant.parse(n.get("start").asText());
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("owner start time '" + n.get("start").asText() + "' is not an instant");
            }
        }
        return new TrialOwner(n.path("pid").asLong(), n.path("host").asText(""), start);
    }

    private static ObjectNode number(ObjectNode o, String field, double v) {
        if (Double.isFinite(v)) {
            o.put(field, v);
        } else {
            o.put(field, Double.toString(v));
        }
        return o;
    }

    private static void add(ArrayNode a, double v) {
        if (Double.isFinite(v)) {
            a.add(v);
        } else {
            a.add(Double.toString(v));
        }
    }

    private static double number(JsonNode v) {
        if (v == null || v.isNull()) {
            return Double.NaN;
        }
        if (v.isTextual()) {
            try {
                return Double.parseDouble(v.asText());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + v.asText() + "' is not a number");
            }
        }
        if (!v.isNumber()) {
            throw new IllegalArgumentException(v + " is not a number");
        }
        return v.asDouble();
    }
}
