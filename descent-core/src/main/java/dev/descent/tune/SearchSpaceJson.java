package dev.descent.tune;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A search space as JSON (the study journal's header, and the file {@code descent tune --space}
 * reads, also as YAML). One object member per parameter, in order:
 *
 * <pre>
 * {
 *   "lr":         {"type": "float", "low": 1e-4, "high": 0.1, "log": true},
 *   "batch-size": {"type": "int", "low": 32, "high": 256, "log": true},
 *   "optimizer":  {"type": "categorical", "choices": ["sgd", "adam"]},
 *   "momentum":   {"type": "float", "low": 0.5, "high": 0.99, "when": {"optimizer": ["sgd"]}},
 *   "hidden":     {"type": "categorical", "choices": [[200, 100, 50], [512, 256]]}
 * }
 * </pre>
 */
public final class SearchSpaceJson {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FIELDS = Set.of("type", "low", "high", "log", "choices", "when");

    private SearchSpaceJson() {
    }

    /**
     * Reads a space.
     *
     * @throws IllegalArgumentException naming the parameter and what is wrong with it
     */
    public static SearchSpace read(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("search space: expected an object with one member per parameter");
        }
        List<SearchSpace.Param> params = new ArrayList<>();
        // Conditions are resolved once every categorical parameter is known.
        List<Map.Entry<String, JsonNode>> members = new ArrayList<>();
        root.fields().forEachRemaining(members::add);
        Map<String, Distribution> dists = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> m : members) {
            dists.put(m.getKey(), distribution(m.getKey(), m.getValue()));
        }
        for (Map.Entry<String, JsonNode> m : members) {
            params.add(new SearchSpace.Param(m.getKey(), dists.get(m.getKey()), condition(m.getKey(), m.getValue().get("when"), dists)));
        }
        try {
            return SearchSpace.of(params);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("search space: " + e.getMessage(), e);
        }
    }

    private static Distribution distribution(String name, JsonNode p) {
        String where = "search space: " + name + ": ";
        if (!p.isObject()) {
            throw new IllegalArgumentException(where + "expected an object such as {\"type\": \"float\", \"low\": 0.001, \"high\": 0.1}");
        }
        for (Iterator<String> it = p.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw new IllegalArgumentException(where + "unknown field '" + f + "' (known: type, low, high, log, choices, when)");
            }
        }
        String type = p.path("type").asText("");
        boolean log = p.path("log").asBoolean(false);
        try {
            return switch (type) {
                case "float" -> new Distribution.FloatRange(number(where, p, "low"), number(where, p, "high"), log);
                case "int" -> new Distribution.IntRange(whole(where, p, "low"), whole(where, p, "high"), log);
                case "categorical" -> {
                    JsonNode c = p.get("choices");
                    if (c == null || !c.isArray()) {
                        throw new IllegalArgumentException("'choices' must be a list");
                    }
                    List<Object> choices = new ArrayList<>();
                    for (JsonNode v : c) {
                        if (v.isNull()) {
                            throw new IllegalArgumentException("'choices' lists null; a choice is a string, number, boolean or list");
                        }
                        choices.add(JSON.treeToValue(v, Object.class));
                    }
                    yield new Distribution.Categorical(choices);
                }
                default -> throw new IllegalArgumentException("unknown type '" + type + "' (known: float, int, categorical)");
            };
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(where + e.getOriginalMessage(), e);
        } catch (IllegalArgumentException e) {
            throw e.getMessage().startsWith("search space") ? e : new IllegalArgumentException(where + e.getMessage(), e);
        }
    }

    private static double number(String where, JsonNode p, String field) {
        JsonNode v = p.get(field);
        if (v == null || !v.isNumber()) {
            throw new IllegalArgumentException(where + "'" + field + "' must be a number");
        }
        return v.asDouble();
    }

    private static long whole(String where, JsonNode p, String field) {
        JsonNode v = p.get(field);
        if (v == null || !v.canConvertToExactIntegral()) {
            throw new IllegalArgumentException(where + "'" + field + "' must be a whole number");
        }
        return v.asLong();
    }

    private static SearchSpace.Condition condition(String name, JsonNode when, Map<String, Distribution> dists) {
        if (when == null || when.isNull()) {
            return null;
        }
        String where = "search space: " + name + ": ";
        if (!when.isObject() || when.size() != 1) {
            throw new IllegalArgumentException(where + "'when' must name one categorical parameter and its values, e.g. {\"optimizer\": [\"sgd\"]}");
        }
        Map.Entry<String, JsonNode> e = when.fields().next();
        Distribution parent = dists.get(e.getKey());
        if (!(parent instanceof Distribution.Categorical cat)) {
            throw new IllegalArgumentException(where + "'when' names '" + e.getKey() + "', which is not a categorical parameter");
        }
        JsonNode vals = e.getValue().isArray() ? e.getValue() : JSON.createArrayNode().add(e.getValue());
        Set<Integer> idx = new HashSet<>();
        for (JsonNode v : vals) {
            int k;
            try {
                k = v.isNull() ? -1 : cat.indexOf(JSON.treeToValue(v, Object.class));
            } catch (JsonProcessingException ex) {
                k = -1;
            }
            if (k < 0) {
                throw new IllegalArgumentException(where + "'when' value " + v + " is not a choice of '" + e.getKey() + "' " + cat.choices());
            }
            idx.add(k);
        }
        if (idx.isEmpty()) {
            throw new IllegalArgumentException(where + "'when' lists no values of '" + e.getKey() + "'");
        }
        return new SearchSpace.Condition(e.getKey(), idx);
    }

    /**
     * Reads one parameter's distribution, as a member of a space holds it (without {@code when}).
     *
     * @throws IllegalArgumentException naming the parameter and what is wrong
     */
    public static Distribution readDistribution(String name, JsonNode node) {
        if (node != null && node.has("when")) {
            throw new IllegalArgumentException("search space: " + name + ": a single distribution has no 'when'");
        }
        return distribution(name, node == null ? JSON.nullNode() : node);
    }

    /** Writes one distribution in the format {@link #readDistribution} reads. */
    public static ObjectNode writeDistribution(Distribution d) {
        ObjectNode o = JSON.createObjectNode();
        put(o, d);
        return o;
    }

    /** Writes a space in the format {@link #read} reads. */
    public static ObjectNode write(SearchSpace space) {
        ObjectNode root = JSON.createObjectNode();
        for (SearchSpace.Param p : space.params()) {
            ObjectNode o = root.putObject(p.name());
            put(o, p.distribution());
            if (p.condition() != null) {
                Distribution.Categorical parent = (Distribution.Categorical) space.param(p.condition().parent()).distribution();
                ArrayNode a = o.putObject("when").putArray(p.condition().parent());
                p.condition().values().stream().sorted().forEach(k -> a.add(JSON.valueToTree(parent.choices().get(k))));
            }
        }
        return root;
    }

    private static void put(ObjectNode o, Distribution d) {
        switch (d) {
            case Distribution.FloatRange f -> {
                o.put("type", "float").put("low", f.low()).put("high", f.high());
                if (f.log()) {
                    o.put("log", true);
                }
            }
            case Distribution.IntRange r -> {
                o.put("type", "int").put("low", r.low()).put("high", r.high());
                if (r.log()) {
                    o.put("log", true);
                }
            }
            case Distribution.Categorical c -> {
                o.put("type", "categorical");
                ArrayNode a = o.putArray("choices");
                c.choices().forEach(v -> a.add(JSON.valueToTree(v)));
            }
        }
    }
}
