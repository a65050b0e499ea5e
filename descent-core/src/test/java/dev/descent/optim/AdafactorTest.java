package dev.descent.optim;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.descent.tensor.Tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Adafactor's factored second moment: on a rank-one gradient it is the full second moment exactly,
 * so a matrix (factored) and the same values as a vector (full) take the same steps. The golden
 * test holds the algorithm to the reference computed from PyTorch's documentation.
 */
class AdafactorTest {

    @Test
    void onARankOneGradientTheFactoredEstimateEqualsTheFullOne() {
        int rows = 6, cols = 9;
        float[] a = new float[rows], b = new float[cols], g = new float[rows * cols], w = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            a[i] = (float) (0.3 + 0.7 * Math.sin(i + 1));
        }
        for (int j = 0; j < cols; j++) {
            b[j] = (float) (0.2 * (j - 4) + 0.05);
        }
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                g[i * cols + j] = a[i] * b[j];
                w[i * cols + j] = (float) Math.cos(i * cols + j);
            }
        }
        Tensor matrix = Tensor.of(w.clone(), rows, cols).requiresGrad(true), vector = Tensor.of(w.clone(), rows * cols).requiresGrad(true);
        Optimizer<Adafactor.Options> factored = Adafactor.create(List.of(matrix), 0.05, 0.01, Adafactor.Options.defaults());
        Optimizer<Adafactor.Options> full = Adafactor.create(List.of(vector), 0.05, 0.01, Adafactor.Options.defaults());
        matrix.backward(Tensor.of(g, rows, cols), false);
        vector.backward(Tensor.of(g, rows * cols), false);
        for (int step = 0; step < 20; step++) {
            factored.step();
            full.step();
        }
        float[] x = matrix.toArray(), y = vector.toArray();
        for (int i = 0; i < x.length; i++) {
            assertThat(x[i]).as("element %d", i).isCloseTo(y[i], within(1e-5f));
        }
        assertThat(factored.state(matrix).bufferSize(0)).isEqualTo(rows);
        assertThat(factored.state(matrix).bufferSize(1)).isEqualTo(cols);
        assertThat(factored.state(matrix).hasBuffer(2)).isFalse();
        assertThat(full.state(vector).bufferSize(2)).isEqualTo(rows * cols);
        assertThat(x).isNotEqualTo(w);
    }

    @Test
    void theRelativeStepSizeIsCappedByTheLearningRateAndThenDecays() {
        // ρ_t = min(γ, 1/√t) and α_t = max(ε₂, RMS(θ))·ρ_t; a constant gradient of ±1 gives |Û| = 1, so
        // each coordinate a of θ = (a, −a) shrinks to a·(1 − ρ_t): ρ = γ = 0.5 up to t = 4, 1/√t after.
        Tensor p = Tensor.of(new float[] {0.5f, -0.5f}, 2).requiresGrad(true);
        Optimizer<Adafactor.Options> opt = Adafactor.create(List.of(p), 0.5, 0, Adafactor.Options.defaults());
        p.backward(Tensor.of(new float[] {1f, -1f}, 2), false);
        double a = 0.5;
        for (int t = 1; t <= 8; t++) {
            opt.step();
            a *= 1 - Math.min(0.5, 1 / Math.sqrt(t));
            assertThat((double) p.toArray()[0]).as("step %d", t).isCloseTo(a, within(1e-6));
            assertThat((double) p.toArray()[1]).as("step %d", t).isCloseTo(-a, within(1e-6));
        }
    }
}
