package dev.descent.optim;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.descent.tensor.Generator;
import dev.descent.tensor.Tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Random search: the noise has the stated scale; accept-if-better never increases the loss. */
class RandomSearchTest {

    @Test
    void noiseIsGaussianWithTheStatedScale() {
        int n = 40_000;
        double sigma = 0.3;
        Tensor p = Tensor.zeros(n);
        RandomSearch.create(List.of(p), sigma, false, 11).step();
        double mean = 0, sq = 0, fourth = 0;
        for (float v : p.data()) {
            mean += v;
        }
        mean /= n;
        for (float v : p.data()) {
            double d = v - mean;
            sq += d * d;
            fourth += d * d * d * d;
        }
        double var = sq / n;
        // Mean within 5 standard errors of 0; std within 2%; kurtosis near a normal's 3.
        assertThat(mean).isCloseTo(0, within(5 * sigma / Math.sqrt(n)));
        assertThat(Math.sqrt(var)).isCloseTo(sigma, within(0.02 * sigma));
        assertThat(fourth / n / (var * var)).isCloseTo(3.0, within(0.15));
    }

    @Test
    void normalizedNoiseHasExactlyTheScaleAsItsNormPerTensor() {
        Tensor a = Tensor.zeros(1000), b = Tensor.zeros(7, 3);
        RandomSearch.create(List.of(a, b), 0.05, true, 3).step();
        for (Tensor t : List.of(a, b)) {
            double n2 = 0;
            for (float v : t.data()) {
                n2 += v * v;
            }
            assertThat(Math.sqrt(n2)).isCloseTo(0.05, within(1e-6));
        }
    }

    @Test
    void acceptIfBetterNeverIncreasesTheLoss() {
        Generator g = new Generator(4);
        Tensor target = Tensor.randn(g, 30);
        Tensor p = Tensor.zeros(30);
        Optimizer<RandomSearch.Options> opt = RandomSearch.create(List.of(p), 0.2, false, 9);
        java.util.function.DoubleSupplier loss = () -> {
            double s = 0;
            for (int i = 0; i < 30; i++) {
                double d = p.data()[i] - target.data()[i];
                s += d * d;
            }
            return s;
        };
        double prev = loss.getAsDouble();
        double start = prev;
        int rejected = 0;
        for (int i = 0; i < 300; i++) {
            float[] before = p.toArray();
            double now = RandomSearch.stepIfBetter(opt, loss);
            assertThat(now).isLessThanOrEqualTo(prev);
            assertThat(now).isEqualTo(loss.getAsDouble());
            if (now == prev) {
                rejected++;
                assertThat(p.toArray()).containsExactly(before);
            }
            prev = now;
        }
        assertThat(prev).isLessThan(start / 2);
        assertThat(rejected).isPositive();
    }
}
