package dev.descent.analysis;

import java.util.function.UnaryOperator;

import dev.descent.tensor.Generator;

/**
 * The eigenvalue density of a symmetric operator by stochastic Lanczos quadrature (Lin, Saad &amp;
 * Yang 2016; Ghorbani, Krishnan &amp; Xiao 2019; PyHessian's {@code density}): for each of a few
 * Rademacher probes q, m Lanczos steps give Gauss quadrature nodes θ_i and weights w_i (Σ w_i = 1)
 * with Σ_i w_i g(θ_i) ≈ qᵀg(H)q/‖q‖² = Σ_j g(λ_j)(u_jᵀq)²/‖q‖², whose expectation over q is
 * (1/n)·Σ_j g(λ_j). So the average over probes of Σ_i w_i·δ(t − θ_i) estimates the spectral density
 * φ(t) = (1/n)·Σ_j δ(t − λ_j), a measure of total mass 1; it is drawn smoothed by a Gaussian kernel.
 *
 * @param nodes     per probe, the quadrature nodes (Ritz values), ascending
 * @param weights   per probe, their weights, summing to 1
 * @param dimension n, the operator's dimension
 */
public record SpectralDensity(double[][] nodes, double[][] weights, int dimension) {

    /** Validates the shapes. */
    public SpectralDensity {
        if (nodes.length == 0 || nodes.length != weights.length) {
            throw new IllegalArgumentException("spectral density: needs one set of nodes and weights per probe, got " + nodes.length + " and " + weights.length);
        }
        for (int p = 0; p < nodes.length; p++) {
            if (nodes[p].length != weights[p].length) {
                throw new IllegalArgumentException("spectral density: probe " + p + " has " + nodes[p].length + " nodes and " + weights[p].length + " weights");
            }
        }
    }

    /**
     * Estimates the density of {@code op} (dimension n) from {@code probes} Rademacher start vectors
     * and {@code iterations} Lanczos steps each (PyHessian's defaults: 100 steps, 1 probe).
     */
    public static SpectralDensity estimate(UnaryOperator<double[]> op, int n, int iterations, int probes, Generator gen) {
        if (probes < 1 || iterations < 1) {
            throw new IllegalArgumentException("spectral density: probes and iterations must be positive, got " + probes + " and " + iterations);
        }
        double[][] nodes = new double[probes][], weights = new double[probes][];
        for (int p = 0; p < probes; p++) {
            Lanczos.Quadrature q = Lanczos.quadrature(op, Hessians.rademacher(n, gen), iterations);
            nodes[p] = q.nodes();
            weights[p] = q.weights();
        }
        return new SpectralDensity(nodes, weights, n);
    }

    /** The number of probes. */
    public int probes() {
        return nodes.length;
    }

    /** The smallest node of any probe (an estimate of λ_min; Lanczos finds the ends first). */
    public double min() {
        double m = Double.POSITIVE_INFINITY;
        for (double[] p : nodes) {
            m = Math.min(m, p[0]);
        }
        return m;
    }

    /** The largest node of any probe (an estimate of λ_max). */
    public double max() {
        double m = Double.NEGATIVE_INFINITY;
        for (double[] p : nodes) {
            m = Math.max(m, p[p.length - 1]);
        }
        return m;
    }

    /**
     * The estimated fraction of eigenvalues in [lo, hi]: the probes' mean weight of the nodes there.
     * Quadrature places a node's weight at one point, so the estimate is good for intervals that are
     * wide against the spacing of the nodes.
     */
    public double mass(double lo, double hi) {
        double s = 0;
        for (int p = 0; p < nodes.length; p++) {
            for (int i = 0; i < nodes[p].length; i++) {
                if (nodes[p][i] >= lo && nodes[p][i] <= hi) {
                    s += weights[p][i];
                }
            }
        }
        return s / nodes.length;
    }

    /** The estimated mean eigenvalue tr(H)/n: the probes' mean of Σ w_i θ_i (= qᵀHq/‖q‖², exactly). */
    public double meanEigenvalue() {
        double s = 0;
        for (int p = 0; p < nodes.length; p++) {
            for (int i = 0; i < nodes[p].length; i++) {
                s += weights[p][i] * nodes[p][i];
            }
        }
        return s / nodes.length;
    }

    /**
     * The density smoothed by a Gaussian kernel of width {@code sigma} at each point of {@code grid}:
     * φ_σ(t) = (1/probes)·Σ_p Σ_i w_pi·exp(−(t − θ_pi)²/2σ²)/(σ√2π). It integrates to 1 over the line.
     */
    public double[] density(double[] grid, double sigma) {
        if (!(sigma > 0)) {
            throw new IllegalArgumentException("spectral density: the kernel width must be positive, got " + sigma);
        }
        double norm = 1 / (sigma * Math.sqrt(2 * Math.PI) * nodes.length);
        double[] out = new double[grid.length];
        for (int g = 0; g < grid.length; g++) {
            double t = grid[g], s = 0;
            for (int p = 0; p < nodes.length; p++) {
                for (int i = 0; i < nodes[p].length; i++) {
                    double d = (t - nodes[p][i]) / sigma;
                    if (d * d < 80) {
                        s += weights[p][i] * Math.exp(-0.5 * d * d);
                    }
                }
            }
            out[g] = s * norm;
        }
        return out;
    }

    /**
     * {@code points} evenly spaced values from 1% of the nodes' range below {@link #min()} to 1% above
     * {@link #max()}: the span PyHessian's plot covers.
     */
    public double[] grid(int points) {
        if (points < 2) {
            throw new IllegalArgumentException("spectral density: a grid needs at least 2 points, got " + points);
        }
        double lo = min(), hi = max(), pad = 0.01 * Math.max(hi - lo, Math.max(Math.abs(hi), 1e-12));
        lo -= pad;
        hi += pad;
        double[] g = new double[points];
        for (int i = 0; i < points; i++) {
            g[i] = lo + (hi - lo) * i / (points - 1);
        }
        return g;
    }
}
