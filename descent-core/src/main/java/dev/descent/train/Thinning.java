package dev.descent.train;

import java.util.Arrays;

/**
 * Which points of a long line a chart of a given width needs: M4 aggregation (Jugel et al., "M4: A
 * Visualization-Oriented Time Series Data Aggregation", VLDB 2014). The x range is cut into
 * {@code columns} equal buckets and each keeps its first and last point and the points of its least
 * and greatest y, in their order: a line through them covers the same pixels in each column as the
 * line through all the points. The charts of {@code descent-plot} draw a run's curves from them, and the
 * dashboard sends them for a long run's first view, instead of every step.
 *
 * <p>A non-finite y (a diverged step's loss) breaks the line where it stands; a bucket keeps its first
 * such point, so the break stays.
 */
public final class Thinning {

    private Thinning() {
    }

    /**
     * The indices, ascending, of the points of {@code (x, y)} that M4 keeps over {@code columns} buckets of
     * {@code [lo, hi]} (on a log scale when {@code log}), at most five a bucket; or null when the line is
     * to be drawn whole: it has no more than four points a bucket, the range is empty, or {@code x} is not
     * increasing (a line drawn left to right is).
     *
     * @throws IllegalArgumentException if {@code x} and {@code y} differ in length or {@code columns} is not positive
     */
    public static int[] m4(double[] x, double[] y, double lo, double hi, boolean log, int columns) {
        if (x.length != y.length || columns < 1) {
            throw new IllegalArgumentException("m4: " + x.length + " x values and " + y.length + " y values over " + columns + " columns");
        }
        int n = x.length;
        if (n <= 4L * columns || !(hi > lo) || !sorted(x)) {
            return null;
        }
        double a = log ? Math.log(lo) : lo, span = (log ? Math.log(hi) : hi) - a;
        int[] keep = new int[5 * columns + 5];
        int kept = 0;
        int i = 0;
        while (i < n) {
            int col = column(x[i], a, span, log, columns);
            int first = i, last = i, min = -1, max = -1, gap = -1;
            while (i < n && column(x[i], a, span, log, columns) == col) {
                last = i;
                if (Double.isFinite(y[i])) {
                    if (min < 0 || y[i] < y[min]) {
                        min = i;
                    }
                    if (max < 0 || y[i] > y[max]) {
                        max = i;
                    }
                } else if (gap < 0) {
                    gap = i;
                }
                i++;
            }
            int[] bucket = {first, min, max, gap, last};
            Arrays.sort(bucket);
            for (int k : bucket) {
                if (k >= 0 && (kept == 0 || keep[kept - 1] != k)) {
                    if (kept == keep.length) {
                        keep = Arrays.copyOf(keep, kept * 2);
                    }
                    keep[kept++] = k;
                }
            }
        }
        return Arrays.copyOf(keep, kept);
    }

    private static int column(double x, double a, double span, boolean log, int columns) {
        double t = ((log ? Math.log(x) : x) - a) / span;
        // Points outside the range (or NaN x) share the nearest end bucket: they are drawn clipped.
        return t >= 0 ? (int) Math.min(columns - 1, t * columns) : 0;
    }

    private static boolean sorted(double[] x) {
        for (int i = 1; i < x.length; i++) {
            if (!(x[i] >= x[i - 1])) {
                return false;
            }
        }
        return true;
    }
}
