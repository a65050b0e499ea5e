package dev.descent.tune;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.descent.data.DataLoader;
import dev.descent.data.TensorDataset;
import dev.descent.nn.Mlp;
import dev.descent.optim.OptimizerSpec;
import dev.descent.optim.Sgd;
import dev.descent.tensor.Generator;
import dev.descent.tensor.Tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The LR range test: a sensible suggestion, divergence detected, and the model left as it was. */
class LrFinderTest {

    static TensorDataset data() {
        Generator g = new Generator(1);
        int n = 512;
        float[] x = new float[n * 6];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = g.nextInt(3);
            for (int f = 0; f < 6; f++) {
                x[i * 6 + f] = (float) (g.nextGaussian() * 0.5 + (f % 3 == y[i] ? 1.5 : 0));
            }
        }
        return new TensorDataset(Tensor.of(x, n, 6), y, 3);
    }

    @Test
    void findsAStableRangeDetectsDivergenceAndRestoresTheModel() {
        Mlp model = Mlp.of(6, List.of(16), 3, 2);
        float[] before = model.linears().get(0).weight().toArray();
        DataLoader loader = DataLoader.shuffled(data(), 32, 3);
        OptimizerSpec<Sgd.Options> sgd = new OptimizerSpec<>(Sgd.RULE, 0.1, 0, Sgd.Options.plain());
        LrFinder.Result r = LrFinder.run(model, sgd, loader, new LrFinder.Config(1e-4, 1e4, 120, 0.98, 4));

        assertThat(model.linears().get(0).weight().toArray()).containsExactly(before);
        assertThat(model.linears().get(0).weight().grad()).isNull();
        assertThat(r.diverged()).isTrue();
        assertThat(r.lrs().length).isLessThan(120);
        for (int i = 1; i < r.lrs().length; i++) {
            assertThat(r.lrs()[i]).isGreaterThan(r.lrs()[i - 1]);
        }
        // Plain SGD on this problem trains well between about 0.01 and 10: every suggestion lies there.
        for (double s : new double[] {r.steepest(), r.valley(), r.minimumOverTen()}) {
            assertThat(s).isBetween(1e-3, 20.0);
        }
        assertThat(r.smoothed()[r.smoothed().length - 1]).isGreaterThan(r.smoothed()[0]);
    }

    @Test
    void badRangesAreRejected() {
        assertThatThrownBy(() -> new LrFinder.Config(1, 0.1, 100, 0.98, 4)).hasMessageContaining("0 < start lr < end lr");
        assertThatThrownBy(() -> new LrFinder.Config(1e-7, 10, 2, 0.98, 4)).hasMessageContaining("at least 5");
    }
}
