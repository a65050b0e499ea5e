package dev.descent.analysis;

import java.util.function.UnaryOperator;

import dev.descent.tensor.Generator;

/** Hessian diagnostics built on Hessian-vector products. */
public final class Hessians {

    private Hessians() {
    }

    /** The dense Hessian from n products with the unit vectors (for small models), symmetrised. */
    public static double[][] dense(UnaryOperator<double[]> hvp, int n) {
        double[][] h = new double[n][];
        for (int i = 0; i < n; i++) {
            double[] e = new double[n];
            e[i] = 1;
            h[i] = hvp.apply(e);
        }
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double s = (h[i][j] + h[j][i]) / 2;
                h[i][j] = s;
                h[j][i] = s;
            }
        }
        return h;
    }

    /**
     * The condition number λ_max / λ_min over the eigenvalues that are not numerically zero:
     * |λ| ≤ {@code relTol}·|λ|_max counts as zero (softmax regression has a null space). Returns
     * +∞ when the smallest remaining eigenvalue is negative (the problem is not locally convex).
     */
    public static double conditionNumber(double[] eigenvalues, double relTol) {
        double max = 0;
        for (double e : eigenvalues) {
            max = Math.max(max, Math.abs(e));
        }
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double e : eigenvalues) {
            if (Math.abs(e) > relTol * max) {
                lo = Math.min(lo, e);
                hi = Math.max(hi, e);
            }
        }
        if (!(lo > 0)) {
            return Double.POSITIVE_INFINITY;
        }
        return hi / lo;
    }

    /**
     * A Hutchinson estimate of a trace: the mean of the probes' zᵀHz and its standard error
     * (the probes' sample standard deviation over √probes; NaN for one probe).
     */
    public record TraceEstimate(double trace, double standardError, int probes) {
    }

    /**
     * Hutchinson's estimator (1989) of tr(H) with its standard error: E[zᵀHz] = tr(H) for z with
     * independent ±1 entries (Rademacher, as PyHessian draws them), whose variance 2·Σ_{i≠j} H_ij² is
     * the least of any distribution with unit variance.
     */
    public static TraceEstimate hutchinson(UnaryOperator<double[]> hvp, int n, int probes, Generator gen) {
        if (probes < 1) {
            throw new IllegalArgumentException("Hutchinson: probes must be positive, got " + probes);
        }
        double sum = 0, sumSq = 0;
        for (int s = 0; s < probes; s++) {
            double[] z = rademacher(n, gen);
            double q = Lanczos.dot(z, hvp.apply(z));
            sum += q;
            sumSq += q * q;
        }
        double mean = sum / probes;
        double se = probes < 2 ? Double.NaN : Math.sqrt(Math.max(0, (sumSq - probes * mean * mean) / (probes - 1)) / probes);
        return new TraceEstimate(mean, se, probes);
    }

    /** A vector of independent ±1 entries. */
    static double[] rademacher(int n, Generator gen) {
        double[] z = new double[n];
        for (int i = 0; i < n; i++) {
            z[i] = gen.nextLong() < 0 ? -1 : 1;
        }
        return z;
    }
}
