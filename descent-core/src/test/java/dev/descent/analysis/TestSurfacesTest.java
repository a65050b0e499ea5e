package dev.descent.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.List;

import org.junit.jupiter.api.Test;

class TestSurfacesTest {

    @Test
    void gradientsAndHessiansMatchFiniteDifferences() {
        double h = 1e-5;
        for (Surface2D f : List.of(new TestSurfaces.Quadratic(30), new TestSurfaces.Rosenbrock(), new TestSurfaces.Himmelblau())) {
            for (double[] p : new double[][] {{0.3, -0.7}, {-1.2, 1.1}, {2.5, 0.4}}) {
                double[] g = f.gradient(p[0], p[1]);
                double gx = (f.value(p[0] + h, p[1]) - f.value(p[0] - h, p[1])) / (2 * h);
                double gy = (f.value(p[0], p[1] + h) - f.value(p[0], p[1] - h)) / (2 * h);
                assertThat(g[0]).as(f + " ∂x").isCloseTo(gx, offset(1e-4 * (1 + Math.abs(gx))));
                assertThat(g[1]).as(f + " ∂y").isCloseTo(gy, offset(1e-4 * (1 + Math.abs(gy))));
                double[][] hs = f.hessian(p[0], p[1]);
                double[] gxp = f.gradient(p[0] + h, p[1]);
                double[] gxm = f.gradient(p[0] - h, p[1]);
                double[] gyp = f.gradient(p[0], p[1] + h);
                double[] gym = f.gradient(p[0], p[1] - h);
                assertThat(hs[0][0]).isCloseTo((gxp[0] - gxm[0]) / (2 * h), offset(1e-3 * (1 + Math.abs(hs[0][0]))));
                assertThat(hs[0][1]).isCloseTo((gyp[0] - gym[0]) / (2 * h), offset(1e-3 * (1 + Math.abs(hs[0][1]))));
                assertThat(hs[1][1]).isCloseTo((gyp[1] - gym[1]) / (2 * h), offset(1e-3 * (1 + Math.abs(hs[1][1]))));
            }
        }
    }

    @Test
    void minimaAreWhereTheTextbooksSay() {
        assertThat(new TestSurfaces.Rosenbrock().value(1, 1)).isZero();
        assertThat(new TestSurfaces.Himmelblau().value(3, 2)).isZero();
        assertThat(Surface2D.eigenvalues(new TestSurfaces.Quadratic(25).hessian(0, 0))).containsExactly(1, 25);
        assertThatThrownBy(() -> new TestSurfaces.Quadratic(0.5)).hasMessageContaining("condition number");
    }
}
