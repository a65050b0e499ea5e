package dev.descent.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

import dev.descent.tensor.Generator;

/**
 * The Lanczos iteration for a symmetric operator known only through products {@code v ↦ A·v} (a
 * Hessian), with full reorthogonalisation: k products from a unit start vector q₁ build an
 * orthonormal basis Q and a k×k tridiagonal T = QᵀAQ (diagonal α, off-diagonal β). T's eigenvalues
 * (Ritz values) converge first at both ends of the spectrum; its eigenvectors give the Ritz vectors
 * Q·s and, through their first components, the Gauss quadrature of q₁ᵀ f(A) q₁ (Golub &amp; Meurant)
 * that stochastic Lanczos quadrature averages.
 */
public final class Lanczos {

    private Lanczos() {
    }

    /** The top eigenpair found: its value, unit vector, the products spent and the residual ‖Av − λv‖. */
    public record Eigenpair(double value, double[] vector, int products, double residual) {
    }

    /**
     * Gauss quadrature nodes (Ritz values, ascending) and weights (squared first components of T's
     * eigenvectors, summing to 1) of the start vector's spectral measure.
     */
    public record Quadrature(double[] nodes, double[] weights) {
    }

    /** The tridiagonal matrix and basis after some iterations. */
    private record Krylov(double[] alpha, double[] beta, List<double[]> basis) {
        int size() {
            return basis.size();
        }

        double[][] tridiagonal() {
            return Lanczos.tridiagonal(alpha, beta, size());
        }
    }

    /**
     * Ritz values after {@code k} iterations from a random start, ascending: the last ones estimate
     * the top eigenvalues, the first ones the bottom.
     *
     * @param n the dimension
     */
    public static double[] ritzValues(UnaryOperator<double[]> op, int n, int k, Generator gen) {
        if (k < 1 || n < 1) {
            throw new IllegalArgumentException("Lanczos: iterations and dimension must be positive, got " + k + " and " + n);
        }
        return SymmetricEigen.eigenvalues(iterate(op, gaussian(n, gen), k, 0).tridiagonal());
    }

    /** The {@code count} largest Ritz values, largest first. */
    public static double[] top(UnaryOperator<double[]> op, int n, int k, int count, Generator gen) {
        double[] r = ritzValues(op, n, k, gen);
        double[] out = new double[Math.min(count, r.length)];
        for (int i = 0; i < out.length; i++) {
            out[i] = r[r.length - 1 - i];
        }
        return out;
    }

    /**
     * The largest eigenvalue and its vector, from {@code start} (any nonzero vector; a previous
     * eigenvector makes a warm start). Stops after {@code maxIterations} products, or once the
     * residual bound β_j·|s_j| of the top Ritz pair is at most {@code tolerance}·|λ| — the standard
     * Lanczos error bound, exact in exact arithmetic: ‖A·y − θ·y‖ = β_j·|e_jᵀs|.
     */
    public static Eigenpair largest(UnaryOperator<double[]> op, double[] start, int maxIterations, double tolerance) {
        if (maxIterations < 1) {
            throw new IllegalArgumentException("Lanczos: iterations must be positive, got " + maxIterations);
        }
        if (!(tolerance >= 0)) {
            throw new IllegalArgumentException("Lanczos: tolerance must be >= 0, got " + tolerance);
        }
        Krylov k = iterate(op, start.clone(), maxIterations, tolerance);
        SymmetricEigen.Decomposition d = SymmetricEigen.decompose(k.tridiagonal());
        int m = k.size(), top = m - 1;
        double[] s = d.vectors()[top];
        double[] y = new double[start.length];
        for (int i = 0; i < m; i++) {
            axpy(s[i], k.basis().get(i), y);
        }
        scale(y, 1 / norm(y));
        return new Eigenpair(d.values()[top], y, m, k.beta()[m - 1] * Math.abs(s[m - 1]));
    }

