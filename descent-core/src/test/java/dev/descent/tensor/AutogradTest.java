package dev.descent.tensor;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** PyTorch's autograd semantics: accumulation, leaves, no-grad, detach, retained graphs, errors. */
class AutogradTest {

    @Test
    void gradientsAccumulateUntilZeroed() {
        Tensor x = Tensor.vector(1f, 2f, 3f).requiresGrad(true);
        x.mul(x).sum().backward();
        assertThat(x.grad().toArray()).containsExactly(2f, 4f, 6f);
        x.mul(x).sum().backward();
        assertThat(x.grad().toArray()).containsExactly(4f, 8f, 12f);
        x.zeroGrad();
        assertThat(x.grad().toArray()).containsExactly(0f, 0f, 0f);
        x.clearGrad();
        assertThat(x.grad()).isNull();
    }

    @Test
    void leavesKeepGradientsNonLeavesDoNotUnlessRetained() {
        Tensor x = Tensor.vector(1f, -2f).requiresGrad(true);
        Tensor y = x.mul(3f);
        Tensor z = x.mul(2f).retainGrad();
        y.add(z).sum().backward();
        assertThat(x.isLeaf()).isTrue();
        assertThat(y.isLeaf()).isFalse();
        assertThat(y.gradFn()).isEqualTo("mul");
        assertThat(y.grad()).isNull();
        assertThat(z.grad().toArray()).containsExactly(1f, 1f);
        assertThat(x.grad().toArray()).containsExactly(5f, 5f);
    }

