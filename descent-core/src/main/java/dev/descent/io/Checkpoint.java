package dev.descent.io;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.descent.nn.Activation;
import dev.descent.nn.Mlp;
import dev.descent.nn.MlpSpec;
import dev.descent.tensor.Generator;
import dev.descent.tensor.Tensor;

/**
 * The model checkpoint: a safetensors file of float32 tensors under PyTorch's parameter names, so a
 * state dict saved by PyTorch loads here and ours loads in PyTorch. {@code __metadata__} holds
 * {@code format=descent}, {@code model=mlp}, {@code in_dim}, {@code hidden} (comma list),
 * {@code out_dim}, {@code bias} and {@code activation}; a file without it (saved by PyTorch) is
 * understood from its tensor names and shapes, with the tutorial's ReLU.
 */
public final class Checkpoint {

    private static final Pattern NAME = Pattern.compile("main\\.(\\d{1,9})\\.(weight|bias)");

    private Checkpoint() {
    }

    /** Saves a model (atomically). */
    public static void save(Path file, Mlp model) {
        save(file, model, Map.of());
    }

    /** Saves a model with extra metadata entries. */
    public static void save(Path file, Mlp model, Map<String, String> extra) {
        Map<String, Safetensors.Entry> tensors = new LinkedHashMap<>();
        model.namedParameters().forEach((n, p) -> tensors.put(n, Safetensors.Entry.f32(p.data(), p.shape())));
        Map<String, String> meta = new LinkedHashMap<>(extra);
        MlpSpec s = model.spec();
        meta.put("format", "descent");
        meta.put("model", "mlp");
        meta.put("in_dim", Integer.toString(s.inDim()));
        meta.put("hidden", String.join(",", s.hiddenDims().stream().map(String::valueOf).toList()));
        meta.put("out_dim", Integer.toString(s.outDim()));
        meta.put("bias", Boolean.toString(s.bias()));
        meta.put("activation", s.activation().name().toLowerCase(Locale.ROOT));
        Safetensors.write(file, tensors, meta);
    }

    /** Loads a model: its architecture from the metadata (or the tensors), then its weights. */
    public static Mlp load(Path file) {
        return load(Safetensors.read(file), file.toString());
    }

    /**
     * Builds the model a read checkpoint describes. The architecture (from the metadata, or read off
     * the tensors) is checked against every tensor's name, type and shape before the model is
     * built, so a model is never larger than the file's own bytes describe.
     *
     * @throws FormatException naming the file and the first tensor that does not fit
     */
    public static Mlp load(Safetensors.Contents c, String name) {
        MlpSpec spec = spec(c, name);
        checkTensors(c, spec, name);
        Mlp model = new Mlp(spec, new Generator(0));
        Map<String, Tensor> state = new LinkedHashMap<>();
        c.tensors().forEach((n, e) -> state.put(n, Tensor.of(e.toFloats(), e.shape())));
        model.loadStateDict(state);
        return model;
    }

    private static void checkTensors(Safetensors.Contents c, MlpSpec spec, String name) {
        Map<String, int[]> want = spec.parameterShapes();
        String model = "the metadata's MLP " + describe(spec);
        for (Map.Entry<String, int[]> w : want.entrySet()) {
            Safetensors.Entry e = c.tensors().get(w.getKey());
            if (e == null) {
                throw new FormatException(name + ": " + model + " needs tensor '" + w.getKey() + "', which the file lacks");
            }
            if (e.dtype() != Safetensors.Dtype.F32 && e.dtype() != Safetensors.Dtype.F64) {
                throw new FormatException(name + ": tensor '" + w.getKey() + "' has type " + e.dtype() + ", expected F32");
            }
            if (!java.util.Arrays.equals(e.shape(), w.getValue())) {
                throw new FormatException(name + ": tensor '" + w.getKey() + "' has shape " + java.util.Arrays.toString(e.shape()) + ", " + model
                        + " needs " + java.util.Arrays.toString(w.getValue()));
            }
        }
        for (String t : c.tensors().keySet()) {
            if (!want.containsKey(t)) {
                throw new FormatException(name + ": tensor '" + t + "' is not a parameter of " + model);
            }
        }
    }

    private static String describe(MlpSpec s) {
        StringBuilder sb = new StringBuilder().append(s.inDim());
        s.hiddenDims().forEach(h -> sb.append('-').append(h));
        return sb.append('-').append(s.outDim()).append(s.bias() ? "" : " without bias").toString();
    }

