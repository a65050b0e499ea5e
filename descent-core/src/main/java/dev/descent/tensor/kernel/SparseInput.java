package dev.descent.tensor.kernel;

import java.util.Optional;

/**
 * A batch of inputs [rows, cols] listed once by its non-zero elements, by rows and by columns, for the
 * two products of a first layer that read it: the forward {@code x·Wᵀ} ({@link Gemm#nt(SparseInput,
 * int, float[], int, float[], int, boolean)}) and the weight gradient {@code dyᵀ·x}
 * ({@link Gemm#tnByRows(int, float[], int, SparseInput, float[], int, boolean)}). Without it each
 * product lists the input again on each kernel thread (the forward by rows, the gradient by columns):
 * at batch 64 on MNIST, 81% of whose pixels are zero, that was about 21 µs of the forward's and 32 µs
 * of the gradient's time on each of two threads; made once, the threads share the listing (about
 * 22 µs each).
 *
 * <p>A batch of a data set whose rows are listed and kept ({@link SparseRows}) comes from that listing
 * instead ({@link #of(SparseRows, SparseInput)}): its rows are the kept lists as they stand, and each
 * thread of the weight gradient lists the columns itself from them ({@link #byColumn(int)}).
 *
 * <p>It exists only where {@link SparseGemm}'s paths run for both products (AVX-512) and the input is
 * at most {@link SparseGemm#MAX_DENSITY} non-zero; {@link #of(float[], int, int, int, SparseInput)} and
 * {@link #of(SparseRows, SparseInput)} are empty otherwise, and the caller uses the dense input as before. Results are bit-identical to the dense products'. The input array
 * is read again only by a weight gradient that accumulates into a gradient that is not zero (the
 * dense kernel then runs), so it must not change while this listing is in use, as a tensor saved for
 * backward must not.
 */
public final class SparseInput {

    private final int rows;
    private final int cols;
    /** The rows' listing: {@link #listed}'s, or a kept listing's view. */
    private NonZeros byRow;
    /** This input's own listing of its rows, when listed from a dense batch (reused from batch to batch). */
    private final NonZeros listed;
    /** Row p of this listing is column p of the input. */
    private final NonZeros byColumn;
    /** The batch's rows of a kept listing ({@link #of(SparseRows, SparseInput)}), or null when listed from a dense batch. */
    private SparseRows kept;
    /**
     * With a kept listing, each task's own listing by columns, made by {@link #byColumn(int)} on the
     * task's thread from the rows (see there); {@code columnsOf[t]} is current when {@code columnsMade[t]}.
     */
    private NonZeros[] columnsOf = new NonZeros[0];
    private boolean[] columnsMade = new boolean[0];
    private float[] data;
    private int off;
    /** With a kept listing, the dense input made from it for the dense kernel's fallback (reused). */
    private float[] dense = new float[0];
    /** Each listing thread's stamps of the column blocks its rows use (reused with the buffers). */
    private int[][] marks = new int[0][];

    private SparseInput(int rows, int cols) {
        this.rows = rows;
        this.cols = cols;
        this.listed = new NonZeros(rows, 0);
        this.byRow = listed;
        this.byColumn = new NonZeros(cols, 0);
    }

    /**
     * The [rows, cols] matrix at {@code x[off]} (row-major, dense) listed by its non-zeros on all kernel
     * threads, or empty when the kernels would not use the listing (no AVX-512, too large) or more
     * than {@link SparseGemm#MAX_DENSITY} of it is non-zero.
     *
     * @param recycle a listing no longer in use whose buffers may be reused (the previous batch's), or null
     */
    public static Optional<SparseInput> of(float[] x, int off, int rows, int cols, SparseInput recycle) {
        // The scalar kernels first: VectorKernels must not load without the Vector API.
        if (KernelProvider.kernels() == KernelProvider.scalar() || !VectorKernels.sparseBoth(rows) || rows == 0 || cols == 0 || (long) rows * cols > SparseGemm.MAX_KEPT) {
            return Optional.empty();
        }
        SparseInput s = recycle != null && recycle.rows == rows && recycle.cols == cols ? recycle : new SparseInput(rows, cols);
        return s.list(x, off) ? Optional.of(s) : Optional.empty();
    }

    /**
     * A batch whose rows are a kept listing's ({@link SparseRows#select}): no dense batch is read or
     * listed. Its rows are the listing's, as they stand; its columns are listed by each task that reads
     * them, on that task's own thread ({@link #byColumn(int)}). Empty when the kernels would not use it
     * (as {@link #of(float[], int, int, int, SparseInput)}) or more than {@link SparseGemm#MAX_DENSITY} of
     * the batch is non-zero.
     *
     * @param recycle a listing no longer in use whose buffers may be reused (the previous batch's), or null
     */
    public static Optional<SparseInput> of(SparseRows batch, SparseInput recycle) {
        int rows = batch.rows(), cols = batch.cols();
        if (KernelProvider.kernels() == KernelProvider.scalar() || !VectorKernels.sparseBoth(rows) || rows == 0 || cols == 0
                || (long) rows * cols > SparseGemm.MAX_KEPT || batch.nonZeros() > SparseGemm.MAX_DENSITY * rows * cols) {
            return Optional.empty();
        }
        SparseInput s = recycle != null && recycle.rows == rows && recycle.cols == cols ? recycle : new SparseInput(rows, cols);
        s.kept = batch;
        s.byRow = batch.rows;
        batch.usedInto(s.byRow);
        int tasks = Parallel.threads();
        if (s.columnsOf.length < tasks) {
            s.columnsOf = java.util.Arrays.copyOf(s.columnsOf, tasks);
            s.columnsMade = new boolean[tasks];
        }
        java.util.Arrays.fill(s.columnsMade, false);
        s.data = null;
        s.off = 0;
        return Optional.of(s);
    }

