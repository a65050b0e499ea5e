package dev.descent.tensor.kernel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.descent.tensor.Generator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sparse paths of the linear layer's products: taken when the input is sparse (and, for the
 * gradient, C zero), declined otherwise, and then bit for bit the plain {@link Math#fma} chain in k
 * order, on shapes whose sides are and are not whole vectors.
 */
class SparseGemmTest {

    /** A [rows, cols] matrix with about {@code density} of its elements non-zero (N(0, 1)), the rest zero. */
    private static float[] sparse(Generator g, int rows, int cols, double density) {
        float[] x = new float[rows * cols];
        for (int i = 0; i < x.length; i++) {
            if (g.nextDouble() < density) {
                x[i] = (float) g.nextGaussian();
            }
        }
        return x;
    }

    private static float[] dense(Generator g, int n) {
        return sparse(g, 1, n, 1.0);
    }

    @ParameterizedTest(name = "{0}x{1}x{2}")
    @CsvSource({"64,200,784", "64,100,784", "13,37,300", "200,48,785", "5,16,16", "1,1,64"})
    void forwardOnASparseInputIsTheFmaChain(int m, int n, int k) {
        Generator g = new Generator(m * 31L + n * 7L + k);
        float[] a = sparse(g, m, k, 0.19), b = dense(g, n * k), c0 = dense(g, m * n);
        float[] want = c0.clone(), got = c0.clone();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float c = want[i * n + j];
                for (int p = 0; p < k; p++) {
                    c = Math.fma(a[i * k + p], b[j * k + p], c);
                }
                want[i * n + j] = c;
            }
        }
        assertThat(SparseGemm.nt(m, n, k, a, 0, k, b, 0, k, got, 0, n)).as("the sparse path is taken").isTrue();
        assertThat(got).isEqualTo(want);
    }

    @ParameterizedTest(name = "{0}x{1}x{2}")
    @CsvSource({"200,784,64", "100,784,64", "37,300,13", "48,785,200", "16,16,5", "1,64,2"})
    void weightGradientOnASparseInputIsTheFmaChain(int m, int n, int k) {
        Generator g = new Generator(m * 17L + n * 5L + k);
        float[] a = dense(g, k * m), b = sparse(g, k, n, 0.19);
        float[] want = new float[m * n], got = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float c = 0f;
                for (int p = 0; p < k; p++) {
                    c = Math.fma(a[p * m + i], b[p * n + j], c);
                }
                want[i * n + j] = c;
            }
        }
        assertThat(SparseGemm.tn(m, n, k, a, 0, m, b, 0, n, got, 0, n, false)).as("the sparse path is taken").isTrue();
        assertThat(got).isEqualTo(want);
    }

    /**
     * Every unrolled width of a pass (1 to 8 vectors of outputs, one pass each), on both products:
     * n (forward) and m (gradient) of {@code vectors} vectors, the last one ragged.
     */
    @ParameterizedTest(name = "{0} vectors")
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void everyPassWidthIsTheFmaChain(int vectors) {
        int outputs = vectors * VectorKernels.lanes() - 3, rows = 9, k = 70;
        forwardOnASparseInputIsTheFmaChain(rows, Math.max(1, outputs), k);
        weightGradientOnASparseInputIsTheFmaChain(Math.max(1, outputs), k, rows);
    }

    /** The rule {@link VectorKernels} dispatches by: both paths with AVX-512; with AVX2 the forward of more than 128 rows only. */
    @Test
    void theKernelsTakeTheSparsePathsWhereTheyMeasuredFaster() {
        assertThat(VectorKernels.SKIP_ZEROS).as("the tests run with the skipping on").isTrue();
        boolean avx512 = VectorKernels.lanes() >= 16;
        assertThat(VectorKernels.SPARSE).isEqualTo(avx512);
        assertThat(VectorKernels.sparseForward(64)).isEqualTo(avx512);
        assertThat(VectorKernels.sparseForward(VectorKernels.SMALL_M)).isEqualTo(avx512);
        assertThat(VectorKernels.sparseForward(VectorKernels.SMALL_M + 1)).isTrue();
    }

    @Test
    void offsetsAndStridesSelectTheBlock() {
        // A thread's part: C's columns [16, 48) of a [10, 64] product, B's rows from 16, A's rows 4 long.
        Generator g = new Generator(3);
        int m = 10, n = 64, k = 100, j0 = 16, w = 32;
        float[] a = sparse(g, m, k, 0.2), b = dense(g, n * k), c = new float[m * n], want = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = j0; j < j0 + w; j++) {
                float s = 0f;
                for (int p = 0; p < k; p++) {
                    s = Math.fma(a[i * k + p], b[j * k + p], s);
                }
                want[i * n + j] = s;
            }
        }
        assertThat(SparseGemm.nt(m, w, k, a, 0, k, b, j0 * k, k, c, j0, n)).isTrue();
        assertThat(c).isEqualTo(want);
    }

    @Test
    void declinesDenseInputsAndANonZeroGradient() {
        Generator g = new Generator(5);
        float[] dense = sparse(g, 32, 200, 0.5), b = dense(g, 100 * 200), c = new float[32 * 100];
        assertThat(SparseGemm.sparse(dense, 0, 200, 32, 200)).isFalse();
        assertThat(SparseGemm.nt(32, 100, 200, dense, 0, 200, b, 0, 200, c, 0, 100)).isFalse();
        assertThat(c).containsOnly(0f);

        float[] x = sparse(g, 64, 784, 0.19), dy = dense(g, 64 * 50), grad = new float[50 * 784];
        grad[50 * 784 - 1] = 1f;
        assertThat(SparseGemm.tn(50, 784, 64, dy, 0, 50, x, 0, 784, grad, 0, 784, false)).as("C is not zero").isFalse();
        assertThat(grad[0]).isZero();
    }

    @Test
    void theDensityTestCountsNaNAsNonZeroAndStopsOnADenseStart() {
        float[] x = new float[4 * 100];
        assertThat(SparseGemm.sparse(x, 0, 100, 4, 100)).isTrue();
        java.util.Arrays.fill(x, 0, 100, Float.NaN);   // the first row all NaN: not zero
        assertThat(SparseGemm.sparse(x, 0, 100, 4, 100)).isFalse();
        float[] y = new float[4 * 100];
        java.util.Arrays.fill(y, 0, 50, 1f);           // half of the first row: past 1.5× the share after one row
        assertThat(SparseGemm.sparse(y, 0, 100, 4, 100)).isFalse();
    }

    @ParameterizedTest(name = "srcRows={0} dstRows={1}")
    @CsvSource({"16,16", "5,16", "16,3", "1,1"})
    void transposeBlockTransposesWhatExists(int srcRowsOfSixteen, int dstRowsOfSixteen) {
        int l = VectorKernels.lanes();
        int srcRows = Math.min(l, srcRowsOfSixteen), dstRows = Math.min(l, dstRowsOfSixteen);
        int lds = l + 3, ldd = l + 5;
        float[] src = new float[l * lds + 2], dst = new float[l * ldd + 7];
        for (int i = 0; i < src.length; i++) {
            src[i] = i + 1;
        }
        java.util.Arrays.fill(dst, -1f);
        SparseGemm.transposeBlock(src, 2, lds, srcRows, dst, 7, ldd, dstRows);
        for (int c = 0; c < l; c++) {
            for (int r = 0; r < l; r++) {
                float want = c >= dstRows ? -1f : r < srcRows ? src[2 + r * lds + c] : 0f;
                assertThat(dst[7 + c * ldd + r]).as("dst[%d, %d]", c, r).isEqualTo(want);
            }
        }
    }
}
