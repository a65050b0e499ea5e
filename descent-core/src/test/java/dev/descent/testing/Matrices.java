package dev.descent.testing;

import dev.descent.tensor.Generator;

/** Row-major matrices that the kernel and optimizer tests build their cases from. */
public final class Matrices {

    private Matrices() {
    }

    /** {@code n} standard normal values. */
    public static float[] gaussian(Generator g, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) g.nextGaussian();
        }
        return x;
    }

    /**
     * A [rows, cols] input about {@code density} non-zero, with an all-zero row and an all-zero band
     * of 20 columns (MNIST's borders), so that empty rows, columns and column blocks are met, and its
     * last block of 16 columns zero in the first half of the rows (a block only the second thread's rows use).
     */
    public static float[] sparseInput(Generator g, int rows, int cols, double density) {
        float[] x = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                boolean blank = (r == rows / 2 && rows > 1) || (c >= 3 && c < 23) || (c >= (cols - 1) / 16 * 16 && r < rows / 2);
                if (!blank && g.nextDouble() < density) {
                    x[r * cols + c] = (float) g.nextGaussian();
                }
            }
        }
        return x;
    }

    /** The [cols, rows] transpose of the [rows, cols] matrix {@code a}. */
    public static float[] transposed(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = a[r * cols + c];
            }
        }
        return t;
    }
}