    /** The architecture a checkpoint describes. */
    public static MlpSpec spec(Safetensors.Contents c, String name) {
        Map<String, String> m = c.metadata();
        if ("descent".equals(m.get("format"))) {
            if (!"mlp".equals(m.get("model"))) {
                throw new FormatException(name + ": a checkpoint of model '" + m.get("model") + "', expected mlp");
            }
            try {
                List<Integer> hidden = new ArrayList<>();
                String h = m.getOrDefault("hidden", "");
                if (!h.isBlank()) {
                    for (String part : h.split(",")) {
                        hidden.add(whole("hidden", part.trim()));
                        if (hidden.size() > c.tensors().size()) {
                            throw new IllegalArgumentException("'hidden' lists more layers than the file has tensors");
                        }
                    }
                }
                Activation act = Activation.valueOf(m.getOrDefault("activation", "relu").toUpperCase(Locale.ROOT));
                String bias = m.getOrDefault("bias", "true");
                if (!bias.equals("true") && !bias.equals("false")) {
                    throw new IllegalArgumentException("bias is '" + bias + "', expected true or false");
                }
                return new MlpSpec(whole(m, "in_dim"), hidden, whole(m, "out_dim"), bias.equals("true"), act);
            } catch (RuntimeException e) {
                throw new FormatException(name + ": bad checkpoint metadata (" + e.getMessage() + ")", e);
            }
        }
        return inferSpec(c, name);
    }

    private static int whole(Map<String, String> m, String key) {
        return whole(key, m.get(key));
    }

    private static int whole(String key, String value) {
        if (value == null) {
            throw new IllegalArgumentException("'" + key + "' is missing");
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + key + "' is '" + value + "', expected a whole number");
        }
    }

    /** Reads the architecture off PyTorch names: Linear layers at even indices of {@code main}. */
    private static MlpSpec inferSpec(Safetensors.Contents c, String name) {
        TreeMap<Integer, int[]> weights = new TreeMap<>();
        int biases = 0;
        for (Map.Entry<String, Safetensors.Entry> e : c.tensors().entrySet()) {
            Matcher mt = NAME.matcher(e.getKey());
            if (!mt.matches()) {
                throw new FormatException(name + ": tensor '" + e.getKey() + "' is not a parameter of the tutorial MLP (main.<i>.weight / main.<i>.bias)");
            }
            if (e.getValue().dtype() != Safetensors.Dtype.F32 && e.getValue().dtype() != Safetensors.Dtype.F64) {
                throw new FormatException(name + ": tensor '" + e.getKey() + "' has type " + e.getValue().dtype() + ", expected F32");
            }
            int idx = Integer.parseInt(mt.group(1));
            if (mt.group(2).equals("weight")) {
                if (e.getValue().shape().length != 2) {
                    throw new FormatException(name + ": weight '" + e.getKey() + "' is not 2-dimensional");
                }
                weights.put(idx, e.getValue().shape());
            } else {
                biases++;
            }
        }
        if (weights.isEmpty()) {
            throw new FormatException(name + ": no main.<i>.weight tensors: not a tutorial MLP state dict");
        }
        List<Integer> dims = new ArrayList<>();
        int expectIdx = 0;
        for (Map.Entry<Integer, int[]> w : weights.entrySet()) {
            if (w.getKey() != expectIdx) {
                throw new FormatException(name + ": expected main." + expectIdx + ".weight, found main." + w.getKey() + ".weight");
            }
            int out = w.getValue()[0], in = w.getValue()[1];
            if (dims.isEmpty()) {
                dims.add(in);
            } else if (dims.get(dims.size() - 1) != in) {
                throw new FormatException(name + ": main." + w.getKey() + ".weight takes " + in + " inputs, the previous layer gives " + dims.get(dims.size() - 1));
            }
            dims.add(out);
            expectIdx += 2;
        }
        boolean bias = biases > 0;
        if (bias && biases != weights.size()) {
            throw new FormatException(name + ": " + biases + " biases for " + weights.size() + " layers");
        }
        return new MlpSpec(dims.get(0), dims.subList(1, dims.size() - 1), dims.get(dims.size() - 1), bias, Activation.RELU);
    }
}
