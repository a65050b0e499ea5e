package dev.descent.tensor.kernel;

import java.util.Arrays;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.descent.tensor.Generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * An input listed once by its non-zeros gives a first layer's forward and weight gradient bit for bit
 * as the dense input does, on any thread count; it exists exactly where both sparse paths run
 * (AVX-512) and the input is sparse enough; a listing's buffers can be reused for the next batch.
 */
class SparseInputTest {

    private static final int THREADS = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(THREADS);
    }

    /**
     * A [rows, cols] input about {@code density} non-zero, with an all-zero row and an all-zero band
     * of 20 columns (MNIST's borders), so that empty rows, columns and column blocks are met, and its
     * last block of 16 columns zero in the first half of the rows (a block only the second thread's rows use).
     */
    private static float[] input(Generator g, int rows, int cols, double density) {
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

    private static float[] gaussian(Generator g, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) g.nextGaussian();
        }
        return x;
    }

    private static boolean sparsePaths(int rows) {
        return KernelProvider.kernels() != KernelProvider.scalar() && VectorKernels.sparseBoth(rows);
    }

    @ParameterizedTest(name = "{0}x{1} -> {2}, {3} threads")
    @CsvSource({"64,784,200,2", "64,784,200,1", "64,784,200,3", "1,784,200,2", "13,100,37,2", "130,784,100,2", "17,50,16,2", "64,37,200,2",
        "64,784,40,2", "64,784,48,2", "64,784,32,2"})
    void bothProductsEqualTheDenseInputsBitForBit(int rows, int cols, int out, int threads) {
        Parallel.setThreads(threads);
        Generator g = new Generator(rows * 131L + cols * 7L + out);
        float[] x = input(g, rows, cols, 0.22), w = gaussian(g, out * cols), dy = gaussian(g, rows * out), bias = gaussian(g, rows * out);
        Optional<SparseInput> listed = SparseInput.of(x, 0, rows, cols, null);
        assertThat(listed.isPresent()).as("listed").isEqualTo(sparsePaths(rows));
        assumeTrue(listed.isPresent(), "the sparse paths run with AVX-512 only");
        SparseInput sx = listed.get();
        assertThat(sx.nonZeros()).isEqualTo((int) Arrays.stream(box(x)).filter(v -> v != 0f).count());

        for (boolean accumulate : new boolean[] {false, true}) {
            float[] want = bias.clone(), got = bias.clone();
            Gemm.nt(rows, out, cols, x, 0, w, 0, want, 0, accumulate);
            Gemm.nt(sx, out, w, 0, got, 0, accumulate);
            assertThat(got).as("forward, accumulate=%s", accumulate).isEqualTo(want);
        }
        // Started from a bias row on each thread, as on a C holding the bias in every row.
        float[] biasRow = gaussian(g, out), want = new float[rows * out], got = gaussian(g, rows * out);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(biasRow, 0, want, r * out, out);
        }
        Gemm.nt(rows, out, cols, x, 0, w, 0, want, 0, true);
        Gemm.nt(sx, out, w, 0, biasRow, got, 0);
        assertThat(got).as("forward from a bias").isEqualTo(want);
        // The weight gradient into a zero gradient (the sparse path), then into a non-zero one (the dense kernel).
        want = new float[out * cols];
        got = new float[out * cols];
        Gemm.tnByRows(out, cols, rows, dy, 0, x, 0, want, 0, true);
        Gemm.tnByRows(out, dy, 0, sx, got, 0, true);
        assertThat(got).as("weight gradient").isEqualTo(want);
        Gemm.tnByRows(out, cols, rows, dy, 0, x, 0, want, 0, true);
        Gemm.tnByRows(out, dy, 0, sx, got, 0, true);
        assertThat(got).as("weight gradient accumulated").isEqualTo(want);
        Gemm.tnByRows(out, cols, rows, dy, 0, x, 0, want, 0, false);
        Gemm.tnByRows(out, dy, 0, sx, got, 0, false);
        assertThat(got).as("weight gradient overwritten").isEqualTo(want);
    }

    @Test
    void twoThreadsShareAnOddVectorOfTheGradientsRows() {
        // The benchmark's 200 outputs are 12.5 vectors of 16: each thread 6 of its own and half the 13th,
        // where a cut at a vector boundary gave one thread 7 (the products above check the bits).
        assertThat(Gemm.oddShare(200, 16)).isEqualTo(96);
        assertThat(Gemm.oddShare(100, 16)).isEqualTo(48);
        assertThat(Gemm.oddShare(40, 16)).isEqualTo(16);
        assertThat(Gemm.oddShare(48, 16)).isEqualTo(16);
        assertThat(Gemm.oddShare(192, 16)).as("an even number of vectors splits at a boundary").isZero();
        assertThat(Gemm.oddShare(16, 16)).as("one vector is not shared").isZero();
        assertThat(Gemm.oddShare(200, 8)).as("25 vectors of 8").isEqualTo(96);
    }

    private static Float[] box(float[] x) {
        Float[] b = new Float[x.length];
        for (int i = 0; i < x.length; i++) {
            b[i] = x[i];
        }
        return b;
    }

    @Test
    void aDenseInputIsNotListed() {
        Generator g = new Generator(5);
        assertThat(SparseInput.of(input(g, 64, 784, 0.45), 0, 64, 784, null)).isEmpty();
        assertThat(SparseInput.of(gaussian(g, 64 * 784), 0, 64, 784, null)).isEmpty();
    }

    @Test
    void aRecycledListingListsTheNextBatchAsAFreshOneDoes() {
        assumeTrue(sparsePaths(64), "the sparse paths run with AVX-512 only");
        Generator g = new Generator(9);
        float[] x1 = input(g, 64, 784, 0.3), x2 = input(g, 64, 784, 0.1), w = gaussian(g, 200 * 784);
        SparseInput first = SparseInput.of(x1, 0, 64, 784, null).orElseThrow();
        SparseInput recycled = SparseInput.of(x2, 0, 64, 784, first).orElseThrow();
        assertThat(recycled).as("the buffers were reused").isSameAs(first);
        float[] want = new float[64 * 200], got = new float[64 * 200];
        Gemm.nt(SparseInput.of(x2, 0, 64, 784, null).orElseThrow(), 200, w, 0, want, 0, false);
        Gemm.nt(recycled, 200, w, 0, got, 0, false);
        assertThat(got).isEqualTo(want);
        assertThat(SparseInput.of(x2, 0, 32, 784 * 2, first).orElseThrow()).as("another shape gets its own buffers").isNotSameAs(first);
    }
}
