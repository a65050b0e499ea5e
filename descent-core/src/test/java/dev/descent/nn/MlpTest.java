package dev.descent.nn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.descent.tensor.F;
import dev.descent.tensor.Generator;
import dev.descent.tensor.Tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The tutorial MLP: PyTorch's names, shapes and initial distributions; state dicts; modes. */
class MlpTest {

    /** Names and shapes exactly as {@code MLP(784, 10, hidden).state_dict()} lists them in PyTorch. */
    private static Map<String, List<Integer>> pytorch(String... entries) {
        Map<String, List<Integer>> m = new LinkedHashMap<>();
        for (String e : entries) {
            String[] kv = e.split("=");
            m.put(kv[0], java.util.Arrays.stream(kv[1].split("x")).map(Integer::valueOf).toList());
        }
        return m;
    }

    private static Map<String, List<Integer>> shapes(Mlp mlp) {
        Map<String, List<Integer>> m = new LinkedHashMap<>();
        mlp.namedParameters().forEach((n, p) -> m.put(n, java.util.Arrays.stream(p.shape()).boxed().toList()));
        return m;
    }

    /** {@code print(MLP(...))} in PyTorch 1.13, for the tutorial's MLP class with these arguments. */
    @Test
    void printsAsPyTorchPrintsTheTutorialsMlp() {
        assertThat(Mlp.of(784, List.of(), 10, 1)).hasToString("""
                MLP(
                  (main): Sequential(
                    (0): Linear(in_features=784, out_features=10, bias=True)
                  )
                )""");
        assertThat(Mlp.of(784, List.of(200, 100, 50), 10, 1)).hasToString("""
                MLP(
                  (main): Sequential(
                    (0): Linear(in_features=784, out_features=200, bias=True)
                    (1): ReLU()
                    (2): Linear(in_features=200, out_features=100, bias=True)
                    (3): ReLU()
                    (4): Linear(in_features=100, out_features=50, bias=True)
                    (5): ReLU()
                    (6): Linear(in_features=50, out_features=10, bias=True)
                  )
                )""");
        assertThat(new Mlp(new MlpSpec(784, List.of(20), 10, false, Activation.LEAKY_RELU), new Generator(1))).hasToString("""
                MLP(
                  (main): Sequential(
                    (0): Linear(in_features=784, out_features=20, bias=False)
                    (1): LeakyReLU(negative_slope=0.01)
                    (2): Linear(in_features=20, out_features=10, bias=False)
                  )
                )""");
        assertThat(Activation.GELU.module()).hasToString("GELU(approximate='none')");
        assertThat(Activation.TANH.module()).hasToString("Tanh()");
    }

    @Test
    void namesAndShapesEqualPyTorchs() {
        assertThat(shapes(Mlp.of(784, List.of(), 10, 1)))
                .containsExactlyEntriesOf(pytorch("main.0.weight=10x784", "main.0.bias=10"));
        assertThat(shapes(Mlp.of(784, List.of(128), 10, 1)))
                .containsExactlyEntriesOf(pytorch("main.0.weight=128x784", "main.0.bias=128", "main.2.weight=10x128", "main.2.bias=10"));
        assertThat(shapes(Mlp.of(784, List.of(200, 100, 50), 10, 1)))
                .containsExactlyEntriesOf(pytorch("main.0.weight=200x784", "main.0.bias=200", "main.2.weight=100x200", "main.2.bias=100",
                        "main.4.weight=50x100", "main.4.bias=50", "main.6.weight=10x50", "main.6.bias=10"));
        assertThat(Mlp.of(784, List.of(200, 100, 50), 10, 1).parameterCount()).isEqualTo(182_660);
    }

    @Test
    void withoutBiasThereAreOnlyWeights() {
        Mlp mlp = new Mlp(new MlpSpec(4, List.of(3), 2, false, Activation.RELU), new Generator(0));
        assertThat(mlp.namedParameters().keySet()).containsExactly("main.0.weight", "main.2.weight");
    }

