package dev.descent.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerState;
import dev.descent.optim.transform.ParamState;
import dev.descent.tensor.Tensor;

/**
 * Optimizer state for exact resume, as {@code optimizer.safetensors}: per parameter i (in group
 * order) the tensors {@code state.i.<buffer>} (F32, the buffers the algorithm has used),
 * {@code state.i.step} (I64) and {@code state.i.scalars} (F64); {@code __metadata__} holds
 * {@code format=descent-optimizer}, the algorithm, the step count, the groups' hyperparameters and
 * options as JSON, the buffers each parameter's state holds, the parameters' names and shapes (so
 * that loading checks them, which PyTorch's position-only state dicts cannot), and whether the
 * optimizer was in train mode. Files written before these were recorded still load: every buffer
 * of the algorithm is then required, and parameters are checked by size only.
 */
public final class OptimizerCheckpoint {

    private static final ObjectMapper JSON = new ObjectMapper();

    private OptimizerCheckpoint() {
    }

    /** Saves an optimizer's state (atomically). */
    public static void save(Path file, Optimizer<?> optimizer) {
        OptimizerState<?> s = optimizer.stateDict();
        List<String> names = optimizer.chain().bufferNames();
        Map<String, Safetensors.Entry> tensors = new LinkedHashMap<>();
        ArrayNode held = JSON.createArrayNode();
        for (int i = 0; i < s.params().size(); i++) {
            ParamState p = s.params().get(i);
            if (p == null) {
                held.addNull();
                continue;
            }
            ArrayNode these = held.addArray();
            float[][] bufs = p.buffers();
            for (int b = 0; b < names.size(); b++) {
                if (bufs[b] != null) {
                    these.add(names.get(b));
                    tensors.put("state." + i + "." + names.get(b), Safetensors.Entry.f32(bufs[b], bufs[b].length));
                }
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
        meta.put("buffers", held.toString());
        meta.put("names", JSON.valueToTree(s.names()).toString());
        meta.put("shapes", JSON.valueToTree(s.shapes()).toString());
        meta.put("train_mode", Boolean.toString(s.trainMode()));
        Safetensors.write(file, tensors, meta);
    }

    /**
     * Loads a saved state into {@code optimizer}, which must be the same algorithm over parameters
     * of the same shapes and, where both sides have them, the same names. Every entry is checked
     * against the optimizer before anything is loaded.
     *
     * @throws FormatException naming the entry (metadata key or tensor) that is missing or does not
     *                         fit, or the first parameter whose name or shape differs
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
        if (!algorithm.equals(optimizer.chain().name())) {
            throw new FormatException(name + ": the state of " + algorithm + ", but the run's optimizer is " + optimizer.chain().name());
        }
        List<Tensor> flat = new ArrayList<>();
        optimizer.paramGroups().forEach(g -> flat.addAll(g.params()));
        long n = wholeMeta(m, "params", name);
        if (n != flat.size()) {
            throw new FormatException(name + ": metadata 'params' is " + n + ", the optimizer has " + flat.size() + " parameters");
        }
        long steps = wholeMeta(m, "steps", name);
        List<String> paramNames = m.containsKey("names") ? names(m.get("names"), flat.size(), name) : null;
        List<int[]> shapes = m.containsKey("shapes") ? shapes(m.get("shapes"), flat.size(), name) : null;
        try {
            // Before any tensor: a state of other parameters is named as such, not as a tensor of the wrong size.
            optimizer.checkParameters(paramNames, shapes);
        } catch (IllegalArgumentException e) {
            throw new FormatException(name + ": " + e.getMessage(), e);
        }
        // The buffers' names and sizes this optimizer's chain keeps for each parameter's shape.
        List<String> names = optimizer.chain().bufferNames();
        List<List<String>> held = m.containsKey("buffers") ? held(m.get("buffers"), flat.size(), names, name) : null;
        int scalars = optimizer.chain().scalarCount();
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
            ParamState sizes = optimizer.chain().newState(flat.get(i).shape());
            float[][] bufs = new float[names.size()][];
            if (held != null && held.get(i) == null) {
                throw new FormatException(name + ": metadata 'buffers' entry " + i + " is null, but tensor 'state." + i + ".step' is there");
            }
            for (int b = 0; b < names.size(); b++) {
                // A buffer the algorithm has not used is absent, as in PyTorch's state dicts; the
                // metadata says which are there (a file from before it held them all).
                if (held == null || held.get(i).contains(names.get(b))) {
                    bufs[b] = tensor(c, "state." + i + "." + names.get(b), Safetensors.Dtype.F32, sizes.bufferSize(b), name).toFloats();
                }
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
        String mode = m.getOrDefault("train_mode", "true");
        if (!mode.equals("true") && !mode.equals("false")) {
            throw new FormatException(name + ": metadata 'train_mode' is '" + mode + "', expected true or false");
        }
        try {
            optimizer.loadStateDict(new OptimizerState<>(algorithm, steps, groups, params, paramNames, shapes, Boolean.parseBoolean(mode)));
        } catch (IllegalArgumentException e) {
            // What the optimizer itself refuses: other names or shapes, options out of range.
            throw new FormatException(name + ": " + e.getMessage(), e);
        }
    }

    /** Which buffers each parameter's state holds: {@code count} entries, null or a list of this chain's buffer names. */
    private static List<List<String>> held(String text, int count, List<String> known, String name) {
        JsonNode a = Json.parse(text, name + ": metadata 'buffers'");
        if (!a.isArray() || a.size() != count) {
            throw new FormatException(name + ": metadata 'buffers' must list " + count + " entries");
        }
        List<List<String>> out = new ArrayList<>();
        for (JsonNode e : a) {
            if (e.isNull()) {
                out.add(null);
                continue;
            }
            if (!e.isArray() || e.size() > known.size()) {
                throw new FormatException(name + ": metadata 'buffers' entry " + out.size() + " is not a list of buffer names");
            }
            List<String> these = new ArrayList<>();
            for (JsonNode b : e) {
                if (!b.isTextual() || !known.contains(b.textValue()) || these.contains(b.textValue())) {
                    throw new FormatException(name + ": metadata 'buffers' entry " + out.size() + " names " + b + ", not one of " + known);
                }
                these.add(b.textValue());
            }
            out.add(these);
        }
        return out;
    }

    /** The parameters' names: a list of {@code count} strings or nulls. */
    private static List<String> names(String text, int count, String name) {
        JsonNode a = Json.parse(text, name + ": metadata 'names'");
        if (!a.isArray() || a.size() != count) {
            throw new FormatException(name + ": metadata 'names' must list " + count + " parameter names");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : a) {
            if (!e.isNull() && !e.isTextual()) {
                throw new FormatException(name + ": metadata 'names' entry " + out.size() + " is not a name");
            }
            out.add(e.isNull() ? null : e.textValue());
        }
        return out;
    }

    /** The parameters' shapes: {@code count} lists of dimensions >= 0. */
    private static List<int[]> shapes(String text, int count, String name) {
        JsonNode a = Json.parse(text, name + ": metadata 'shapes'");
        if (!a.isArray() || a.size() != count) {
            throw new FormatException(name + ": metadata 'shapes' must list " + count + " parameter shapes");
        }
        List<int[]> out = new ArrayList<>();
        for (JsonNode e : a) {
            if (!e.isArray() || e.size() > 8) {
                throw new FormatException(name + ": metadata 'shapes' entry " + out.size() + " is not a shape");
            }
            int[] shape = new int[e.size()];
            for (int d = 0; d < shape.length; d++) {
                if (!e.get(d).isIntegralNumber() || !e.get(d).canConvertToInt() || e.get(d).intValue() < 0) {
                    throw new FormatException(name + ": metadata 'shapes' entry " + out.size() + " has dimension " + e.get(d) + ", expected a whole number >= 0");
                }
                shape[d] = e.get(d).intValue();
            }
            out.add(shape);
        }
        return out;
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
            throw new FormatException(name + ": tensor '" + key + "' is " + e.dtype() + " " + Arrays.toString(e.shape()) + ", expected " + type + " of "
                    + numel + " element" + (numel == 1 ? "" : "s"));
        }
        return e;
    }
}
