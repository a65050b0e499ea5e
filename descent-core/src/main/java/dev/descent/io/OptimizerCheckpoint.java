package dev.descent.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerState;
import dev.descent.optim.ParamState;
import dev.descent.tensor.Tensor;

/**
 * Optimizer state for exact resume, as {@code optimizer.safetensors}: per parameter i (in group
 * order) the tensors {@code state.i.<buffer>} (F32), {@code state.i.step} (I64) and
 * {@code state.i.scalars} (F64); {@code __metadata__} holds {@code format=descent-optimizer}, the
 * algorithm, the step count, the groups' hyperparameters and options as JSON, and the rule's own
 * state.
 */
public final class OptimizerCheckpoint {

    private static final ObjectMapper JSON = new ObjectMapper();

    private OptimizerCheckpoint() {
    }

    /** Saves an optimizer's state (atomically). */
    public static void save(Path file, Optimizer<?> optimizer) {
        OptimizerState<?> s = optimizer.stateDict();
        String[] names = optimizer.rule().bufferNames();
        Map<String, Safetensors.Entry> tensors = new LinkedHashMap<>();
        for (int i = 0; i < s.params().size(); i++) {
            ParamState p = s.params().get(i);
            if (p == null) {
                continue;
            }
            float[][] bufs = p.buffers();
            for (int b = 0; b < names.length; b++) {
                tensors.put("state." + i + "." + names[b], Safetensors.Entry.f32(bufs[b], bufs[b].length));
            }
            tensors.put("state." + i + ".step", Safetensors.Entry.i64(new long[] {p.step()}));
            tensors.put("state." + i + ".scalars", Safetensors.Entry.f64(p.scalars(), p.scalars().length));
        }
        ArrayNode groups = JSON.createArrayNode();
        for (OptimizerState.Group<?> g : s.groups()) {
            ObjectNode o = groups.addObject();
            o.put("size", g.size());
            o.put("lr", g.lr());
            o.put("weight_decay", g.weightDecay());
            o.put("maximize", g.maximize());
            o.set("options", JSON.valueToTree(g.options()));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "descent-optimizer");
        meta.put("algorithm", s.algorithm());
        meta.put("steps", Long.toString(s.steps()));
        meta.put("params", Integer.toString(s.params().size()));
        meta.put("groups", groups.toString());
        if (s.ruleState() != null) {
            meta.put("rule_state", JSON.valueToTree(s.ruleState()).toString());
        }
        Safetensors.write(file, tensors, meta);
    }

    /**
     * Loads a saved state into {@code optimizer} (which must be the same algorithm over parameters
     * of the same sizes). Every entry is checked against the optimizer before anything is loaded.
     *
     * @throws FormatException naming the entry (metadata key or tensor) that is missing or does not fit
     */
    public static <O> void load(Path file, Optimizer<O> optimizer) {
        load(Safetensors.read(file), file.toString(), optimizer);
    }

