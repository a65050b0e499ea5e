package dev.descent.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.descent.nn.Activation;
import dev.descent.nn.Mlp;
import dev.descent.nn.MlpSpec;
import dev.descent.tensor.Generator;
import dev.descent.tensor.Tensor;

import static org.assertj.core.api.Assertions.assertThat;

/** Reads the PyTorch reference vectors kept in core's test resources, {@code golden/} (schemas in its README). */
public final class Golden {

    /** The README's tolerance: |actual − expected| ≤ ATOL + RTOL·|expected|. */
    public static final double RTOL = 1e-4, ATOL = 1e-6;

    private static final ObjectMapper JSON = new ObjectMapper();

    private Golden() {
    }

    /**
     * The golden directory: the {@code descent.golden} property (the build sets it to core's test
     * resources, so every module's tests can read it), else the copy on this module's test class path.
     */
    public static Path dir() {
        String p = System.getProperty("descent.golden");
        List<String> looked = new ArrayList<>();
        if (p != null) {
            Path c = Path.of(p);
            if (Files.isRegularFile(c.resolve("README.md"))) {
                return c.toAbsolutePath().normalize();
            }
            looked.add(c.toString());
        }
        java.net.URL readme = Golden.class.getResource("/golden/README.md");
        if (readme != null && readme.getProtocol().equals("file")) {
            try {
                return Path.of(readme.toURI()).getParent();
            } catch (java.net.URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        looked.add("golden/ on the test class path");
        throw new IllegalStateException("golden vectors not found (looked at " + looked + "); they live in descent-core/src/test/resources/golden");
    }

    /** The JSON files of a sub-directory, sorted by name. */
    public static List<Path> files(String sub) {
        try (Stream<Path> s = Files.list(dir().resolve(sub))) {
            List<Path> files = s.filter(f -> f.toString().endsWith(".json")).sorted().toList();
            assertThat(files).as("golden files in " + sub).isNotEmpty();
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A {@code {"shape", "data"}} object as a float tensor. */
    public static Tensor tensor(JsonNode node) {
        JsonNode shapeNode = node.get("shape");
        int[] shape = new int[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asInt();
        }
        return Tensor.of(floats(node.get("data")), shape);
    }

    public static double[] doubles(JsonNode array) {
        double[] d = new double[array.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = array.get(i).asDouble();
        }
        return d;
    }

    public static float[] floats(JsonNode array) {
        float[] d = new float[array.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) array.get(i).asDouble();
        }
        return d;
    }

    public static int[] ints(JsonNode array) {
        int[] d = new int[array.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = array.get(i).asInt();
        }
        return d;
    }

    /** A map of named tensors. */
    public static Map<String, Tensor> tensors(JsonNode obj) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        obj.fields().forEachRemaining(e -> out.put(e.getKey(), tensor(e.getValue())));
        return out;
    }

    /**
     * Fails unless every key of {@code node} is one the test maps: a key a test does not read is part
     * of the contract it would silently skip (an option such as {@code threshold_mode}).
     */
    public static void assertMapped(String what, JsonNode node, String... mapped) {
        java.util.Set<String> known = java.util.Set.of(mapped);
        List<String> unmapped = new ArrayList<>();
        node.fieldNames().forEachRemaining(k -> {
            if (!known.contains(k)) {
                unmapped.add(k);
            }
        });
        if (!unmapped.isEmpty()) {
            throw new AssertionError(what + ": keys the test does not map: " + unmapped + " (it maps " + known + ")");
        }
    }

    /** The options of a golden case, read through accessors that remember each key read. */
    public static Options options(JsonNode node) {
        return new Options(node);
    }

    /**
     * A golden case's options ({@code torch.optim.lr_scheduler.X(**options)} …): read a key with a
     * default, then {@link #assertAllMapped} fails on any key that was never read.
     */
    public static final class Options {
        private final JsonNode node;
        private final java.util.Set<String> read = new java.util.HashSet<>();

        Options(JsonNode node) {
            this.node = node == null ? JSON.createObjectNode() : node;
        }

        /** Whether the key is given. */
        public boolean has(String key) {
            read.add(key);
            return node.has(key);
        }

        /** A required value. */
        public JsonNode get(String key) {
            read.add(key);
            JsonNode v = node.get(key);
            if (v == null) {
                throw new AssertionError("golden options lack '" + key + "': " + node);
            }
            return v;
        }

        /** A number, or {@code dflt} (PyTorch's default) when absent. */
        public double num(String key, double dflt) {
            return has(key) ? node.get(key).asDouble() : dflt;
        }

        /** A whole number, or {@code dflt} when absent. */
        public int whole(String key, int dflt) {
            return has(key) ? node.get(key).asInt() : dflt;
        }

        /** A string, or {@code dflt} when absent. */
        public String text(String key, String dflt) {
            return has(key) ? node.get(key).asText() : dflt;
        }

        /** A list of whole numbers (required). */
        public List<Integer> wholes(String key) {
            List<Integer> out = new ArrayList<>();
            get(key).forEach(n -> out.add(n.asInt()));
            return out;
        }

        /** Fails naming every key that was given but never read. */
        public void assertAllMapped(String what) {
            List<String> unmapped = new ArrayList<>();
            node.fieldNames().forEachRemaining(k -> {
                if (!read.contains(k)) {
                    unmapped.add(k);
                }
            });
            if (!unmapped.isEmpty()) {
                throw new AssertionError(what + ": option keys the test does not map: " + unmapped);
            }
        }
    }

    /** The golden problem's MLP ({@code model.dims}, {@code model.activation}) with {@code params} loaded. */
    public static Mlp model(JsonNode root) {
        JsonNode m = root.get("model");
        assertMapped("model", m, "dims", "activation", "output");
        if (m.has("output") && !m.get("output").asText().equals("log_softmax")) {
            throw new AssertionError("model.output is " + m.get("output") + "; the MLP ends in log_softmax");
        }
        int[] dims = ints(m.get("dims"));
        List<Integer> hidden = new ArrayList<>();
        for (int i = 1; i < dims.length - 1; i++) {
            hidden.add(dims[i]);
        }
        // A model without hidden layers has no activation ("activation": null); the value is then unused.
        JsonNode an = m.get("activation");
        Activation act = an == null || an.isNull() ? Activation.RELU : Activation.valueOf(an.asText().toUpperCase());
        Mlp mlp = new Mlp(new MlpSpec(dims[0], hidden, dims[dims.length - 1], true, act), new Generator(0));
        mlp.loadStateDict(tensors(root.get("params")));
        return mlp;
    }

    /** Asserts every element within the README's tolerance, naming the element that is not. */
    public static void assertClose(String what, float[] actual, double[] expected) {
        assertClose(what, actual, expected, RTOL, ATOL);
    }

    public static void assertClose(String what, float[] actual, double[] expected, double rtol, double atol) {
        assertThat(actual.length).as(what + " length").isEqualTo(expected.length);
        for (int i = 0; i < actual.length; i++) {
            double err = Math.abs(actual[i] - expected[i]);
            if (!(err <= atol + rtol * Math.abs(expected[i]))) {
                throw new AssertionError(what + "[" + i + "]: expected " + expected[i] + " but was " + actual[i]
                        + " (|error| " + err + " > " + (atol + rtol * Math.abs(expected[i])) + ")");
            }
        }
    }

    public static void assertClose(String what, double actual, double expected) {
        assertClose(what, new float[] {(float) actual}, new double[] {expected});
    }
}
