package dev.descent.optim;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.descent.nn.Mlp;
import dev.descent.tensor.Generator;
import dev.descent.tensor.Tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Muon's Newton–Schulz iteration and its split of a model into Muon and Adam groups. */
class MuonTest {

    private static float[] random(int n, long seed) {
        Generator g = new Generator(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) g.nextGaussian();
        }
        return x;
    }

    /** The singular values of the result, squared: the eigenvalues of X·Xᵀ (r ≤ c), by power-free checks. */
    @Test
    void theIterationPushesEverySingularValueIntoTheAuthorsBand() {
        int r = 12, c = 30;
        float[] g = random(r * c, 3);
        // A badly conditioned start: scale the rows over three orders of magnitude.
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                g[i * c + j] *= (float) Math.pow(10, -3.0 * i / (r - 1));
            }
        }
        float[] x = g.clone();
        Muon.orthogonalise(x, r, c, 5, new float[2 * r * c + 2 * r * r]);
        // Rayleigh quotients of X·Xᵀ on the unit vectors and on random directions lie in the band's square.
        double[][] xxt = new double[r][r];
        for (int i = 0; i < r; i++) {
            for (int k = 0; k < r; k++) {
                for (int j = 0; j < c; j++) {
                    xxt[i][k] += (double) x[i * c + j] * x[k * c + j];
                }
            }
        }
        for (int trial = 0; trial < 20; trial++) {
            float[] v = random(r, 100 + trial);
            double num = 0, den = 0;
            for (int i = 0; i < r; i++) {
                den += v[i] * v[i];
                for (int k = 0; k < r; k++) {
                    num += v[i] * xxt[i][k] * v[k];
                }
            }
            assertThat(num / den).isBetween(0.3 * 0.3, 1.25 * 1.25);
        }
    }

    @Test
    void aTallMatrixIsOrthogonalisedAsItsTranspose() {
        int r = 20, c = 7;
        float[] g = random(r * c, 5), t = new float[r * c];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                t[j * r + i] = g[i * c + j];
            }
        }
        float[] work = new float[2 * r * c + 2 * c * c];
        Muon.orthogonalise(g, r, c, 5, work);
        Muon.orthogonalise(t, c, r, 5, work);
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                assertThat(g[i * c + j]).isCloseTo(t[j * r + i], within(1e-5f));
            }
        }
    }

    @Test
    void hiddenMatricesFollowMuonAndEverythingElseTheAuxiliaryAdam() {
        Mlp mlp = Mlp.of(784, List.of(200, 100, 50), 10, 2021);
        Optimizer<Muon.Options> opt = Muon.spec(0.02, 0, Muon.Options.defaults()).create(mlp.namedParameters());
        assertThat(opt.paramGroups()).hasSize(2);
        ParamGroup<Muon.Options> muon = opt.paramGroups().get(0), adam = opt.paramGroups().get(1);
        assertThat(muon.options().useMuon()).isTrue();
        assertThat(muon.params()).containsExactly(mlp.namedParameters().get("main.2.weight"), mlp.namedParameters().get("main.4.weight"));
        assertThat(adam.options().useMuon()).isFalse();
        assertThat(adam.lr()).isEqualTo(Muon.DEFAULT_ADAM_LR);
        assertThat(adam.params()).hasSize(6);
        assertThat(opt.paramNames()).startsWith("main.2.weight", "main.4.weight", "main.0.weight");
    }
}
