package dev.descent.analysis;

import java.util.Arrays;

/**
 * Eigenvalues of a small dense symmetric matrix by cyclic Jacobi rotations: unconditionally stable and
 * accurate to a few ulps of the largest eigenvalue, which is what comparing with reference spectra
 * needs. O(n³) per sweep; meant for Lanczos' tridiagonal matrices and Hessians of small models.
 */
public final class SymmetricEigen {

    private SymmetricEigen() {
    }

    /**
     * Eigenvalues ascending and their unit eigenvectors: {@code vectors[i]} belongs to {@code values[i]}.
     */
    public record Decomposition(double[] values, double[][] vectors) {
    }

    /**
     * All eigenvalues, ascending.
     *
     * @throws IllegalArgumentException if the matrix is not square and symmetric (to 1e-9 relative)
     */
    public static double[] eigenvalues(double[][] matrix) {
        return decompose(matrix, false).values();
    }

    /**
     * All eigenvalues, ascending, with their eigenvectors (the accumulated rotations).
     *
     * @throws IllegalArgumentException if the matrix is not square and symmetric (to 1e-9 relative)
     */
    public static Decomposition decompose(double[][] matrix) {
        return decompose(matrix, true);
    }

    private static Decomposition decompose(double[][] matrix, boolean withVectors) {
        int n = matrix.length;
        double[][] a = new double[n][];
        double scale = 0;
        for (int i = 0; i < n; i++) {
            if (matrix[i].length != n) {
                throw new IllegalArgumentException("eigenvalues: row " + i + " has " + matrix[i].length + " values, expected " + n);
            }
            a[i] = matrix[i].clone();
            for (double v : a[i]) {
                scale = Math.max(scale, Math.abs(v));
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (Math.abs(a[i][j] - a[j][i]) > 1e-9 * Math.max(scale, 1e-300)) {
                    throw new IllegalArgumentException("eigenvalues: matrix is not symmetric at (" + i + ", " + j + ")");
                }
            }
        }
        // v accumulates the rotations: A = V·diag·Vᵀ, eigenvector j is column j of V.
        double[][] v = withVectors ? new double[n][n] : null;
        if (withVectors) {
            for (int i = 0; i < n; i++) {
                v[i][i] = 1;
            }
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    off += a[i][j] * a[i][j];
                }
            }
            if (off <= 1e-30 * Math.max(scale * scale, 1e-300)) {
                break;
            }
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (a[p][q] == 0) {
                        continue;
                    }
                    // Rotation that zeroes a[p][q] (Golub & Van Loan, Algorithm 8.5.1).
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < n; k++) {
                        double akp = a[k][p], akq = a[k][q];
                        a[k][p] = c * akp - s * akq;
                        a[k][q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++) {
                        double apk = a[p][k], aqk = a[q][k];
                        a[p][k] = c * apk - s * aqk;
                        a[q][k] = s * apk + c * aqk;
                    }
                    if (withVectors) {
                        for (int k = 0; k < n; k++) {
                            double vkp = v[k][p], vkq = v[k][q];
                            v[k][p] = c * vkp - s * vkq;
                            v[k][q] = s * vkp + c * vkq;
                        }
                    }
                }
            }
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (i, j) -> Double.compare(a[i][i], a[j][j]));
        double[] ev = new double[n];
        double[][] vectors = withVectors ? new double[n][n] : null;
        for (int r = 0; r < n; r++) {
            int j = order[r];
            ev[r] = a[j][j];
            if (withVectors) {
                for (int k = 0; k < n; k++) {
                    vectors[r][k] = v[k][j];
                }
            }
        }
        return new Decomposition(ev, vectors);
    }
}
