package dev.descent.tensor.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The non-zero elements of a matrix's rows, as {@link SparseGemm}'s passes read them: row r's are
 * {@code value[q]} at column {@code index[q]} for q in [start[r], end[r]), in column order. Rows may
 * be listed in separate regions of the arrays (each thread of {@link SparseInput#of} lists its own
 * rows into its own region), hence an end per row. Also kept: the L-wide blocks of columns that some
 * row uses ({@code used}, their first column, ascending), the only ones the forward transposes.
 * Buffers are reused from one listing to the next.
 */
final class NonZeros {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());
    private static final IntVector IOTA = (IntVector) I.iotaShuffle(0, 1, false).toVector();
    /** One compress per vector (AVX-512's vcompressps) rather than lane by lane; AVX2 has no such instruction. */
    private static final boolean COMPRESS = L == 16;
    /** Ints or floats in a 64-byte cache line. */
    private static final int LINE = 16;

    /** The vector width in floats: listings work in blocks of it. */
    static int lanes() {
        return L;
    }

    int[] start;
    int[] end;
    int[] index;
    float[] value;
    int[] used = new int[0];
    int usedCount;

    NonZeros(int rows, int capacity) {
        start = new int[rows];
        end = new int[rows];
        index = new int[capacity];
        value = new float[capacity];
    }

    /** Room for {@code rows} rows and {@code capacity} non-zeros (contents not kept). */
    void ensure(int rows, int capacity) {
        if (start.length < rows) {
            start = new int[rows];
            end = new int[rows];
        }
        if (index.length < capacity) {
            index = new int[capacity];
            value = new float[capacity];
        }
    }

    /**
     * Lists rows [r0, r1) of A (row r at {@code aOff + r·lda}, k columns) from position {@code at},
     * stamping each L-wide block of columns a row uses in {@code mark} (when not null); returns the
     * position after the last, or −1, having stopped, when they would pass {@code limit} (a compressed
     * store writes whole vectors, so L positions past the last non-zero must fit too).
     */
    int list(int r0, int r1, int k, float[] a, int aOff, int lda, int at, int limit, int[] mark, int stamp) {
        int nnz = at;
        FloatVector zero = FloatVector.zero(S);
        for (int r = r0; r < r1; r++) {
            start[r] = nnz;
            int off = aOff + r * lda, p = 0;
            for (int bound = S.loopBound(k); p < bound; p += L) {
                if (nnz + L > limit) {
                    return -1;
                }
                FloatVector v = FloatVector.fromArray(S, a, off + p);
                VectorMask<Float> nonZero = v.compare(VectorOperators.NE, zero);
                if (COMPRESS) {
                    // Stored whether or not any lane is non-zero: on images about half of the blocks are
                    // empty, and a branch on it would be mispredicted as often.
                    int count = nonZero.trueCount();
                    v.compress(nonZero).intoArray(value, nnz);
                    IOTA.add(p).compress(nonZero.cast(I)).intoArray(index, nnz);
                    if (mark != null && count != 0) {
                        mark[p / L] = stamp;
                    }
                    nnz += count;
                } else {
                    long bits = nonZero.toLong();
                    if (bits != 0 && mark != null) {
                        mark[p / L] = stamp;
                    }
                    while (bits != 0) {
                        int q = p + Long.numberOfTrailingZeros(bits);
                        bits &= bits - 1;
                        index[nnz] = q;
                        value[nnz++] = a[off + q];
                    }
                }
            }
            for (; p < k; p++) {
                float v = a[off + p];
                if (v != 0f) {
                    if (nnz + 1 > limit) {
                        return -1;
                    }
                    index[nnz] = p;
                    value[nnz++] = v;
                    if (mark != null) {
                        mark[p / L] = stamp;
                    }
                }
            }
            end[r] = nnz;
        }
        return nnz;
    }

    /**
     * Lists the columns of the {@code rows}×{@code cols} matrix that {@code byRow} lists by rows: row p
     * of this listing becomes column p of that matrix, its non-zeros in row order (a counting sort:
     * the same lists {@link #list} makes from the matrix's columns, without reading the matrix).
     */
    void columnsOf(NonZeros byRow, int rows, int cols) {
        columnsOf(byRow, rows, cols, 0, cols);
    }

    /** Sets {@code used} to the blocks of {@code blocks} stamped in {@code mark}. */
    void usedFrom(int[] mark, int stamp, int blocks) {
        if (used.length < blocks) {
            used = new int[blocks];
        }
        usedCount = 0;
        for (int blk = 0; blk < blocks; blk++) {
            if (mark[blk] == stamp) {
                used[usedCount++] = blk * L;
            }
        }
    }

    /**
     * Reads one element of every cache line of rows [0, m)'s lists and returns a sum of what it read
     * (for the caller to keep, so that the compiler cannot drop the loads): a pass over the rows that
     * would otherwise wait on each row's first lines in turn starts with them in cache (see
     * {@link SparseGemm}'s forward, which touches first).
     */
    int touch(int m) {
        int sum = 0;
        for (int i = 0; i < m; i++) {
            int lo = start[i], hi = end[i];
            for (int q = lo; q < hi; q += LINE) {
                sum += index[q] + Float.floatToRawIntBits(value[q]);
            }
            if (hi > lo) {
                sum += index[hi - 1] + Float.floatToRawIntBits(value[hi - 1]);
            }
        }
        return sum;
    }

    /**
     * The first position q in [lo, hi) of a row's list whose column is at least {@code column} (hi when
     * none is): the row's columns are ascending.
     */
    int lowerBound(int lo, int hi, int column) {
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (index[mid] < column) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * Lists columns [c0, c1) of the {@code rows}×{@code columns} matrix that {@code byRow} lists by rows: row
     * p − c0 of this listing becomes column p, its non-zeros in row order ({@link #columnsOf} on a
     * band of columns, each row's part of the band found by {@link #lowerBound}).
     */
    void columnsOf(NonZeros byRow, int rows, int columns, int c0, int c1) {
        int cols = c1 - c0, total = 0;
        for (int r = 0; r < rows; r++) {
            total += byRow.end[r] - byRow.start[r];
        }
        ensure(cols, total);
        int[] cursor = end, idx = byRow.index;
        java.util.Arrays.fill(cursor, 0, cols, 0);
        for (int r = 0; r < rows; r++) {
            for (int q = byRow.first(r, c0), hi = byRow.before(r, c1, columns); q < hi; q++) {
                cursor[idx[q] - c0]++;
            }
        }
        for (int p = 0, at = 0; p < cols; p++) {
            start[p] = at;
            at += cursor[p];
            cursor[p] = start[p];
        }
        float[] val = byRow.value;
        for (int r = 0; r < rows; r++) {
            for (int q = byRow.first(r, c0), hi = byRow.before(r, c1, columns); q < hi; q++) {
                int at = cursor[idx[q] - c0]++;
                index[at] = r;
                value[at] = val[q];
            }
        }
    }

    /** The first position of row r's list at or past column c (its start when c is 0). */
    int first(int r, int c) {
        return c == 0 ? start[r] : lowerBound(start[r], end[r], c);
    }

    /** The position after row r's last non-zero before column c (its end when c is the matrix's column count). */
    int before(int r, int c, int columns) {
        return c >= columns ? end[r] : lowerBound(start[r], end[r], c);
    }

    /** Whether rows [r0, r1) have no non-zero. */
    boolean empty(int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            if (end[r] != start[r]) {
                return false;
            }
        }
        return true;
    }
}
