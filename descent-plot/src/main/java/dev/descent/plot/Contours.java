package dev.descent.plot;

import java.awt.Color;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Contour lines of a function sampled on a grid, by marching squares, joined into polylines so that
 * they can be drawn as ordinary line series (XChart has no contour plot).
 */
public final class Contours {

    private Contours() {
    }

    /** One contour line at {@code level}. */
    public record Line(double level, double[] x, double[] y) {
    }

    /**
     * The contour lines of {@code z} ({@code z[j][i]} at (xs[i], ys[j])) at each level. A saddle cell
     * is split by the cell's mean, the usual disambiguation.
     */
    public static List<Line> lines(double[] xs, double[] ys, double[][] z, double[] levels) {
        List<Line> out = new ArrayList<>();
        for (double level : levels) {
            List<double[]> segments = new ArrayList<>();
            for (int j = 0; j + 1 < ys.length; j++) {
                for (int i = 0; i + 1 < xs.length; i++) {
                    cell(xs, ys, z, i, j, level, segments);
                }
            }
            for (List<double[]> poly : join(segments)) {
                double[] px = new double[poly.size()], py = new double[poly.size()];
                for (int k = 0; k < poly.size(); k++) {
                    px[k] = poly.get(k)[0];
                    py[k] = poly.get(k)[1];
                }
                out.add(new Line(level, px, py));
            }
        }
        return out;
    }

    private static void cell(double[] xs, double[] ys, double[][] z, int i, int j, double level, List<double[]> segs) {
        // Corners counter-clockwise from bottom-left: (i,j), (i+1,j), (i+1,j+1), (i,j+1).
        double[] cx = {xs[i], xs[i + 1], xs[i + 1], xs[i]}, cy = {ys[j], ys[j], ys[j + 1], ys[j + 1]};
        double[] v = {z[j][i], z[j][i + 1], z[j + 1][i + 1], z[j + 1][i]};
        for (double d : v) {
            if (!Double.isFinite(d)) {
                return;
            }
        }
        List<double[]> crossings = new ArrayList<>(4);
        for (int e = 0; e < 4; e++) {
            int p = e, q = (e + 1) % 4;
            if ((v[p] < level) != (v[q] < level)) {
                // Interpolate from the edge's lower-left end, so that the two cells sharing an edge
                // compute bit-identical points and the segments join.
                if (cx[p] > cx[q] || cy[p] > cy[q]) {
                    int t = p;
                    p = q;
                    q = t;
                }
                double t = (level - v[p]) / (v[q] - v[p]);
                crossings.add(new double[] {cx[p] + t * (cx[q] - cx[p]), cy[p] + t * (cy[q] - cy[p])});
            }
        }
        if (crossings.size() == 2) {
            segs.add(new double[] {crossings.get(0)[0], crossings.get(0)[1], crossings.get(1)[0], crossings.get(1)[1]});
        } else if (crossings.size() == 4) {
            boolean centreAbove = (v[0] + v[1] + v[2] + v[3]) / 4 >= level;
            boolean firstAbove = v[0] >= level;
            // Join the edges around the corners that lie on the other side from the centre.
            int[][] pairs = centreAbove == firstAbove ? new int[][] {{0, 1}, {2, 3}} : new int[][] {{3, 0}, {1, 2}};
            for (int[] pr : pairs) {
                double[] p = crossings.get(pr[0]), q = crossings.get(pr[1]);
                segs.add(new double[] {p[0], p[1], q[0], q[1]});
            }
        }
    }

    /** Joins segments sharing end points (exactly: neighbouring cells compute shared edges identically). */
    private static List<List<double[]>> join(List<double[]> segments) {
        Map<Key, List<Integer>> byEnd = new HashMap<>();
        for (int s = 0; s < segments.size(); s++) {
            double[] g = segments.get(s);
            if (g[0] == g[2] && g[1] == g[3]) {
                continue; // degenerate: the level passes exactly through a grid point
            }
            byEnd.computeIfAbsent(new Key(g[0], g[1]), k -> new ArrayList<>()).add(s);
            byEnd.computeIfAbsent(new Key(g[2], g[3]), k -> new ArrayList<>()).add(s);
        }
        boolean[] used = new boolean[segments.size()];
        List<List<double[]>> polys = new ArrayList<>();
        for (int s = 0; s < segments.size(); s++) {
            double[] d = segments.get(s);
            if (used[s] || (d[0] == d[2] && d[1] == d[3])) {
                continue;
            }
            used[s] = true;
            double[] g = segments.get(s);
            java.util.ArrayDeque<double[]> poly = new java.util.ArrayDeque<>();
            poly.add(new double[] {g[0], g[1]});
            poly.add(new double[] {g[2], g[3]});
            extend(poly, false, segments, byEnd, used);
            extend(poly, true, segments, byEnd, used);
            polys.add(new ArrayList<>(poly));
        }
        return polys;
    }

    private static void extend(java.util.ArrayDeque<double[]> poly, boolean atHead, List<double[]> segments, Map<Key, List<Integer>> byEnd, boolean[] used) {
        while (true) {
            double[] end = atHead ? poly.peekFirst() : poly.peekLast();
            int next = -1;
            for (int s : byEnd.getOrDefault(new Key(end[0], end[1]), List.of())) {
                if (!used[s]) {
                    next = s;
                    break;
                }
            }
            if (next < 0) {
                return;
            }
            used[next] = true;
            double[] g = segments.get(next);
            double[] other = (g[0] == end[0] && g[1] == end[1]) ? new double[] {g[2], g[3]} : new double[] {g[0], g[1]};
            if (atHead) {
                poly.addFirst(other);
            } else {
                poly.addLast(other);
            }
        }
    }

    private record Key(double x, double y) {
    }

    /** Levels min + (max − min)·q^k for k = count−1 … 0, dense near the minimum as a valley needs. */
    public static double[] geometricLevels(double min, double max, int count, double q) {
        double[] l = new double[count];
        for (int k = 0; k < count; k++) {
            l[count - 1 - k] = min + (max - min) * Math.pow(q, k + 1);
        }
        return l;
    }

    /** A colour from dark blue (t = 0) to yellow-green (t = 1), a viridis-like ramp. */
    public static Color ramp(double t) {
        t = Math.max(0, Math.min(1, t));
        return new Color((float) (0.27 + 0.6 * t * t), (float) (0.0 + 0.85 * t), (float) (0.33 + 0.25 * Math.sin(Math.PI * t)));
    }

    /** The contour lines of a grid as chart series (thin, coloured by level, not in the legend). */
    public static List<Charts.Series> series(double[] xs, double[] ys, double[][] z, double[] levels) {
        List<Charts.Series> out = new ArrayList<>();
        double lo = levels[0], hi = levels[levels.length - 1];
        for (Line l : lines(xs, ys, z, levels)) {
            double t = hi > lo ? Math.log1p(l.level() - lo) / Math.log1p(hi - lo) : 0;
            out.add(new Charts.Series("contour", l.x(), l.y(), false, ramp(0.15 + 0.75 * t), false));
        }
        return out;
    }
}