    /**
     * {@code k} iterations from {@code start} (normalised here) and the quadrature they define: for
     * any f, Σ_i w_i f(θ_i) ≈ qᵀf(A)q with q = start/‖start‖, exact for polynomials of degree below 2k.
     */
    public static Quadrature quadrature(UnaryOperator<double[]> op, double[] start, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("Lanczos: iterations must be positive, got " + k);
        }
        SymmetricEigen.Decomposition d = SymmetricEigen.decompose(iterate(op, start.clone(), k, 0).tridiagonal());
        double[] w = new double[d.values().length];
        for (int i = 0; i < w.length; i++) {
            w[i] = d.vectors()[i][0] * d.vectors()[i][0];
        }
        return new Quadrature(d.values(), w);
    }

    /**
     * Up to {@code k} iterations from {@code q} (normalised in place). With {@code topTolerance} > 0
     * it stops as soon as the top Ritz pair's residual bound is that small relative to its value.
     * It also stops when the Krylov space is invariant (the next β is negligible).
     */
    private static Krylov iterate(UnaryOperator<double[]> op, double[] q, int k, double topTolerance) {
        int n = q.length;
        k = Math.min(k, n);
        double qn = norm(q);
        if (!(qn > 0) || !Double.isFinite(qn)) {
            throw new IllegalArgumentException("Lanczos: the start vector must be nonzero and finite");
        }
        scale(q, 1 / qn);
        List<double[]> basis = new ArrayList<>();
        double[] alpha = new double[k], beta = new double[k];
        for (int j = 0; j < k; j++) {
            basis.add(q);
            double[] w = op.apply(q);
            if (w.length != n) {
                throw new IllegalArgumentException("Lanczos: the operator returned " + w.length + " values for a vector of " + n);
            }
            alpha[j] = dot(w, q);
            // Full reorthogonalisation (twice is enough): keeps the basis orthogonal in floating point.
            for (int pass = 0; pass < 2; pass++) {
                for (double[] b : basis) {
                    axpy(-dot(w, b), b, w);
                }
            }
            double bnorm = norm(w);
            beta[j] = bnorm;
            if (j == k - 1 || bnorm < 1e-12 * Math.max(1, Math.abs(alpha[j]))) {
                break;
            }
            // At least three products: a warm start close to a lower eigenvector converges to it at once.
            if (topTolerance > 0 && j >= 2 && topConverged(alpha, beta, j + 1, topTolerance)) {
                break;
            }
            q = w;
            scale(q, 1 / bnorm);
        }
        int m = basis.size();
        return new Krylov(Arrays.copyOf(alpha, m), Arrays.copyOf(beta, m), basis);
    }

    /** Whether the top Ritz pair of the first m iterations has residual β_m·|s_m| ≤ tol·|θ|. */
    private static boolean topConverged(double[] alpha, double[] beta, int m, double tol) {
        SymmetricEigen.Decomposition d = SymmetricEigen.decompose(tridiagonal(alpha, beta, m));
        double theta = d.values()[m - 1];
        double[] s = d.vectors()[m - 1];
        return beta[m - 1] * Math.abs(s[m - 1]) <= tol * Math.abs(theta);
    }

    /** T_m: α on the diagonal, β beside it. */
    private static double[][] tridiagonal(double[] alpha, double[] beta, int m) {
        double[][] t = new double[m][m];
        for (int i = 0; i < m; i++) {
            t[i][i] = alpha[i];
            if (i + 1 < m) {
                t[i][i + 1] = beta[i];
                t[i + 1][i] = beta[i];
            }
        }
        return t;
    }

    private static double[] gaussian(int n, Generator gen) {
        double[] q = new double[n];
        for (int i = 0; i < n; i++) {
            q[i] = gen.nextGaussian();
        }
        return q;
    }

    static double dot(double[] a, double[] b) {
        // Four partial sums: the loop is bound by the add latency otherwise (vectors of 10⁵ values).
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0, n = a.length;
        for (; i + 3 < n; i += 4) {
            s0 += a[i] * b[i];
            s1 += a[i + 1] * b[i + 1];
            s2 += a[i + 2] * b[i + 2];
            s3 += a[i + 3] * b[i + 3];
        }
        for (; i < n; i++) {
            s0 += a[i] * b[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    static void scale(double[] a, double c) {
        for (int i = 0; i < a.length; i++) {
            a[i] *= c;
        }
    }

    static void axpy(double c, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += c * x[i];
        }
    }
}
