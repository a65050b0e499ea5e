package dev.descent.cli;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.descent.analysis.Conditioning;
import dev.descent.analysis.LossSlices;
import dev.descent.analysis.Trajectory2D;
import dev.descent.plot.Charts;
import dev.descent.plot.Contours;

/** Contour panels of the two-weight problem with optimizer trajectories on top. */
final class SurfaceFigures {

    /** Trajectory colours, distinct from the contour ramp. */
    static final Color[] PATH_COLORS = {new Color(214, 39, 40), new Color(31, 119, 180), new Color(255, 127, 14), new Color(148, 103, 189),
            new Color(23, 190, 207), new Color(140, 86, 75)};

    private SurfaceFigures() {
    }

    /** The k-th trajectory colour, so that a method has one colour in every panel. */
    static Color color(int k) {
        return PATH_COLORS[k % PATH_COLORS.length];
    }

    /** The loss contours over the setting's window, with each named trajectory and the minimum. */
    static Charts.Panel contours(String title, Conditioning c, Map<String, Trajectory2D> paths, int gridSize) {
        double[] xs = LossSlices.linspace(c.xRange()[0], c.xRange()[1], gridSize), ys = LossSlices.linspace(c.yRange()[0], c.yRange()[1], gridSize);
        double[][] z = c.surface().grid(xs, ys);
        double max = Double.NEGATIVE_INFINITY;
        for (double[] row : z) {
            for (double v : row) {
                max = Math.max(max, v);
            }
        }
        List<Charts.Series> series = new ArrayList<>(Contours.series(xs, ys, z, Contours.geometricLevels(c.fMin(), max, 14, 0.6)));
        int k = 0;
        for (Map.Entry<String, Trajectory2D> e : paths.entrySet()) {
            Trajectory2D t = clip(e.getValue(), c);
            series.add(new Charts.Series(e.getKey(), t.x(), t.y(), t.x().length <= 80, color(k++), true));
        }
        series.add(new Charts.Series("minimum", new double[] {c.minimum()[0]}, new double[] {c.minimum()[1]}, true, Color.BLACK, true));
        return new Charts.Panel(title, "a = w_A / s_A", "u = w_B / (s_B · factor)", series, false, false, c.xRange(), c.yRange());
    }

    /** The trajectory up to where it leaves a generous box around the window (a diverging run). */
    private static Trajectory2D clip(Trajectory2D t, Conditioning c) {
        double h = 3 * c.halfWidth();
        int n = 0;
        while (n < t.x().length && Math.abs(t.x()[n] - c.minimum()[0]) <= h && Math.abs(t.y()[n] - c.minimum()[1]) <= h) {
            n++;
        }
        n = Math.min(t.x().length, n + 1);
        return new Trajectory2D(java.util.Arrays.copyOf(t.x(), n), java.util.Arrays.copyOf(t.y(), n), java.util.Arrays.copyOf(t.loss(), n));
    }
}
