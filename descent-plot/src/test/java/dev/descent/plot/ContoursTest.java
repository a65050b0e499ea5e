package dev.descent.plot;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.descent.analysis.LossSlices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Marching squares: the contours of x² + y² are closed circles of the right radius. */
class ContoursTest {

    @Test
    void circlesAreClosedAndOnTheirLevel() {
        double[] xs = LossSlices.linspace(-2, 2, 81), ys = LossSlices.linspace(-2, 2, 81);
        double[][] z = new double[ys.length][xs.length];
        for (int j = 0; j < ys.length; j++) {
            for (int i = 0; i < xs.length; i++) {
                z[j][i] = xs[i] * xs[i] + ys[j] * ys[j];
            }
        }
        List<Contours.Line> lines = Contours.lines(xs, ys, z, new double[] {0.3, 1.1, 2.2});
        assertThat(lines).hasSize(3); // each circle joined into one polyline
        for (Contours.Line l : lines) {
            double r = Math.sqrt(l.level());
            int n = l.x().length;
            assertThat(n).isGreaterThan(20);
            assertThat(l.x()[0]).isEqualTo(l.x()[n - 1]); // closed
            assertThat(l.y()[0]).isEqualTo(l.y()[n - 1]);
            for (int k = 0; k < n; k++) {
                assertThat(Math.hypot(l.x()[k], l.y()[k])).isCloseTo(r, within(0.01));
            }
        }
        double[] levels = Contours.geometricLevels(1, 2, 4, 0.5);
        assertThat(levels).containsExactly(new double[] {1.0625, 1.125, 1.25, 1.5}, within(1e-12));
    }
}
