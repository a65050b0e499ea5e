package dev.descent.tensor.kernel;

import java.util.Arrays;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.descent.tensor.Generator;

import static dev.descent.testing.Matrices.gaussian;
import static dev.descent.testing.Matrices.sparseInput;

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

    private static boolean sparsePaths(int rows) {
        return KernelProvider.kernels() != KernelProvider.scalar() && VectorKernels.sparseBoth(rows);
    }

    @ParameterizedTest(name = "{0}x{1} -> {2}, {3} threads")
    @CsvSource({"64,784,200,2", "64,784,200,1", "64,784,200,3", "1,784,200,2", "13,100,37,2", "130,784,100,2", "17,50,16,2", "64,37,200,2",
        "64,784,40,2", "64,784,48,2", "64,784,32,2"})
    void bothProductsEqualTheDenseInputsBitForBit(int rows, int cols, int out, int threads) {
        Parallel.setThreads(threads);
        Generator g = new Generator(rows * 131L + cols * 7L + out);
        float[] x = sparseInput(g, rows, cols, 0.22);
        Optional<SparseInput> listed = SparseInput.of(x, 0, rows, cols, null);
        assertThat(listed.isPresent()).as("listed").isEqualTo(sparsePaths(rows));
        assumeTrue(listed.isPresent(), "the sparse paths run with AVX-512 only");
        SparseInput sx = listed.get();
        assertThat(sx.nonZeros()).isEqualTo((int) Arrays.stream(box(x)).filter(v -> v != 0f).count());
        assertProductsMatchTheDenseInput(sx, x, rows, cols, out, g);
    }

    /**
     * The same products from a kept listing of a larger matrix (a data set's, {@link SparseRows}) whose
     * selected rows, in a shuffled order, are the input's: no dense batch is listed or read.
     */
    @ParameterizedTest(name = "{0}x{1} -> {2}, {3} threads")
    @CsvSource({"64,784,200,2", "64,784,200,1", "64,784,200,3", "1,784,200,2", "13,100,37,2", "130,784,100,2", "17,50,16,2", "64,37,200,2",
        "64,784,40,2"})
    void aBatchOfAKeptListingGivesTheDenseInputsProductsBitForBit(int rows, int cols, int out, int threads) {
        Parallel.setThreads(threads);
        Generator g = new Generator(rows * 17L + cols * 3L + out);
        float[] x = sparseInput(g, rows, cols, 0.22);
        // The data set: 3·rows rows, the input's rows scattered among others at the positions `at`.
        int total = 3 * rows;
        int[] at = g.permutation(total);
        float[] all = sparseInput(g, total, cols, 0.15);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(x, r * cols, all, at[r] * cols, cols);
        }
        Optional<SparseRows> kept = SparseRows.of(all, 0, total, cols);
        assertThat(kept.isPresent()).as("kept").isEqualTo(sparsePaths(1));
        assumeTrue(kept.isPresent() && sparsePaths(rows), "the sparse paths run with AVX-512 only");
        assertThat(kept.get().nonZeros()).isEqualTo(Arrays.stream(box(all)).filter(v -> v != 0f).count());
        SparseRows batch = kept.get().select(at, 0, rows, null);
        SparseInput sx = SparseInput.of(batch, null).orElseThrow();
        assertThat(sx.nonZeros()).isEqualTo((int) Arrays.stream(box(x)).filter(v -> v != 0f).count());
        assertThat(sx.data()).as("the dense input, made from the listing for the dense kernel's fallback").isEqualTo(x);
        assertProductsMatchTheDenseInput(SparseInput.of(batch, null).orElseThrow(), x, rows, cols, out, g);
    }

    private static void assertProductsMatchTheDenseInput(SparseInput sx, float[] x, int rows, int cols, int out, Generator g) {
        float[] w = gaussian(g, out * cols), dy = gaussian(g, rows * out), bias = gaussian(g, rows * out);
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
    void aKeptListingAndADenseListingShareBuffersWithoutTouchingEachOther() {
        assumeTrue(sparsePaths(64), "the sparse paths run with AVX-512 only");
        Generator g = new Generator(11);
        float[] all = sparseInput(g, 256, 784, 0.2), x = sparseInput(g, 64, 784, 0.2), w = gaussian(g, 200 * 784);
        SparseRows kept = SparseRows.of(all, 0, 256, 784).orElseThrow();
        int[] order = g.permutation(256);
        float[] batch = new float[64 * 784];
        for (int r = 0; r < 64; r++) {
            System.arraycopy(all, order[r] * 784, batch, r * 784, 784);
        }
        float[] want = new float[64 * 200], got = new float[64 * 200];
        Gemm.nt(SparseInput.of(batch, 0, 64, 784, null).orElseThrow(), 200, w, 0, want, 0, false);
        // A step listed from its dense batch between two steps of kept rows, all on one recycled listing:
        // the dense listing must write its own buffers, never the kept listing's.
        SparseInput s = SparseInput.of(kept.select(order, 0, 64, null), null).orElseThrow();
        assertThat(SparseInput.of(x, 0, 64, 784, s).orElseThrow()).isSameAs(s);
        Gemm.nt(s, 200, w, 0, new float[64 * 200], 0, false);
        assertThat(SparseInput.of(kept.select(order, 0, 64, null), s).orElseThrow()).isSameAs(s);
        Gemm.nt(s, 200, w, 0, got, 0, false);
        assertThat(got).isEqualTo(want);
        float[] gradWant = new float[200 * 784], gradGot = new float[200 * 784], dy = gaussian(g, 64 * 200);
        Gemm.tnByRows(200, 784, 64, dy, 0, batch, 0, gradWant, 0, false);
        Gemm.tnByRows(200, dy, 0, s, gradGot, 0, false);
        assertThat(gradGot).isEqualTo(gradWant);
    }

    /**
     * The forward transposes only the blocks of columns some row of the batch uses, and a kept batch
     * takes that union from its rows' block bits: a block that only the batch's first, or only its
     * last, row uses must be transposed too. The kept product runs first, with a weight no earlier
     * product used, so that a block left out would read another weight's stale values.
     */
    @ParameterizedTest(name = "the lone block's row: {0}")
    @CsvSource({"0", "63"})
    void theForwardTransposesEveryBlockThatAnyRowOfAKeptBatchUses(int lone) {
        assumeTrue(sparsePaths(64), "the sparse paths run with AVX-512 only");
        Generator g = new Generator(17 + lone);
        int rows = 64, cols = 784, out = 200;
        float[] x = sparseInput(g, rows, cols, 0.15);
        for (int r = 0; r < rows; r++) {
            for (int c = 768; c < cols; c++) {
                x[r * cols + c] = r == lone ? (float) g.nextGaussian() : 0f;
            }
        }
        SparseRows kept = SparseRows.of(x, 0, rows, cols).orElseThrow();
        int[] identity = new int[rows];
        Arrays.setAll(identity, i -> i);
        for (int rep = 0; rep < 2; rep++) {
            float[] w = gaussian(g, out * cols), got = new float[rows * out], want = new float[rows * out];
            Gemm.nt(SparseInput.of(kept.select(identity, 0, rows, null), null).orElseThrow(), out, w, 0, got, 0, false);
            Gemm.nt(rows, out, cols, x, 0, w, 0, want, 0, false);
            assertThat(got).as("weight %d", rep).isEqualTo(want);
        }
    }

    @Test
    void aKeptListingIsMadeOnlyOfASparseMatrixAndSelectsOnlyItsRows() {
        Generator g = new Generator(13);
        assertThat(SparseRows.of(sparseInput(g, 64, 784, 0.45), 0, 64, 784)).isEmpty();
        assertThat(SparseRows.of(new float[0], 0, 0, 784)).isEmpty();
        assumeTrue(sparsePaths(1), "the sparse paths run with AVX-512 only");
        SparseRows kept = SparseRows.of(sparseInput(g, 10, 784, 0.2), 0, 10, 784).orElseThrow();
        assertThat(kept.rows()).isEqualTo(10);
        assertThat(kept.cols()).isEqualTo(784);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> kept.select(new int[] {3, 10}, 0, 2, null))
                .isInstanceOf(IndexOutOfBoundsException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SparseRows.of(new float[100], 0, 10, 784))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not fit");
        // Too dense a batch of a sparse enough data set is not listed: the step then uses the dense batch.
        float[] mixed = sparseInput(g, 64, 784, 0.02);
        float[] dense = sparseInput(g, 16, 784, 0.9);
        float[] both = Arrays.copyOf(mixed, 80 * 784);
        System.arraycopy(dense, 0, both, 64 * 784, dense.length);
        SparseRows all = SparseRows.of(both, 0, 80, 784).orElseThrow();
        int[] denseRows = new int[16];
        Arrays.setAll(denseRows, i -> 64 + i);
        assertThat(SparseInput.of(all.select(denseRows, 0, 16, null), null)).isEmpty();
    }

    @Test
    void aDenseInputIsNotListed() {
        Generator g = new Generator(5);
        assertThat(SparseInput.of(sparseInput(g, 64, 784, 0.45), 0, 64, 784, null)).isEmpty();
        assertThat(SparseInput.of(gaussian(g, 64 * 784), 0, 64, 784, null)).isEmpty();
    }

    @Test
    void aRecycledListingListsTheNextBatchAsAFreshOneDoes() {
        assumeTrue(sparsePaths(64), "the sparse paths run with AVX-512 only");
        Generator g = new Generator(9);
        float[] x1 = sparseInput(g, 64, 784, 0.3), x2 = sparseInput(g, 64, 784, 0.1), w = gaussian(g, 200 * 784);
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
