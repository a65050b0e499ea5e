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
     * All eigenvalues, ascending.
     *
     * @throws IllegalArgumentException if the matrix is not square and symmetric (to 1e-9 relative)
     */
    public static double[] eigenvalues(double[][] matrix) {
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
                }
            }
        }
        double[] ev = new double[n];
        for (int i = 0; i < n; i++) {
            ev[i] = a[i][i];
        }
        Arrays.sort(ev);
        return ev;
    }
}
