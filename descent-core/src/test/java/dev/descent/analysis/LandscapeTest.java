package dev.descent.analysis;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.descent.data.TensorDataset;
import dev.descent.nn.Mlp;
import dev.descent.tensor.Generator;
import dev.descent.tensor.Tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Filter-normalised directions, loss slices and the trajectory's PCA projection. */
class LandscapeTest {

    @Test
    void filterNormalisedRowsHaveTheWeightsNormsAndBiasesAreZero() {
        Mlp m = Mlp.of(6, List.of(5), 3, 1);
        double[] d = Directions.filterNormalized(m, new Generator(2));
        float[] w = m.linears().get(0).weight().data();
        for (int r = 0; r < 5; r++) {
            double wn = 0, dn = 0;
            for (int c = 0; c < 6; c++) {
                wn += w[r * 6 + c] * w[r * 6 + c];
                dn += d[r * 6 + c] * d[r * 6 + c];
            }
            assertThat(Math.sqrt(dn)).isCloseTo(Math.sqrt(wn), within(1e-6));
        }
        for (int i = 30; i < 35; i++) {
            assertThat(d[i]).as("bias direction").isZero();
        }
    }

    @Test
    void slicesPassThroughTheModelAndRestoreIt() {
        Generator g = new Generator(3);
        Mlp m = Mlp.of(4, List.of(6), 3, 1);
        TensorDataset data = new TensorDataset(Tensor.randn(g, 40, 4), new int[40], 3);
        var loss = LossSlices.lossOn(data, 40);
        double[] theta = MlpCurvature.flatten(m);
        double here = loss.applyAsDouble(m);
        double[] d1 = Directions.filterNormalized(m, g), d2 = Directions.filterNormalized(m, g);
        double[] line = LossSlices.line(m, loss, d1, LossSlices.linspace(-1, 1, 5));
        assertThat(line[2]).isCloseTo(here, within(1e-6));
        double[][] plane = LossSlices.plane(m, loss, d1, d2, LossSlices.linspace(-1, 1, 3), LossSlices.linspace(-1, 1, 3));
        assertThat(plane[1][1]).isCloseTo(here, within(1e-6));
        assertThat(plane[0][1]).isCloseTo(line[0], within(1e-6));
        assertThat(MlpCurvature.flatten(m)).containsExactly(theta);

        double[] other = theta.clone();
        for (int i = 0; i < other.length; i++) {
            other[i] += 0.5;
        }
        double[] interp = LossSlices.interpolate(m, loss, theta, other, new double[] {0, 1});
        assertThat(interp[0]).isCloseTo(here, within(1e-6));
        MlpCurvature.unflatten(other, m);
        assertThat(interp[1]).isCloseTo(loss.applyAsDouble(m), within(1e-6));
    }

    @Test
    void aTrajectoryInAPlaneIsFullyExplainedByTwoDirections() {
        Generator g = new Generator(5);
        int p = 50;
        double[] u = new double[p], v = new double[p], end = new double[p];
        for (int i = 0; i < p; i++) {
            u[i] = g.nextGaussian();
            v[i] = g.nextGaussian();
            end[i] = g.nextGaussian();
        }
        List<double[]> snaps = new ArrayList<>();
        for (int t = 0; t < 20; t++) {
            double a = Math.exp(-0.2 * t) * 3, b = Math.sin(t) * Math.exp(-0.2 * t);
            double[] s = new double[p];
            for (int i = 0; i < p; i++) {
                s[i] = end[i] + a * u[i] + b * v[i];
            }
            snaps.add(s);
        }
        snaps.add(end.clone());
        TrajectoryPca pca = TrajectoryPca.of(snaps);
        assertThat(pca.explained()[0] + pca.explained()[1]).isCloseTo(1.0, within(1e-9));
        assertThat(pca.explained()[0]).isGreaterThan(pca.explained()[1]);
        assertThat(pca.x()[20]).isCloseTo(0, within(1e-12));
        // The projection keeps distances: |θ_i − θ_T|² = x_i² + y_i² when the plane holds everything.
        for (int t = 0; t < 20; t++) {
            double dist = 0;
            for (int i = 0; i < p; i++) {
                dist += (snaps.get(t)[i] - end[i]) * (snaps.get(t)[i] - end[i]);
            }
            assertThat(pca.x()[t] * pca.x()[t] + pca.y()[t] * pca.y()[t]).isCloseTo(dist, within(1e-8 * dist + 1e-12));
        }
        assertThatThrownBy(() -> TrajectoryPca.of(snaps.subList(0, 2))).hasMessageContaining("at least 3");
    }
}