    /** Loads a read optimizer state; {@code name} is used in error messages. */
    @SuppressWarnings("unchecked")
    public static <O> void load(Safetensors.Contents c, String name, Optimizer<O> optimizer) {
        Map<String, String> m = c.metadata();
        if (!"descent-optimizer".equals(m.get("format"))) {
            throw new FormatException(name + ": not a Descent optimizer state (format=" + m.get("format") + ")");
        }
        String algorithm = meta(m, "algorithm", name);
        if (!algorithm.equals(optimizer.rule().name())) {
            throw new FormatException(name + ": the state of " + algorithm + ", but the run's optimizer is " + optimizer.rule().name());
        }
        List<Tensor> flat = new ArrayList<>();
        optimizer.paramGroups().forEach(g -> flat.addAll(g.params()));
        long n = wholeMeta(m, "params", name);
        if (n != flat.size()) {
            throw new FormatException(name + ": metadata 'params' is " + n + ", the optimizer has " + flat.size() + " parameters");
        }
        long steps = wholeMeta(m, "steps", name);
        String[] names = optimizer.rule().bufferNames();
        int scalars = optimizer.rule().scalarCount();
        List<ParamState> params = new ArrayList<>();
        for (int i = 0; i < flat.size(); i++) {
            Safetensors.Entry step = c.tensors().get("state." + i + ".step");
            if (step == null) {
                params.add(null);
                continue;
            }
            long[] st = tensor(c, "state." + i + ".step", Safetensors.Dtype.I64, 1, name).toLongs();
            if (st[0] < 0) {
                throw new FormatException(name + ": tensor 'state." + i + ".step' is " + st[0] + ", expected a step count >= 0");
            }
            float[][] bufs = new float[names.length][];
            for (int b = 0; b < names.length; b++) {
                bufs[b] = tensor(c, "state." + i + "." + names[b], Safetensors.Dtype.F32, flat.get(i).numel(), name).toFloats();
            }
            double[] sc = tensor(c, "state." + i + ".scalars", Safetensors.Dtype.F64, scalars, name).toDoubles();
            params.add(ParamState.of(st[0], bufs, sc));
        }
        JsonNode groupsJson = Json.parse(meta(m, "groups", name), name + ": metadata 'groups'");
        if (!groupsJson.isArray() || groupsJson.size() != optimizer.paramGroups().size()) {
            throw new FormatException(name + ": metadata 'groups' must list " + optimizer.paramGroups().size() + " parameter group(s)");
        }
        List<OptimizerState.Group<O>> groups = new ArrayList<>();
        Class<O> optionsType = (Class<O>) optimizer.paramGroups().get(0).options().getClass();
        for (int gi = 0; gi < groupsJson.size(); gi++) {
            JsonNode g = groupsJson.get(gi);
            String where = name + ": metadata 'groups' entry " + gi + ": ";
            if (!g.isObject() || !g.path("size").canConvertToInt() || !g.path("size").isIntegralNumber() || !g.path("lr").isNumber()
                    || !g.path("weight_decay").isNumber() || !g.path("maximize").isBoolean() || !g.path("options").isObject()) {
                throw new FormatException(where + "expected size, lr, weight_decay, maximize and options");
            }
            if (g.get("size").intValue() != optimizer.paramGroups().get(gi).params().size()) {
                throw new FormatException(where + "size " + g.get("size").intValue() + ", the optimizer's group has " + optimizer.paramGroups().get(gi).params().size());
            }
            O options;
            try {
                options = Json.STRICT.treeToValue(g.get("options"), optionsType);
            } catch (IOException | IllegalArgumentException e) {
                throw new FormatException(where + "options do not fit " + optionsType.getSimpleName() + " (" + Json.firstLine(e.getMessage()) + ")", e);
            }
            double lr = g.get("lr").doubleValue(), wd = g.get("weight_decay").doubleValue();
            if (!Double.isFinite(lr) || lr < 0 || !Double.isFinite(wd)) {
                throw new FormatException(where + "lr " + lr + " and weight_decay " + wd + " must be finite, lr >= 0");
            }
            groups.add(new OptimizerState.Group<>(g.get("size").intValue(), lr, wd, g.get("maximize").booleanValue(), options));
        }
        long[] rule = null;
        if (m.containsKey("rule_state")) {
            JsonNode r = Json.parse(m.get("rule_state"), name + ": metadata 'rule_state'");
            if (!r.isArray() || r.size() > 64) {
                throw new FormatException(name + ": metadata 'rule_state' must be a short list of whole numbers");
            }
            rule = new long[r.size()];
            for (int i = 0; i < rule.length; i++) {
                if (!r.get(i).isIntegralNumber() || !r.get(i).canConvertToLong()) {
                    throw new FormatException(name + ": metadata 'rule_state' entry " + i + " is not a 64-bit whole number");
                }
                rule[i] = r.get(i).longValue();
            }
        }
        try {
            optimizer.loadStateDict(new OptimizerState<>(algorithm, steps, groups, params, rule));
        } catch (IllegalArgumentException e) {
            // What the rule itself refuses (a generator state of zeros, options out of range).
            throw new FormatException(name + ": " + e.getMessage(), e);
        }
    }

    private static String meta(Map<String, String> m, String key, String name) {
        String v = m.get(key);
        if (v == null) {
            throw new FormatException(name + ": metadata '" + key + "' is missing");
        }
        return v;
    }

    private static long wholeMeta(Map<String, String> m, String key, String name) {
        String v = meta(m, key, name);
        try {
            long n = Long.parseLong(v);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new FormatException(name + ": metadata '" + key + "' is '" + v + "', expected a whole number >= 0");
        }
    }

    private static Safetensors.Entry tensor(Safetensors.Contents c, String key, Safetensors.Dtype type, int numel, String name) {
        Safetensors.Entry e = c.tensors().get(key);
        if (e == null) {
            throw new FormatException(name + ": tensor '" + key + "' is missing");
        }
        if (e.dtype() != type || e.data().length != (long) numel * type.bytes()) {
            throw new FormatException(name + ": tensor '" + key + "' is " + e.dtype() + " " + java.util.Arrays.toString(e.shape()) + ", expected " + type + " of "
                    + numel + " element" + (numel == 1 ? "" : "s"));
        }
        return e;
    }
}
