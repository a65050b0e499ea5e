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
     * of the same sizes).
     *
     * @throws FormatException when the file is not an optimizer state or does not fit
     */
    @SuppressWarnings("unchecked")
    public static <O> void load(Path file, Optimizer<O> optimizer) {
        Safetensors.Contents c = Safetensors.read(file);
        Map<String, String> m = c.metadata();
        if (!"descent-optimizer".equals(m.get("format"))) {
            throw new FormatException(file + ": not a Descent optimizer state (format=" + m.get("format") + ")");
        }
        try {
            String[] names = optimizer.rule().bufferNames();
            int n = Integer.parseInt(m.get("params"));
            List<ParamState> params = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Safetensors.Entry step = c.tensors().get("state." + i + ".step");
                if (step == null) {
                    params.add(null);
                    continue;
                }
                float[][] bufs = new float[names.length][];
                for (int b = 0; b < names.length; b++) {
                    Safetensors.Entry e = c.tensors().get("state." + i + "." + names[b]);
                    if (e == null) {
                        throw new FormatException(file + ": missing state." + i + "." + names[b] + " for " + optimizer.rule().name());
                    }
                    bufs[b] = e.toFloats();
                }
                params.add(ParamState.of(step.toLongs()[0], bufs, c.tensors().get("state." + i + ".scalars").toDoubles()));
            }
            List<OptimizerState.Group<O>> groups = new ArrayList<>();
            Class<O> optionsType = (Class<O>) optimizer.paramGroups().get(0).options().getClass();
            for (JsonNode g : JSON.readTree(m.get("groups"))) {
                groups.add(new OptimizerState.Group<>(g.get("size").asInt(), g.get("lr").asDouble(), g.get("weight_decay").asDouble(),
                        g.get("maximize").asBoolean(), JSON.treeToValue(g.get("options"), optionsType)));
            }
            long[] rule = m.containsKey("rule_state") ? JSON.readValue(m.get("rule_state"), long[].class) : null;
            optimizer.loadStateDict(new OptimizerState<>(m.get("algorithm"), Long.parseLong(m.get("steps")), groups, params, rule));
        } catch (IOException e) {
            throw new FormatException(file + ": bad optimizer metadata: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new FormatException(file + ": " + e.getMessage());
        }
    }

}