    /** Lists the input's rows and columns, each thread a share of both; false when it is too dense. */
    private boolean list(float[] x, int off) {
        kept = null;
        byRow = listed;
        int tasks = Math.min(Parallel.threads(), rows);
        int budget = (int) (SparseGemm.MAX_DENSITY * rows * cols);
        // Each share may hold the whole budget (plus a vector of slack): shares are listed at once.
        int region = budget + NonZeros.lanes();
        byRow.ensure(rows, region * tasks);
        byColumn.ensure(cols, region * tasks);
        int blocks = Math.ceilDiv(cols, NonZeros.lanes());
        if (marks.length < tasks) {
            marks = new int[tasks][blocks];
        }
        for (int t = 0; t < tasks; t++) {
            java.util.Arrays.fill(marks[t], 0);
        }
        int[] rowCuts = Gemm.cuts(rows, tasks, 1), colCuts = Gemm.cuts(cols, tasks, NonZeros.lanes());
        int[] counts = new int[tasks];
        int[][] marks = this.marks;
        Parallel.run(tasks, t -> {
            int r = byRow.list(rowCuts[t], rowCuts[t + 1], cols, x, off, cols, t * region, (t + 1) * region, marks[t], 1);
            int c = r < 0 ? -1 : SparseGemm.listColumns(rows, colCuts[t], colCuts[t + 1], x, off, cols, byColumn, t * region, (t + 1) * region);
            counts[t] = r < 0 || c < 0 ? -1 : r - t * region;
        });
        long total = 0;
        for (int t = 0; t < tasks; t++) {
            if (counts[t] < 0) {
                return false;
            }
            total += counts[t];
        }
        if (total > budget) {
            return false;
        }
        int[] mark = marks[0];
        for (int t = 1; t < tasks; t++) {
            for (int b = 0; b < blocks; b++) {
                mark[b] |= marks[t][b];
            }
        }
        byRow.usedFrom(mark, 1, blocks);
        this.data = x;
        this.off = off;
        return true;
    }

    /** The number of rows (examples). */
    public int rows() {
        return rows;
    }

    /** The number of columns (features). */
    public int cols() {
        return cols;
    }

    NonZeros byRow() {
        return byRow;
    }

    /**
     * The input's columns listed (row p of the result is column p), for task {@code task} of a
     * product. Listed from a dense batch, one listing that all tasks share. From a kept listing, each
     * task lists the columns itself from the rows, on its own thread, the first time it asks: the two
     * threads then share no written memory (with the VM's two vCPUs on distant cores, every line one
     * core writes and the other reads costs a ~300 ns round trip), and no hand-off is spent on it.
     */
    NonZeros byColumn(int task) {
        if (kept == null) {
            return byColumn;
        }
        if (task >= columnsOf.length) {
            // More tasks than threads when listed (the thread count changed since): list without keeping.
            NonZeros c = new NonZeros(cols, 0);
            c.columnsOf(byRow, rows, cols);
            return c;
        }
        if (!columnsMade[task]) {
            if (columnsOf[task] == null) {
                columnsOf[task] = new NonZeros(cols, 0);
            }
            columnsOf[task].columnsOf(byRow, rows, cols);
            columnsMade[task] = true;
        }
        return columnsOf[task];
    }

    /**
     * The dense input this lists (for the dense kernel's fallback). From a kept listing, made from it
     * on first use (by whichever thread asks first; the others wait for it).
     */
    float[] data() {
        if (kept != null) {
            synchronized (this) {
                if (data == null) {
                    if (dense.length != rows * cols) {
                        dense = new float[rows * cols];
                    } else {
                        java.util.Arrays.fill(dense, 0f);
                    }
                    for (int r = 0; r < rows; r++) {
                        kept.scatterRow(r, dense, r * cols);
                    }
                    data = dense;
                }
            }
        }
        return data;
    }

    int offset() {
        return off;
    }

    /** The number of non-zero elements. */
    public int nonZeros() {
        int n = 0;
        for (int r = 0; r < rows; r++) {
            n += byRow.end[r] - byRow.start[r];
        }
        return n;
    }

    @Override
    public String toString() {
        return "SparseInput[" + rows + "×" + cols + ", " + nonZeros() + " non-zeros]";
    }
}
