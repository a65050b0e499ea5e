package dev.descent.plot;

import dev.descent.train.Thinning;

/**
 * Thins a long line to what a chart of a given width can show, with {@link Thinning#m4} (M4 aggregation):
 * the chart looks the same while a run of 100,000 steps draws about 5,000 points a line instead of
 * 100,000 (its SVG 85 MB before, see docs/PERFORMANCE.md).
 */
final class Decimation {

    /** Buckets per line: twice the figure's cell width, so that a 2x display or a zoomed SVG stays exact. */
    static final int COLUMNS = 1280;

    private Decimation() {
    }

    /** A line's points. */
    record Points(double[] x, double[] y) {
    }

    /**
     * The points of {@code (x, y)} that M4 keeps over {@code columns} buckets of {@code [lo, hi]} (on a
     * log scale when {@code log}); the line itself when it has no more than 4 points a bucket. {@code x}
     * must be increasing (a line drawn left to right).
     */
    static Points m4(double[] x, double[] y, double lo, double hi, boolean log, int columns) {
        int[] keep = Thinning.m4(x, y, lo, hi, log, columns);
        if (keep == null) {
            return new Points(x, y);
        }
        double[] px = new double[keep.length], py = new double[keep.length];
        for (int k = 0; k < keep.length; k++) {
            px[k] = x[keep[k]];
            py[k] = y[keep[k]];
        }
        return new Points(px, py);
    }
}
