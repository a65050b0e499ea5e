package dev.descent.analysis;

import java.util.List;

/**
 * A training trajectory θ_0 … θ_T projected on its top two principal directions (Li et al., 2018,
 * §7): the rows θ_i − θ_T form a matrix M; its top right singular vectors come from the small Gram
 * matrix M·Mᵀ (T×T), so the cost is O(T²·P) rather than an eigenproblem in P dimensions.
 *
 * @param x        each snapshot's coordinate along the first direction
 * @param y        each snapshot's coordinate along the second direction
 * @param explained the fraction of the trajectory's variance each direction explains
 * @param d1       the first direction (unit norm, parameter order)
 * @param d2       the second direction
 */
public record TrajectoryPca(double[] x, double[] y, double[] explained, double[] d1, double[] d2) {

    /** Projects the snapshots (flat parameter vectors, in training order; the last is the end point). */
    public static TrajectoryPca of(List<double[]> snapshots) {
        int t = snapshots.size();
        if (t < 3) {
            throw new IllegalArgumentException("trajectory PCA needs at least 3 snapshots, got " + t);
        }
        double[] end = snapshots.get(t - 1);
        int p = end.length;
        double[][] m = new double[t][p];
        for (int i = 0; i < t; i++) {
            double[] s = snapshots.get(i);
            if (s.length != p) {
                throw new IllegalArgumentException("trajectory PCA: snapshot " + i + " has " + s.length + " values, expected " + p);
            }
            for (int j = 0; j < p; j++) {
                m[i][j] = s[j] - end[j];
            }
        }
        double[][] gram = new double[t][t];
        for (int i = 0; i < t; i++) {
            for (int j = i; j < t; j++) {
                double s = Lanczos.dot(m[i], m[j]);
                gram[i][j] = s;
                gram[j][i] = s;
            }
        }
        double total = 0;
        for (int i = 0; i < t; i++) {
            total += gram[i][i];
        }
        double[] d1 = new double[p], d2 = new double[p];
        double[] eig = new double[2];
        double[][] deflated = gram;
        double[][] dirs = {d1, d2};
        for (int k = 0; k < 2; k++) {
            double[] u = topEigenvector(deflated);
            double lambda = quadratic(deflated, u);
            eig[k] = Math.max(lambda, 0);
            double[] dir = dirs[k];
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < p; j++) {
                    dir[j] += u[i] * m[i][j];
                }
            }
            double norm = Lanczos.norm(dir);
            if (norm > 0) {
                for (int j = 0; j < p; j++) {
                    dir[j] /= norm;
                }
            }
            double[][] next = new double[t][t];
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < t; j++) {
                    next[i][j] = deflated[i][j] - lambda * u[i] * u[j];
                }
            }
            deflated = next;
        }
        double[] x = new double[t], y = new double[t];
        for (int i = 0; i < t; i++) {
            x[i] = Lanczos.dot(m[i], d1);
            y[i] = Lanczos.dot(m[i], d2);
        }
        double[] explained = total == 0 ? new double[] {0, 0} : new double[] {eig[0] / total, eig[1] / total};
        return new TrajectoryPca(x, y, explained, d1, d2);
    }

    private static double[] topEigenvector(double[][] a) {
        int n = a.length;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = 1.0 / Math.sqrt(n) + 1e-3 * i;
        }
        for (int it = 0; it < 500; it++) {
            double[] w = new double[n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    w[i] += a[i][j] * v[j];
                }
            }
            double norm = Lanczos.norm(w);
            if (norm == 0) {
                return v;
            }
            double change = 0;
            for (int i = 0; i < n; i++) {
                w[i] /= norm;
                change += Math.abs(w[i] - v[i]);
            }
            v = w;
            if (change < 1e-13) {
                break;
            }
        }
        return v;
    }

    private static double quadratic(double[][] a, double[] u) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a.length; j++) {
                s += u[i] * a[i][j] * u[j];
            }
        }
        return s;
    }
}
