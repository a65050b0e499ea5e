package dev.descent.plot;

/** Mean and mean ± one standard deviation (n − 1) across rows, column by column: the bands over seeds. */
record Spread(double[] mean, double[] low, double[] high) {

    static Spread of(double[][] rows) {
        int n = rows[0].length;
        double[] m = new double[n], lo = new double[n], hi = new double[n];
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (double[] r : rows) {
                s += r[j];
            }
            double mean = s / rows.length, v = 0;
            for (double[] r : rows) {
                v += (r[j] - mean) * (r[j] - mean);
            }
            double sd = rows.length > 1 ? Math.sqrt(v / (rows.length - 1)) : 0;
            m[j] = mean;
            lo[j] = mean - sd;
            hi[j] = mean + sd;
        }
        return new Spread(m, lo, hi);
    }
}
