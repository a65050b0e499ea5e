package dev.descent.tensor.kernel;

import java.util.Optional;

/**
 * The rows of a matrix — a data set's examples — listed once by their non-zero elements and kept,
 * so that a batch of them can enter a first layer as a {@link SparseInput} without being copied into
 * a dense batch and listed again at every step ({@link SparseInput#of(SparseRows, SparseInput)}).
 *
 * <p>A whole data set's listing ({@link #of}) holds each row's non-zeros in column order, the same
 * values and order a per-batch listing would find, so that products computed from it are bit-identical
 * to the dense kernels' (and to products from a dense batch). {@link #select} picks a batch's rows: a
 * view sharing the listing's arrays. Each row also keeps a bit set of the {@link NonZeros#lanes()}-wide
 * blocks of columns it uses, whose union is what the forward transposes of the weight.
 *
 * <p>Made only where the kernels list batches (AVX-512, {@link VectorKernels#sparseBoth}) and at most
 * {@link SparseGemm#MAX_DENSITY} of the matrix is non-zero: MNIST's 60,000 training images (19%
 * non-zero) list into 8,994,156 non-zeros, 72 MB beside the 188 MB of the dense images.
 */
public final class SparseRows {

    private final int cols;
    /** The non-zeros: row r's are {@code value[q]} at column {@code index[q]}, q in [start[r], end[r]). */
    final NonZeros rows;
    /** Row r's blocks of columns in use: bit b of {@code blocks[r·words + b/64]} for block b. */
    private final long[] blocks;
    private final int words;
    private final int count;

    private SparseRows(int count, int cols, NonZeros rows, long[] blocks) {
        this.count = count;
        this.cols = cols;
        this.rows = rows;
        this.blocks = blocks;
        this.words = words(cols);
    }

    private static int words(int cols) {
        return Math.ceilDiv(Math.ceilDiv(cols, NonZeros.lanes()), 64);
    }

    /**
     * The [rows, cols] matrix at {@code x[off]} (row-major) listed by rows on all kernel threads, or
     * empty when the kernels would not use a listing (no AVX-512) or more than
     * {@link SparseGemm#MAX_DENSITY} of it is non-zero (counted first; nothing more is allocated then).
     * The matrix must not change while the listing is in use.
     */
    public static Optional<SparseRows> of(float[] x, int off, int rows, int cols) {
        if (rows < 0 || cols < 0 || off < 0 || (long) off + (long) rows * cols > x.length) {
            throw new IllegalArgumentException("SparseRows: " + rows + "×" + cols + " at " + off + " does not fit in " + x.length + " floats");
        }
        if (KernelProvider.kernels() == KernelProvider.scalar() || !VectorKernels.sparseBoth(1) || rows == 0 || cols == 0) {
            return Optional.empty();
        }
        int tasks = Math.min(Parallel.threads(), rows);
        int[] cuts = Gemm.cuts(rows, tasks, 1);
        long[] counts = new long[tasks];
        Parallel.run(tasks, t -> counts[t] = countNonZeros(x, off, cuts[t], cuts[t + 1], cols));
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        // A compressed store writes whole vectors: L slots past each share's last non-zero.
        long capacity = total + (long) tasks * NonZeros.lanes();
        if (total > SparseGemm.MAX_DENSITY * rows * cols || capacity > Integer.MAX_VALUE - 16) {
            return Optional.empty();
        }
        NonZeros list = new NonZeros(rows, (int) capacity);
        int words = words(cols);
        long[] blocks = new long[Math.multiplyExact(rows, words)];
        int[] from = new int[tasks + 1];
        for (int t = 0; t < tasks; t++) {
            from[t + 1] = (int) (from[t] + counts[t] + NonZeros.lanes());
        }
        Parallel.run(tasks, t -> {
            list.list(cuts[t], cuts[t + 1], cols, x, off, cols, from[t], from[t + 1], null, 0);
            for (int r = cuts[t]; r < cuts[t + 1]; r++) {
                for (int q = list.start[r]; q < list.end[r]; q++) {
                    int b = list.index[q] / NonZeros.lanes();
                    blocks[r * words + (b >>> 6)] |= 1L << b;
                }
            }
        });
        return Optional.of(new SparseRows(rows, cols, list, blocks));
    }

    private static long countNonZeros(float[] x, int off, int r0, int r1, int cols) {
        long n = 0;
        for (int i = off + r0 * cols, end = off + r1 * cols; i < end; i++) {
            n += x[i] != 0f ? 1 : 0;
        }
        return n;
    }

    /**
     * Rows {@code indices[from .. from + n)} of this listing, in that order: a view that shares its
     * arrays (nothing is copied but two ints and the block bits per row).
     *
     * @param recycle a view no longer in use, of as many rows, whose arrays may be reused (or null)
     * @throws IndexOutOfBoundsException if an index is outside this listing
     */
    public SparseRows select(int[] indices, int from, int n, SparseRows recycle) {
        SparseRows v = recycle != null && recycle.count == n && recycle.cols == cols && recycle.rows.index == rows.index
                ? recycle
                : new SparseRows(n, cols, view(n), new long[n * words]);
        for (int i = 0; i < n; i++) {
            int r = java.util.Objects.checkIndex(indices[from + i], count);
            v.rows.start[i] = rows.start[r];
            v.rows.end[i] = rows.end[r];
            System.arraycopy(blocks, r * words, v.blocks, i * words, words);
        }
        return v;
    }

    /** A NonZeros over {@code n} rows that reads this listing's index and value arrays. */
    private NonZeros view(int n) {
        NonZeros v = new NonZeros(n, 0);
        v.index = rows.index;
        v.value = rows.value;
        return v;
    }

    /** The number of rows. */
    public int rows() {
        return count;
    }

    /** The number of columns. */
    public int cols() {
        return cols;
    }

    /** The number of non-zero elements. */
    public long nonZeros() {
        long n = 0;
        for (int r = 0; r < count; r++) {
            n += rows.end[r] - rows.start[r];
        }
        return n;
    }

    /** Sets {@code into}'s used blocks to the union of this listing's rows' blocks. */
    void usedInto(NonZeros into) {
        int blockCount = Math.ceilDiv(cols, NonZeros.lanes());
        if (into.used.length < blockCount) {
            into.used = new int[blockCount];
        }
        int n = 0;
        for (int w = 0; w < words; w++) {
            long union = 0;
            for (int r = 0; r < count; r++) {
                union |= blocks[r * words + w];
            }
            while (union != 0) {
                into.used[n++] = (w * 64 + Long.numberOfTrailingZeros(union)) * NonZeros.lanes();
                union &= union - 1;
            }
        }
        into.usedCount = n;
    }

    /** Writes row r's values into the dense row at {@code out[o .. o + cols)} (zeros elsewhere are the caller's). */
    void scatterRow(int r, float[] out, int o) {
        for (int q = rows.start[r]; q < rows.end[r]; q++) {
            out[o + rows.index[q]] = rows.value[q];
        }
    }

    @Override
    public String toString() {
        return "SparseRows[" + count + "×" + cols + ", " + nonZeros() + " non-zeros]";
    }
}
