package dev.descent.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

import dev.descent.tensor.Generator;

/**
 * Extreme eigenvalues of a symmetric operator known only through products {@code v ↦ A·v} (a
 * Hessian), by the Lanczos iteration with full reorthogonalisation: k products build a k×k
 * tridiagonal matrix whose eigenvalues (Ritz values) converge first at both ends of the spectrum.
 */
public final class Lanczos {

    private Lanczos() {
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
        k = Math.min(k, n);
        List<double[]> basis = new ArrayList<>();
        double[] q = new double[n];
        for (int i = 0; i < n; i++) {
            q[i] = gen.nextGaussian();
        }
        scale(q, 1 / norm(q));
        double[] alpha = new double[k], beta = new double[k];
        int m = 0;
        for (int j = 0; j < k; j++) {
            basis.add(q);
            double[] w = op.apply(q);
            alpha[j] = dot(w, q);
            // Full reorthogonalisation (twice is enough): keeps the basis orthogonal in floating point.
            for (int pass = 0; pass < 2; pass++) {
                for (double[] b : basis) {
                    axpy(-dot(w, b), b, w);
                }
            }
            m = j + 1;
            double bnorm = norm(w);
            if (j == k - 1 || bnorm < 1e-12 * Math.max(1, Math.abs(alpha[j]))) {
                break;
            }
            beta[j] = bnorm;
            q = w;
            scale(q, 1 / bnorm);
        }
        double[][] t = new double[m][m];
        for (int i = 0; i < m; i++) {
            t[i][i] = alpha[i];
            if (i + 1 < m) {
                t[i][i + 1] = beta[i];
                t[i + 1][i] = beta[i];
            }
        }
        return SymmetricEigen.eigenvalues(t);
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

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    private static void scale(double[] a, double c) {
        for (int i = 0; i < a.length; i++) {
            a[i] *= c;
        }
    }

    private static void axpy(double c, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += c * x[i];
        }
    }

    static double[] copy(double[] a) {
        return Arrays.copyOf(a, a.length);
    }
}