    @Test
    void initialWeightsFollowPyTorchsUniformBounds() {
        Mlp mlp = Mlp.of(784, List.of(200, 100, 50), 10, 2021);
        for (Linear l : mlp.linears()) {
            double bound = 1 / Math.sqrt(l.inFeatures());
            for (Tensor p : List.of(l.weight(), l.bias())) {
                float[] d = p.data();
                double mean = 0, sq = 0, max = 0;
                for (float v : d) {
                    mean += v;
                    sq += v * v;
                    max = Math.max(max, Math.abs(v));
                }
                mean /= d.length;
                double var = sq / d.length - mean * mean;
                assertThat(max).isLessThanOrEqualTo(bound);
                // U(−b, b): mean 0 and variance b²/3; allow five standard errors.
                double se = bound / Math.sqrt(3 * d.length);
                assertThat(mean).isCloseTo(0, within(5 * se + 1e-12));
                if (d.length >= 1000) {
                    assertThat(var).isCloseTo(bound * bound / 3, within(0.05 * bound * bound));
                    assertThat(max).isGreaterThan(0.99 * bound);
                }
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameModelAndAnotherSeedAnother() {
        float[] a = Mlp.of(20, List.of(8), 3, 42).linears().get(0).weight().toArray();
        float[] b = Mlp.of(20, List.of(8), 3, 42).linears().get(0).weight().toArray();
        float[] c = Mlp.of(20, List.of(8), 3, 43).linears().get(0).weight().toArray();
        assertThat(b).containsExactly(a);
        assertThat(c).isNotEqualTo(a);
    }

    @Test
    void forwardFlattensAndReturnsLogProbabilities() {
        Mlp mlp = Mlp.of(12, List.of(5), 3, 1);
        Tensor out = mlp.forward(Tensor.rand(new Generator(1), 4, 1, 3, 4));
        assertThat(out.shape()).containsExactly(4, 3);
        for (int r = 0; r < 4; r++) {
            double s = 0;
            for (int c = 0; c < 3; c++) {
                s += Math.exp(out.get(r, c));
            }
            assertThat(s).isCloseTo(1.0, within(1e-6));
        }
    }

    @Test
    void forwardFromTheFirstLayersOutputEqualsForward() {
        for (boolean bias : new boolean[] {true, false}) {
            Mlp mlp = new Mlp(new MlpSpec(12, List.of(5, 4), 3, bias, Activation.RELU), new Generator(3));
            Tensor x = Tensor.rand(new Generator(4), 6, 12);
            List<Tensor> ps = mlp.parameters();
            Tensor z0 = F.linear(x, ps.get(0), bias ? ps.get(1) : null);
            assertThat(mlp.forwardFromFirstLayer(z0, ps).toArray()).as("bias %s", bias).containsExactly(mlp.forward(x).toArray());
        }
        Mlp mlp = Mlp.of(12, List.of(5), 3, 1);
        assertThatThrownBy(() -> mlp.forwardFromFirstLayer(Tensor.zeros(2, 5), mlp.parameters().subList(0, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 parameter tensors");
    }

    @Test
    void stateDictRoundTripsAndChecksKeysAndShapes() {
        Mlp a = Mlp.of(6, List.of(4), 3, 1), b = Mlp.of(6, List.of(4), 3, 2);
        b.loadStateDict(a.stateDict());
        assertThat(b.linears().get(1).bias().toArray()).containsExactly(a.linears().get(1).bias().toArray());

        Map<String, Tensor> missing = new LinkedHashMap<>(a.stateDict());
        missing.remove("main.2.bias");
        missing.put("main.9.weight", Tensor.zeros(1));
        assertThatThrownBy(() -> b.loadStateDict(missing)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing keys [main.2.bias]").hasMessageContaining("unexpected keys [main.9.weight]");

        Mlp other = Mlp.of(6, List.of(5), 3, 1);
        float[] before = b.linears().get(0).weight().toArray();
        assertThatThrownBy(() -> b.loadStateDict(other.stateDict())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("size mismatch for main.0.weight").hasMessageContaining("[5, 6]").hasMessageContaining("[4, 6]");
        assertThat(b.linears().get(0).weight().toArray()).as("nothing copied on error").containsExactly(before);
    }

    @Test
    void trainAndEvalPropagateToChildren() {
        Mlp mlp = Mlp.of(6, List.of(4), 3, 1);
        mlp.eval();
        assertThat(mlp.isTraining()).isFalse();
        assertThat(mlp.namedChildren().get("main").isTraining()).isFalse();
        mlp.train();
        assertThat(mlp.namedChildren().get("main").namedChildren().get("0").isTraining()).isTrue();
    }

    @Test
    void badSizesAreRejectedWithTheirValue() {
        assertThatThrownBy(() -> Mlp.of(784, List.of(200, 0), 10, 1)).hasMessageContaining("hidden sizes must be positive").hasMessageContaining("[200, 0]");
        assertThatThrownBy(() -> Mlp.of(0, List.of(), 10, 1)).hasMessageContaining("in_dim");
    }
}
