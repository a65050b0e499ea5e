package dev.descent.optim;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.descent.tensor.Tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Clipping by global norm and by value, as torch.nn.utils. */
class ClipTest {

    private static Tensor withGrad(float... g) {
        Tensor p = Tensor.zeros(g.length).requiresGrad(true);
        p.backward(Tensor.vector(g), false);
        return p;
    }

    @Test
    void globalNormIsClippedAcrossTensorsAndReturnedUnclipped() {
        Tensor a = withGrad(3f, 0f), b = withGrad(0f, 4f);
        double norm = Clip.gradNorm(List.of(a, b), 1.0);
        assertThat(norm).isCloseTo(5.0, within(1e-9));
        assertThat((double) a.grad().get(0)).isCloseTo(3.0 / (5 + 1e-6), within(1e-6));
        assertThat((double) b.grad().get(1)).isCloseTo(4.0 / (5 + 1e-6), within(1e-6));
    }

    @Test
    void smallGradientsAreLeftAlone() {
        Tensor a = withGrad(0.3f, 0.4f);
        Clip.gradNorm(List.of(a), 1.0);
        assertThat(a.grad().toArray()).containsExactly(0.3f, 0.4f);
    }

    @Test
    void valuesAreClamped() {
        Tensor a = withGrad(-3f, 0.5f, 2f);
        Clip.gradValue(List.of(a), 1.0);
        assertThat(a.grad().toArray()).containsExactly(-1f, 0.5f, 1f);
    }
}
