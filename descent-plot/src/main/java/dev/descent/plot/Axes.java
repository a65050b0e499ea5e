package dev.descent.plot;

/**
 * Axis ranges that make readable ticks: a linear axis runs between multiples of a 1-2-5 step
 * (…, 0.1, 0.2, 0.5, 1, 2, 5, 10, …) chosen for about eight intervals (so that the ends waste little room), so that every tick XChart
 * draws is a round number; a logarithmic axis runs between whole decades, so that its labelled ticks
 * are the decades and the minor ones 2–9 × 10^k between them.
 */
final class Axes {

    /** Intervals aimed at on a linear axis (XChart may subdivide them). */
    private static final int TARGET_INTERVALS = 8;

    private Axes() {
    }

    /** The 1-2-5 step nearest above {@code span / intervals}. */
    static double niceStep(double span, int intervals) {
        double raw = span / intervals;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / mag;
        double m = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
        return m * mag;
    }

    /**
     * Rounded bounds around {@code range} ({min, max}); null in, null out. Linear: outward to multiples
     * of {@link #niceStep}; logarithmic: outward to powers of ten (positive values only).
     */
    static double[] bounds(double[] range, boolean log) {
        if (range == null) {
            return null;
        }
        double lo = range[0], hi = range[1];
        if (log) {
            if (!(lo > 0)) {
                return null;
            }
            double a = Math.pow(10, Math.floor(Math.log10(lo) + 1e-9));
            double b = Math.pow(10, Math.ceil(Math.log10(hi) - 1e-9));
            return new double[] {a, b > a ? b : a * 10};
        }
        if (hi == lo) {
            double pad = lo == 0 ? 1 : Math.abs(lo) * 0.1;
            lo -= pad;
            hi += pad;
        }
        double step = niceStep(hi - lo, TARGET_INTERVALS);
        return new double[] {Math.floor(lo / step + 1e-9) * step, Math.ceil(hi / step - 1e-9) * step};
    }
}
