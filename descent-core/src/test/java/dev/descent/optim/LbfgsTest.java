package dev.descent.optim;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.descent.tensor.Generator;
import dev.descent.tensor.Tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** L-BFGS converges where first-order methods crawl: an ill-conditioned quadratic and Rosenbrock. */
class LbfgsTest {

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void solvesAnIllConditionedQuadratic(boolean strongWolfe) {
        // f(x) = ½ Σ a_i x_i², a_i from 1 to 1000 (condition number 1000): minimum 0 at x = 0.
        int n = 20;
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) Math.pow(1000, i / (double) (n - 1));
        }
        Tensor coef = Tensor.of(a, n);
        Tensor x = Tensor.randn(new Generator(1), n).requiresGrad(true);
        Lbfgs opt = new Lbfgs(List.of(x), new Lbfgs.Options(1, 100, 125, 1e-7, 1e-12, 10, strongWolfe));
        Optimizer.Closure closure = () -> {
            x.clearGrad();
            Tensor f = x.mul(x).mul(coef).sum().mul(0.5f);
            f.backward();
            return f.item();
        };
        for (int i = 0; i < 5; i++) {
            opt.step(closure);
        }
        assertThat((double) closure.evaluate()).isLessThan(1e-6);
        assertThat(opt.iterations()).isLessThanOrEqualTo(500);
    }

    @Test
    void strongWolfeSolvesRosenbrock() {
        Tensor x = Tensor.vector(-1.5f, 2f).requiresGrad(true);
        Lbfgs opt = new Lbfgs(List.of(x), new Lbfgs.Options(1, 200, 250, 1e-9, 1e-12, 10, true));
        Optimizer.Closure closure = () -> {
            x.clearGrad();
            Tensor a = x.indexSelect(new int[] {0}), b = x.indexSelect(new int[] {1});
            Tensor f = a.neg().add(1f).pow(2f).add(b.sub(a.pow(2f)).pow(2f).mul(100f)).sum();
            f.backward();
            return f.item();
        };
        opt.step(closure);
        assertThat((double) x.get(0)).isCloseTo(1.0, within(1e-3));
        assertThat((double) x.get(1)).isCloseTo(1.0, within(2e-3));
    }

    @Test
    void badOptionsAreNamed() {
        assertThatThrownBy(() -> new Lbfgs.Options(0, 20, 25, 1e-7, 1e-9, 100, false)).hasMessageContaining("learning rate: 0.0");
        assertThatThrownBy(() -> new Lbfgs(List.of(), Lbfgs.Options.defaults(false))).hasMessageContaining("empty parameter list");
    }
}