    @Test
    void noGradScopeRecordsNothing() {
        Tensor x = Tensor.vector(1f, 2f).requiresGrad(true);
        Tensor y;
        try (var off = Grad.off()) {
            assertThat(Grad.isEnabled()).isFalse();
            y = x.mul(2f);
        }
        assertThat(Grad.isEnabled()).isTrue();
        assertThat(y.requiresGrad()).isFalse();
        assertThat(y.isLeaf()).isTrue();
        assertThatThrownBy(() -> y.sum().backward()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not require grad");
    }

    @Test
    void detachSharesStorageAndCutsTheGraph() {
        Tensor x = Tensor.vector(1f, 2f).requiresGrad(true);
        Tensor d = x.detach();
        assertThat(d.requiresGrad()).isFalse();
        d.data()[0] = 5f;
        assertThat(x.get(0)).isEqualTo(5f);
        Tensor y = x.mul(d).sum();
        y.backward();
        assertThat(x.grad().toArray()).containsExactly(5f, 2f);
    }

    @Test
    void sharedSubexpressionsSumTheirContributions() {
        Tensor x = Tensor.scalar(3f).requiresGrad(true);
        Tensor a = x.mul(x);
        Tensor y = a.add(a).add(x); // 2x² + x → 4x + 1
        y.backward();
        assertThat(x.grad().item()).isEqualTo(13f);
    }

    @Test
    void secondBackwardNeedsRetainGraph() {
        Tensor x = Tensor.vector(1f, 2f).requiresGrad(true);
        Tensor y = x.exp().sum();
        y.backward(true);
        y.backward();
        assertThat(x.grad().get(0)).isCloseTo((float) (2 * Math.E), within(1e-5f));
        assertThatThrownBy(y::backward).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("second time");
    }

    @Test
    void backwardNeedsAScalarOrAnExplicitGradient() {
        Tensor x = Tensor.vector(1f, 2f).requiresGrad(true);
        Tensor y = x.mul(2f);
        assertThatThrownBy(y::backward).isInstanceOf(IllegalStateException.class).hasMessageContaining("scalar outputs");
        y.backward(Tensor.vector(1f, 10f), false);
        assertThat(x.grad().toArray()).containsExactly(2f, 20f);
    }

    @Test
    void linearWeightGradEqualsLinearsBackwardAndAccumulates() {
        Generator g = new Generator(12);
        Tensor x = Tensor.rand(g, 7, 5), dy = Tensor.rand(g, 7, 3);
        Tensor w = Tensor.rand(g, 3, 5).requiresGrad(true), v = Tensor.of(w.toArray(), 3, 5).requiresGrad(true);
        for (int rep = 0; rep < 2; rep++) {
            F.linear(x, w, null).backward(dy, false);
            F.linearWeightGrad(dy, x, v);
            assertThat(v.grad().toArray()).as("after %d", rep + 1).containsExactly(w.grad().toArray());
        }
        assertThatThrownBy(() -> F.linearWeightGrad(Tensor.zeros(6, 3), x, v)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("linearWeightGrad").hasMessageContaining("[6, 3]").hasMessageContaining("[3, 5]");
    }

    @Test
    void linearBiasGradEqualsLinearsBackwardAndAccumulates() {
        Generator g = new Generator(13);
        Tensor x = Tensor.rand(g, 7, 5), dy = Tensor.rand(g, 7, 3), w = Tensor.rand(g, 3, 5);
        Tensor b = Tensor.rand(g, 3).requiresGrad(true), c = Tensor.of(b.toArray(), 3).requiresGrad(true);
        for (int rep = 0; rep < 2; rep++) {
            F.linear(x, w, b).backward(dy, false);
            F.linearBiasGrad(dy, c);
            assertThat(c.grad().toArray()).as("after %d", rep + 1).containsExactly(b.grad().toArray());
        }
        assertThatThrownBy(() -> F.linearBiasGrad(Tensor.zeros(7, 4), c)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("linearBiasGrad").hasMessageContaining("[7, 4]").hasMessageContaining("[3]");
    }

    @Test
    void shapeErrorsNameTheOpAndBothShapes() {
        Tensor a = Tensor.zeros(2, 3), b = Tensor.zeros(4, 5);
        assertThatThrownBy(() -> a.add(b)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("add").hasMessageContaining("[2, 3]").hasMessageContaining("[4, 5]");
        assertThatThrownBy(() -> a.matmul(b)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("matmul").hasMessageContaining("[2, 3]").hasMessageContaining("[4, 5]");
        assertThatThrownBy(() -> F.linear(a, b, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("linear").hasMessageContaining("[2, 3]").hasMessageContaining("[4, 5]");
        assertThatThrownBy(() -> a.reshape(4, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reshape").hasMessageContaining("[4, 2]").hasMessageContaining("[2, 3]");
        assertThatThrownBy(() -> F.mseLoss(a, Tensor.zeros(3, 2))).hasMessageContaining("mse_loss");
        assertThatThrownBy(() -> F.nllLoss(a, new int[] {0, 3})).hasMessageContaining("target 3");
        assertThatThrownBy(() -> a.sum(2, false)).hasMessageContaining("dimension 2");
    }

    @Test
    void maxReturnsValuesAndFirstArgmax() {
        Tensor x = Tensor.of(new float[][] {{1f, 5f, 5f}, {7f, 2f, 3f}});
        MaxResult r = x.max(1, false);
        assertThat(r.values().toArray()).containsExactly(5f, 7f);
        assertThat(r.indices()).containsExactly(1, 0);
        assertThat(x.argmax(0)).containsExactly(1, 0, 0);
        assertThat(x.max(0, true).values().shape()).containsExactly(1, 3);
    }

    @Test
    void logSoftmaxIsStableForLargeLogits() {
        Tensor x = Tensor.of(new float[][] {{1000f, 0f}, {-1000f, 1000f}});
        float[] y = x.logSoftmax(1).toArray();
        assertThat(y[0]).isEqualTo(0f);
        assertThat(y[1]).isEqualTo(-1000f);
        assertThat(y[3]).isEqualTo(0f);
    }

    @Test
    void geluMatchesKnownValues() {
        // GELU(1) = Φ(1) = 0.8413447460685429; GELU(-0.5) = -0.5·Φ(-0.5) = -0.15426876936299347
        float[] y = Tensor.vector(1f, -0.5f).gelu().toArray();
        assertThat((double) y[0]).isCloseTo(0.8413447460685429, within(2e-7));
        assertThat((double) y[1]).isCloseTo(-0.15426876936299347, within(2e-7));
    }
}
