package dev.descent.tensor;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tensors print exactly as PyTorch 1.13 prints them: every case of {@code tensor_repr.json} (written
 * by {@code tensor_repr.py} with PyTorch) is rebuilt here from its float32 values and printed with
 * the same options.
 */
class TensorFormatTest {

    record Case(String name, JsonNode node) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() throws IOException {
        try (InputStream in = TensorFormatTest.class.getResourceAsStream("tensor_repr.json")) {
            JsonNode root = new ObjectMapper().readTree(in);
            List<Case> out = new ArrayList<>();
            root.get("cases").forEach(c -> out.add(new Case(c.get("name").asText(), c)));
            return out;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void printsAsPyTorch(Case c) {
        JsonNode n = c.node();
        int[] shape = new int[n.get("shape").size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = n.get("shape").get(i).asInt();
        }
        float[] data = new float[n.get("data").size()];
        for (int i = 0; i < data.length; i++) {
            JsonNode v = n.get("data").get(i);
            data[i] = v.isTextual() ? nonFinite(v.asText()) : (float) v.asDouble();
        }
        Tensor t = Tensor.of(data, shape).requiresGrad(n.get("requires_grad").asBoolean());
        String op = n.get("op").isNull() ? null : n.get("op").asText();
        if ("mul2".equals(op)) {
            t = t.mul(2f);
        } else if (op != null) {
            throw new IllegalArgumentException("no mapping for op " + op);
        }
        assertThat(t.toString(options(n.get("options")))).isEqualTo(n.get("repr").asText());
    }

    private static float nonFinite(String python) {
        return switch (python) {
            case "nan" -> Float.NaN;
            case "inf" -> Float.POSITIVE_INFINITY;
            case "-inf" -> Float.NEGATIVE_INFINITY;
            default -> throw new IllegalArgumentException("no mapping for value " + python);
        };
    }

    /** PyTorch's option names as PrintOptions; a key this test does not map fails it. */
    private static PrintOptions options(JsonNode o) {
        PrintOptions p = PrintOptions.defaults();
        for (Map.Entry<String, JsonNode> e : o.properties()) {
            JsonNode v = e.getValue();
            p = switch (e.getKey()) {
                case "precision" -> p.withPrecision(v.asInt());
                case "threshold" -> p.withThreshold(v.asInt());
                case "edgeitems" -> new PrintOptions(p.precision(), p.threshold(), v.asInt(), p.lineWidth(), p.sciMode());
                case "linewidth" -> new PrintOptions(p.precision(), p.threshold(), p.edgeItems(), v.asInt(), p.sciMode());
                case "sci_mode" -> p.withSciMode(v.asBoolean() ? PrintOptions.SciMode.ON : PrintOptions.SciMode.OFF);
                default -> throw new IllegalArgumentException("no mapping for print option " + e.getKey());
            };
        }
        return p;
    }

    @Test
    void defaultOptionsApplyToToStringAndCanBeChanged() {
        Tensor t = Tensor.vector(0.123456f, 1f);
        PrintOptions before = Tensor.printOptions();
        try {
            assertThat(t.toString()).isEqualTo("tensor([0.1235, 1.0000])");
            Tensor.setPrintOptions(PrintOptions.shortProfile());
            assertThat(t.toString()).isEqualTo("tensor([0.12, 1.00])");
        } finally {
            Tensor.setPrintOptions(before);
        }
    }

    @Test
    void backwardNodesHavePyTorchNames() {
        assertThat(TensorFormat.backwardName("nll_loss")).isEqualTo("NllLossBackward0");
        assertThat(TensorFormat.backwardName("log_softmax")).isEqualTo("LogSoftmaxBackward0");
        assertThat(TensorFormat.backwardName("linear")).isEqualTo("AddmmBackward0");
        Tensor w = Tensor.of(new float[] {1f, 2f}, 1, 2).requiresGrad(true);
        assertThat(Tensor.of(new float[] {3f, 4f}, 1, 2).matmul(w.t()).toString()).isEqualTo("tensor([[11.]], grad_fn=<MmBackward0>)");
    }

    @Test
    void badOptionsAreRefused() {
        assertThatThrownBy(() -> new PrintOptions(-1, 1000, 3, 80, null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("precision");
    }
}
