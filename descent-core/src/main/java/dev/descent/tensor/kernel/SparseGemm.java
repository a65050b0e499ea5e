package dev.descent.tensor.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The two products of a linear layer that meet a sparse input — its forward {@code C += A·Bᵀ} with A
 * the input, and its weight gradient {@code C = Aᵀ·B} with B the input — computed on the input's
 * non-zero elements only, vectorized over the layer's outputs.
 *
 * <p>The dense kernels skip a k step only when a whole packed panel is zero there (32 images, or 48
 * pixels of one image): on MNIST, 81% of whose pixels are zero, they still do 58% and 70% of the
 * multiply-adds. Listing each row's non-zeros (CSR for the forward, CSC for the gradient) leaves 19%.
 * The price is a transposing copy: the forward needs Bᵀ (the layer's weight as [in, out], copied only
 * for the k steps some row uses), and the gradient, computed as columns of C, is written back through a
 * small tile. Each path measures the sparse operand first and declines (returns false, having written
 * nothing) when more than {@link #MAX_DENSITY} of it is non-zero; the caller then runs the dense kernel.
 * An input met by both products can come listed already ({@link SparseInput}, through
 * {@link Gemm#nt(SparseInput, int, float[], int, float[], int, boolean)} and
 * {@link Gemm#tnByRows(int, float[], int, SparseInput, float[], int, boolean)}): the same passes then
 * read the shared lists ({@link NonZeros}) instead of each thread listing the input itself.
 *
 * <p>Every element of C gets the same FMAs, in the same k order, as the dense kernels give it with
 * their zero steps skipped, so results are bit-identical to theirs (and to a plain {@link Math#fma}
 * loop, with {@link VectorKernels#dropZeroRows}'s caveats on −0 and on NaN meeting a skipped zero).
 * The gradient path runs only when C starts at zero (a fresh gradient): starting from other values would
 * need C transposed in as well as out, and the dense kernel is then used.
 *
 * <p>The passes read the dense operand's copy a vector per non-zero, from a table kept off the heap on
 * a 64-byte boundary ({@link Scratch#table}): a heap array's alignment is the JVM's choice, different from
 * run to run, and a vector read across two cache lines costs two. JMH, one thread, MNIST rows,
 * 2026-11-30, AVX-512, alternating runs of the heap and the table versions: forward 64×784→200
 * 127–149 → 117–119 µs (the heap version's spread is its alignment), weight gradient 200×784 over
 * 64 rows 137–156 → 139–141 µs (docs/PERFORMANCE.md, section 16).
 *
 * <p>{@link VectorKernels} takes these paths with AVX-512, and with AVX2 the forward of more than 128
 * rows ({@link VectorKernels#SPARSE}, {@link VectorKernels#sparseForward}). JMH, one
 * thread, MNIST rows, 2026-11-30, AVX-512: forward 64×784→200 170–190 → 129–160 µs, 512 rows 1,843–1,908
 * → 998–1,022 µs; weight gradient 200×784 over 256 rows 630–638 → 556–566 µs, over 1,024 rows
 * 2,594–2,896 → 2,406–2,561 µs, over 64 rows about level (166–179 → 152–175; docs/PERFORMANCE.md,
 * section 10).
 */
final class SparseGemm {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /**
     * The largest fraction of non-zero elements of the sparse operand for which the sparse path runs.
     * Each of its multiply-adds loads a vector (the dense kernel's reuse three loads for twelve), so it
     * pays when far fewer remain: MNIST's images are 19% non-zero; ReLU activations, about half.
     */
    static final double MAX_DENSITY = 0.3;

    /**
     * Sparse operands of more than this many elements take the dense kernels (their lists would be
     * megabytes a thread); a transposed copy larger than this is allocated per call rather than kept.
     */
    static final int MAX_KEPT = 1 << 20;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private SparseGemm() {
    }

    /**
     * {@code C[m,n] += A[m,k]·B[n,k]ᵀ} (row strides lda, ldb, ldc) when A is sparse enough; returns
     * false, having changed nothing, when it is not.
     */
    static boolean nt(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float[] c, int cOff, int ldc) {
        if (!sparse(a, aOff, lda, m, k)) {
            return false;
        }
        Scratch s = SCRATCH.get();
        s.rows(m, k, a, aOff, lda);
        nt(m, n, k, s.lists, b, bOff, ldb, c, cOff, ldc);
        return true;
    }

    /**
     * The NT products' table: B's columns that A's rows 0 to m − 1 use, transposed into rows of
     * {@code w} floats (the rest of the table is not written and never read).
     */
    private static MemorySegment usedRowsOfB(Scratch s, int m, int n, int k, NonZeros a, float[] b, int bOff, int ldb, int w) {
        MemorySegment table = s.table(k * w);
        s.touch(a, m);
        transposeUsed(b, bOff, ldb, n, k, a.used, a.usedCount, table, w);
        return table;
    }

    /** {@code C[m,n] += A[m,k]·B[n,k]ᵀ} with A's rows listed (rows 0 to m − 1 of {@code a}). */
    static void nt(int m, int n, int k, NonZeros a, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        nt(m, n, k, a, b, bOff, ldb, c, cOff, ldc, null, 0);
    }

    /**
     * As {@link #nt(int, int, int, NonZeros, float[], int, int, float[], int, int)}, but with every row
     * of C starting from {@code startRow[startOff .. + n)} instead of C's own row when {@code startRow}
     * is not null (C is then only written): {@code C = A·Bᵀ + startRow} for a bias.
     */
    static void nt(int m, int n, int k, NonZeros a, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
                   float[] startRow, int startOff) {
        Scratch s = SCRATCH.get();
        int vectors = Math.ceilDiv(n, L), w = vectors * L;
        MemorySegment table = usedRowsOfB(s, m, n, k, a, b, bOff, ldb, w);
        float[] row = s.row(w);
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc, lo = a.start[i], hi = a.end[i];
            if (startRow != null) {
                System.arraycopy(startRow, startOff, row, 0, n);
            } else {
                System.arraycopy(c, ci, row, 0, n);
            }
            for (int v0 = 0, cv; v0 < vectors; v0 += cv) {
                cv = chunk(vectors - v0);
                accumulate(cv, false, a.index, a.value, lo, hi, table, w, v0 * L, row, 0);
            }
            System.arraycopy(row, 0, c, ci, n);
        }
    }

    /**
     * The product of {@link #nt(int, int, int, NonZeros, float[], int, int, float[], int, int)} in two
     * bands of A's columns, each from zero: {@code C₀ = A[:, 0:band)·B[:, 0:band)ᵀ} and
     * {@code C₁ = A[:, band:k)·B[:, band:k)ᵀ} (C₀ and C₁ written, not read). Each element of each band
     * is the FMA chain {@link InputMajor#forward} computes for it from the weight stored input-major, so
     * a step gives the same bits whichever layout its weight is in.
     */
    static void ntBands(int m, int n, int k, NonZeros a, float[] b, int bOff, int ldb, int band, float[] c0, float[] c1, int cOff, int ldc) {
        Scratch s = SCRATCH.get();
        int vectors = Math.ceilDiv(n, L), w = vectors * L;
        MemorySegment table = usedRowsOfB(s, m, n, k, a, b, bOff, ldb, w);
        float[] row = s.row(w);
        for (int i = 0; i < m; i++) {
            int lo = a.start[i], mid = a.before(i, band, k), hi = a.end[i], ci = cOff + i * ldc;
            for (int part = 0; part < 2; part++) {
                for (int v0 = 0, cv; v0 < vectors; v0 += cv) {
                    cv = chunk(vectors - v0);
                    accumulate(cv, true, a.index, a.value, part == 0 ? lo : mid, part == 0 ? mid : hi, table, w, v0 * L, row, 0);
                }
                System.arraycopy(row, 0, part == 0 ? c0 : c1, ci, n);
            }
        }
    }

    /**
     * {@code C[m,n] += A[k,m]ᵀ·B[k,n]} (A(i, p) = a[aOff + p·lda + i]) when C is zero and B sparse
     * enough; returns false, having changed nothing, otherwise. {@code cZero} says the caller knows C
     * to be zero; else it is checked.
     */
    static boolean tn(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float[] c, int cOff, int ldc, boolean cZero) {
        if (!cZero && !isZero(c, cOff, ldc, m, n)) {
            return false;
        }
        if (!sparse(b, bOff, ldb, k, n)) {
            return false;
        }
        Scratch s = SCRATCH.get();
        s.columns(k, n, b, bOff, ldb);
        tn(m, n, k, a, aOff, lda, s.lists, c, cOff, ldc);
        return true;
    }

    /**
     * {@code C[m,n] = A[k,m]ᵀ·B[k,n]} with C zero on entry and B's columns listed ({@code b}'s row p
     * holding column p: Bᵀ's rows).
     */
    static void tn(int m, int n, int k, float[] a, int aOff, int lda, NonZeros b, float[] c, int cOff, int ldc) {
        tn(m, n, k, a, aOff, lda, b, c, cOff, ldc, 0, 0, 0, 0, 0);
    }

    /**
     * As {@link #tn(int, int, int, float[], int, int, NonZeros, float[], int, int)}, and also the
     * {@code tailM} rows of C at {@code tailC} (zero on entry) from A's columns at {@code tailA}, for
     * C's columns [tailFrom, tailTo) only (multiples of the vector length, or n): the odd vector of rows
     * that two threads share by columns ({@link Gemm#tnByRows(int, float[], int, SparseInput, float[],
     * int, boolean)}). Each column's non-zeros are read once for its rows and the tail.
     */
    static void tn(int m, int n, int k, float[] a, int aOff, int lda, NonZeros b, float[] c, int cOff, int ldc,
                   int tailA, int tailC, int tailM, int tailFrom, int tailTo) {
        Scratch s = SCRATCH.get();
        int own = Math.ceilDiv(m, L), tail = Math.ceilDiv(tailM, L), ownW = own * L, w = ownW + tail * L;
        // A's rows, each padded to whole vectors, so that no load reads past the part of a row this call owns.
        MemorySegment ap = s.table(k * w);
        for (int p = 0; p < k; p++) {
            MemorySegment.copy(a, aOff + p * lda, ap, ValueLayout.JAVA_FLOAT, 4L * p * w, m);
            zero(ap, p * w + m, p * w + ownW);
            if (tail > 0) {
                MemorySegment.copy(a, tailA + p * lda, ap, ValueLayout.JAVA_FLOAT, 4L * (p * w + ownW), tailM);
                zero(ap, p * w + ownW + tailM, (p + 1) * w);
            }
        }
        float[] tile = s.row(L * w);
        for (int p0 = 0; p0 < n; p0 += L) {
            int width = Math.min(L, n - p0);
            if (b.empty(p0, p0 + width)) {
                continue;   // no non-zero in these columns of B: C stays zero there
            }
            boolean withTail = tail > 0 && p0 >= tailFrom && p0 < tailTo;
            int vectors = withTail ? own + tail : own;
            for (int pp = 0; pp < width; pp++) {
                int lo = b.start[p0 + pp], hi = b.end[p0 + pp], t = pp * w;
                for (int v0 = 0, cv; v0 < vectors; v0 += cv) {
                    cv = chunk(vectors - v0);
                    accumulate(cv, true, b.index, b.value, lo, hi, ap, w, v0 * L, tile, t);
                }
            }
            writeColumns(tile, 0, w, m, width, c, cOff + p0, ldc);
            if (withTail) {
                writeColumns(tile, ownW, w, tailM, width, c, tailC + p0, ldc);
            }
        }
    }

    /**
     * C[i, p] = tile[p·w + col + i] for the {@code rows} rows and {@code width} columns of C at
     * {@code cOff}: a tile of columns written back as rows.
     */
    private static void writeColumns(float[] tile, int col, int w, int rows, int width, float[] c, int cOff, int ldc) {
        if (width == L && VECTOR_TRANSPOSE) {
            for (int i0 = 0; i0 < rows; i0 += L) {
                transposeBlock(tile, col + i0, w, L, c, cOff + i0 * ldc, ldc, Math.min(L, rows - i0));
            }
        } else {
            for (int i = 0; i < rows; i++) {
                int ci = cOff + i * ldc;
                for (int pp = 0, t = col + i; pp < width; pp++, t += w) {
                    c[ci + pp] = tile[t];
                }
            }
        }
    }

    /**
     * Lists columns [c0, c1) of B [k, ·] (c0 a multiple of L) into {@code into}'s rows c0 to c1 − 1,
     * from position {@code at}: {@link NonZeros#list} on those columns transposed.
     */
    static int listColumns(int k, int c0, int c1, float[] b, int bOff, int ldb, NonZeros into, int at, int limit) {
        Scratch s = SCRATCH.get();
        int kw = s.transposeColumns(k, c0, c1, b, bOff, ldb);
        return into.list(c0, c1, kw, s.xt, -c0 * kw, kw, at, limit, null, 0);
    }

    /**
     * Whether at most {@link #MAX_DENSITY} of the [rows, cols] matrix at {@code off} (row stride ld) is
     * non-zero, and no prefix of its rows more than 1.5 times that (and it has at most
     * {@link #MAX_KEPT} elements): a count that stops once past
     * either, so that a dense operand costs a row or so of reading. Either answer gives the same
     * results; it only picks the faster path.
     */
    static boolean sparse(float[] x, int off, int ld, int rows, int cols) {
        if ((long) rows * cols > MAX_KEPT) {
            return false;
        }
        int budget = (int) (MAX_DENSITY * rows * cols), nnz = 0;
        FloatVector zero = FloatVector.zero(S);
        for (int r = 0; r < rows; r++) {
            int o = off + r * ld, j = 0;
            for (int bound = S.loopBound(cols); j < bound; j += L) {
                nnz += FloatVector.fromArray(S, x, o + j).compare(VectorOperators.NE, zero).trueCount();
            }
            for (; j < cols; j++) {
                nnz += x[o + j] != 0f ? 1 : 0;
            }
            // A running count well past its share of the budget ends the count early: ReLU activations
            // (about half non-zero) are told apart after a row, rather than after most of the matrix.
            if (nnz > budget || nnz > 1.5 * MAX_DENSITY * (r + 1) * cols) {
                return false;
            }
        }
        return true;
    }

    static boolean isZero(float[] c, int cOff, int ldc, int m, int n) {
        FloatVector zero = FloatVector.zero(S);
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc, j = 0;
            for (int bound = S.loopBound(n); j < bound; j += L) {
                if (FloatVector.fromArray(S, c, ci + j).compare(VectorOperators.NE, zero).anyTrue()) {
                    return false;
                }
            }
            for (; j < n; j++) {
                if (c[ci + j] != 0f) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * How many vectors of outputs the next pass over a row's non-zeros keeps in registers: at most
     * {@link #MAX_CHUNK}, the passes as even as they can be (13 vectors: 7 and 6), since each pass
     * reloads the non-zeros and a pass of few vectors has too few FMA chains to cover the latency.
     */
    static int chunk(int left) {
        return Math.ceilDiv(left, Math.ceilDiv(left, MAX_CHUNK));
    }

    /** Accumulators per pass: 8 of AVX-512's 32 vector registers, or of AVX2's 16 (with a broadcast and a load beside them). */
    private static final int MAX_CHUNK = 8;

    /**
     * Bt[p, j] = B[j, p] for j < n and the k steps p of the L-wide blocks listed in {@code used}; Bt's
     * rows are {@code w} wide, the padding zero.
     */
    private static void transposeUsed(float[] b, int bOff, int ldb, int n, int k, int[] used, int usedCount, MemorySegment bt, int w) {
        for (int j0 = 0; j0 < n; j0 += L) {
            int rows = Math.min(L, n - j0), base = bOff + j0 * ldb;
            for (int u = 0; u < usedCount; u++) {
                int p0 = used[u], width = Math.min(L, k - p0);
                if (width == L && VECTOR_TRANSPOSE) {
                    transpose16(b, base + p0, ldb, rows, null, bt, p0 * w + j0, w, L);
                } else {
                    for (int pp = 0; pp < width; pp++) {
                        for (int jj = 0, dst = (p0 + pp) * w + j0; jj < L; jj++) {
                            bt.setAtIndex(ValueLayout.JAVA_FLOAT, dst + jj, jj < rows ? b[base + jj * ldb + p0 + pp] : 0f);
                        }
                    }
                }
            }
        }
    }

    /** Lane indexes of the transpose's stages (distance L/2, L/4, …, 1): row i's new lanes, and row i + d's, from the pair (row i, row i + d). */
    private static final FloatVector[] LOW, HIGH;

    static {
        int stages = Integer.numberOfTrailingZeros(L);
        LOW = new FloatVector[stages];
        HIGH = new FloatVector[stages];
        for (int st = 0, d = L / 2; st < stages; st++, d /= 2) {
            float[] lo = new float[L], hi = new float[L];
            for (int l = 0; l < L; l++) {
                lo[l] = (l & d) == 0 ? l : L + l - d;
                hi[l] = (l & d) == 0 ? l + d : L + l;
            }
            LOW[st] = FloatVector.fromArray(S, lo, 0);
            HIGH[st] = FloatVector.fromArray(S, hi, 0);
        }
    }

    /**
     * Whether {@link #transposeBlock} runs in registers here: with AVX-512's 16 lanes. With AVX2 only
     * the forward of many rows takes these paths, where a scalar copy of the weight is a few percent of
     * the product.
     */
    static final boolean VECTOR_TRANSPOSE = L == 16;

    /**
     * dst[c, r] = src[r, c] for an L×L block: src's rows (stride lds) from {@code so}, of which the first
     * {@code srcRows} exist (the rest read as zero); dst's rows (stride ldd) from {@code dOff}, of which
     * the first {@code dstRows} are written. In registers, each stage swapping the off-diagonal d×d
     * blocks of every 2d×2d block with two-vector permutes, where a scalar copy costs a load and a
     * store per element.
     */
    static void transposeBlock(float[] src, int so, int lds, int srcRows, float[] dst, int dOff, int ldd, int dstRows) {
        if (VECTOR_TRANSPOSE) {
            transpose16(src, so, lds, srcRows, dst, null, dOff, ldd, dstRows);
        } else {
            for (int c = 0; c < dstRows; c++) {
                for (int r = 0; r < L; r++) {
                    dst[dOff + c * ldd + r] = r < srcRows ? src[so + r * lds + c] : 0f;
                }
            }
        }
    }

    /** Zeroes elements [from, to) of a table: a row's padding, fewer than a vector's lanes. */
    private static void zero(MemorySegment table, int from, int to) {
        for (int i = from; i < to; i++) {
            table.setAtIndex(ValueLayout.JAVA_FLOAT, i, 0f);
        }
    }

    /**
     * {@link #transposeBlock} for 16 lanes: the butterfly's 4 stages on 16 named vectors (an array of
     * vectors would be allocated), written into {@code table} (an aligned table, {@link Scratch#table})
     * when it is given, else into {@code dst}.
     */
    private static void transpose16(float[] src, int so, int lds, int srcRows, float[] dst, MemorySegment table, int dOff, int ldd, int dstRows) {
        FloatVector z = FloatVector.zero(S);
        FloatVector r0 = 0 < srcRows ? FloatVector.fromArray(S, src, so + 0 * lds) : z;
        FloatVector r1 = 1 < srcRows ? FloatVector.fromArray(S, src, so + 1 * lds) : z;
        FloatVector r2 = 2 < srcRows ? FloatVector.fromArray(S, src, so + 2 * lds) : z;
        FloatVector r3 = 3 < srcRows ? FloatVector.fromArray(S, src, so + 3 * lds) : z;
        FloatVector r4 = 4 < srcRows ? FloatVector.fromArray(S, src, so + 4 * lds) : z;
        FloatVector r5 = 5 < srcRows ? FloatVector.fromArray(S, src, so + 5 * lds) : z;
        FloatVector r6 = 6 < srcRows ? FloatVector.fromArray(S, src, so + 6 * lds) : z;
        FloatVector r7 = 7 < srcRows ? FloatVector.fromArray(S, src, so + 7 * lds) : z;
        FloatVector r8 = 8 < srcRows ? FloatVector.fromArray(S, src, so + 8 * lds) : z;
        FloatVector r9 = 9 < srcRows ? FloatVector.fromArray(S, src, so + 9 * lds) : z;
        FloatVector r10 = 10 < srcRows ? FloatVector.fromArray(S, src, so + 10 * lds) : z;
        FloatVector r11 = 11 < srcRows ? FloatVector.fromArray(S, src, so + 11 * lds) : z;
        FloatVector r12 = 12 < srcRows ? FloatVector.fromArray(S, src, so + 12 * lds) : z;
        FloatVector r13 = 13 < srcRows ? FloatVector.fromArray(S, src, so + 13 * lds) : z;
        FloatVector r14 = 14 < srcRows ? FloatVector.fromArray(S, src, so + 14 * lds) : z;
        FloatVector r15 = 15 < srcRows ? FloatVector.fromArray(S, src, so + 15 * lds) : z;
        FloatVector t;
        t = LOW[0].selectFrom(r0, r8); r8 = HIGH[0].selectFrom(r0, r8); r0 = t;
        t = LOW[0].selectFrom(r1, r9); r9 = HIGH[0].selectFrom(r1, r9); r1 = t;
        t = LOW[0].selectFrom(r2, r10); r10 = HIGH[0].selectFrom(r2, r10); r2 = t;
        t = LOW[0].selectFrom(r3, r11); r11 = HIGH[0].selectFrom(r3, r11); r3 = t;
        t = LOW[0].selectFrom(r4, r12); r12 = HIGH[0].selectFrom(r4, r12); r4 = t;
        t = LOW[0].selectFrom(r5, r13); r13 = HIGH[0].selectFrom(r5, r13); r5 = t;
        t = LOW[0].selectFrom(r6, r14); r14 = HIGH[0].selectFrom(r6, r14); r6 = t;
        t = LOW[0].selectFrom(r7, r15); r15 = HIGH[0].selectFrom(r7, r15); r7 = t;
        t = LOW[1].selectFrom(r0, r4); r4 = HIGH[1].selectFrom(r0, r4); r0 = t;
        t = LOW[1].selectFrom(r1, r5); r5 = HIGH[1].selectFrom(r1, r5); r1 = t;
        t = LOW[1].selectFrom(r2, r6); r6 = HIGH[1].selectFrom(r2, r6); r2 = t;
        t = LOW[1].selectFrom(r3, r7); r7 = HIGH[1].selectFrom(r3, r7); r3 = t;
        t = LOW[1].selectFrom(r8, r12); r12 = HIGH[1].selectFrom(r8, r12); r8 = t;
        t = LOW[1].selectFrom(r9, r13); r13 = HIGH[1].selectFrom(r9, r13); r9 = t;
        t = LOW[1].selectFrom(r10, r14); r14 = HIGH[1].selectFrom(r10, r14); r10 = t;
        t = LOW[1].selectFrom(r11, r15); r15 = HIGH[1].selectFrom(r11, r15); r11 = t;
        t = LOW[2].selectFrom(r0, r2); r2 = HIGH[2].selectFrom(r0, r2); r0 = t;
        t = LOW[2].selectFrom(r1, r3); r3 = HIGH[2].selectFrom(r1, r3); r1 = t;
        t = LOW[2].selectFrom(r4, r6); r6 = HIGH[2].selectFrom(r4, r6); r4 = t;
        t = LOW[2].selectFrom(r5, r7); r7 = HIGH[2].selectFrom(r5, r7); r5 = t;
        t = LOW[2].selectFrom(r8, r10); r10 = HIGH[2].selectFrom(r8, r10); r8 = t;
        t = LOW[2].selectFrom(r9, r11); r11 = HIGH[2].selectFrom(r9, r11); r9 = t;
        t = LOW[2].selectFrom(r12, r14); r14 = HIGH[2].selectFrom(r12, r14); r12 = t;
        t = LOW[2].selectFrom(r13, r15); r15 = HIGH[2].selectFrom(r13, r15); r13 = t;
        t = LOW[3].selectFrom(r0, r1); r1 = HIGH[3].selectFrom(r0, r1); r0 = t;
        t = LOW[3].selectFrom(r2, r3); r3 = HIGH[3].selectFrom(r2, r3); r2 = t;
        t = LOW[3].selectFrom(r4, r5); r5 = HIGH[3].selectFrom(r4, r5); r4 = t;
        t = LOW[3].selectFrom(r6, r7); r7 = HIGH[3].selectFrom(r6, r7); r6 = t;
        t = LOW[3].selectFrom(r8, r9); r9 = HIGH[3].selectFrom(r8, r9); r8 = t;
        t = LOW[3].selectFrom(r10, r11); r11 = HIGH[3].selectFrom(r10, r11); r10 = t;
        t = LOW[3].selectFrom(r12, r13); r13 = HIGH[3].selectFrom(r12, r13); r12 = t;
        t = LOW[3].selectFrom(r14, r15); r15 = HIGH[3].selectFrom(r14, r15); r14 = t;
        // Two copies of the stores, not a helper: C2 does not inline one into this large method, and a
        // vector handed to a call is boxed on the heap.
        if (table == null) {
            if (0 < dstRows) { r0.intoArray(dst, dOff + 0 * ldd); }
            if (1 < dstRows) { r1.intoArray(dst, dOff + 1 * ldd); }
            if (2 < dstRows) { r2.intoArray(dst, dOff + 2 * ldd); }
            if (3 < dstRows) { r3.intoArray(dst, dOff + 3 * ldd); }
            if (4 < dstRows) { r4.intoArray(dst, dOff + 4 * ldd); }
            if (5 < dstRows) { r5.intoArray(dst, dOff + 5 * ldd); }
            if (6 < dstRows) { r6.intoArray(dst, dOff + 6 * ldd); }
            if (7 < dstRows) { r7.intoArray(dst, dOff + 7 * ldd); }
            if (8 < dstRows) { r8.intoArray(dst, dOff + 8 * ldd); }
            if (9 < dstRows) { r9.intoArray(dst, dOff + 9 * ldd); }
            if (10 < dstRows) { r10.intoArray(dst, dOff + 10 * ldd); }
            if (11 < dstRows) { r11.intoArray(dst, dOff + 11 * ldd); }
            if (12 < dstRows) { r12.intoArray(dst, dOff + 12 * ldd); }
            if (13 < dstRows) { r13.intoArray(dst, dOff + 13 * ldd); }
            if (14 < dstRows) { r14.intoArray(dst, dOff + 14 * ldd); }
            if (15 < dstRows) { r15.intoArray(dst, dOff + 15 * ldd); }
        } else {
            if (0 < dstRows) { r0.intoMemorySegment(table, 4L * (dOff + 0 * ldd), ByteOrder.nativeOrder()); }
            if (1 < dstRows) { r1.intoMemorySegment(table, 4L * (dOff + 1 * ldd), ByteOrder.nativeOrder()); }
            if (2 < dstRows) { r2.intoMemorySegment(table, 4L * (dOff + 2 * ldd), ByteOrder.nativeOrder()); }
            if (3 < dstRows) { r3.intoMemorySegment(table, 4L * (dOff + 3 * ldd), ByteOrder.nativeOrder()); }
            if (4 < dstRows) { r4.intoMemorySegment(table, 4L * (dOff + 4 * ldd), ByteOrder.nativeOrder()); }
            if (5 < dstRows) { r5.intoMemorySegment(table, 4L * (dOff + 5 * ldd), ByteOrder.nativeOrder()); }
            if (6 < dstRows) { r6.intoMemorySegment(table, 4L * (dOff + 6 * ldd), ByteOrder.nativeOrder()); }
            if (7 < dstRows) { r7.intoMemorySegment(table, 4L * (dOff + 7 * ldd), ByteOrder.nativeOrder()); }
            if (8 < dstRows) { r8.intoMemorySegment(table, 4L * (dOff + 8 * ldd), ByteOrder.nativeOrder()); }
            if (9 < dstRows) { r9.intoMemorySegment(table, 4L * (dOff + 9 * ldd), ByteOrder.nativeOrder()); }
            if (10 < dstRows) { r10.intoMemorySegment(table, 4L * (dOff + 10 * ldd), ByteOrder.nativeOrder()); }
            if (11 < dstRows) { r11.intoMemorySegment(table, 4L * (dOff + 11 * ldd), ByteOrder.nativeOrder()); }
            if (12 < dstRows) { r12.intoMemorySegment(table, 4L * (dOff + 12 * ldd), ByteOrder.nativeOrder()); }
            if (13 < dstRows) { r13.intoMemorySegment(table, 4L * (dOff + 13 * ldd), ByteOrder.nativeOrder()); }
            if (14 < dstRows) { r14.intoMemorySegment(table, 4L * (dOff + 14 * ldd), ByteOrder.nativeOrder()); }
            if (15 < dstRows) { r15.intoMemorySegment(table, 4L * (dOff + 15 * ldd), ByteOrder.nativeOrder()); }
        }
    }


    /**
     * {@code out[o + col .. + cv·L) (+)= Σ_q value[q] · M[index[q], col .. + cv·L)} for q in [lo, hi), in
     * q order, one FMA chain per element (rows of M are {@code w} floats apart), starting from zero when
     * {@code fresh} (the chains then start at +0, as on a zeroed output) and from the output otherwise. One unrolled method per
     * width, 1 to {@link #MAX_CHUNK} vectors: the accumulators must be named locals for C2 to keep them
     * in registers (vectors in an array are objects on the heap), and each width compiles on its own.
     */
    static void accumulate(int cv, boolean fresh, int[] index, float[] value, int lo, int hi, MemorySegment m, int w, int col,
                                   float[] out, int o) {
        int oc = o + col;
        switch (cv) {
            case 8 -> pass8(fresh, index, value, lo, hi, m, w, col, out, oc);
            case 7 -> pass7(fresh, index, value, lo, hi, m, w, col, out, oc);
            case 6 -> pass6(fresh, index, value, lo, hi, m, w, col, out, oc);
            case 5 -> pass5(fresh, index, value, lo, hi, m, w, col, out, oc);
            case 4 -> pass4(fresh, index, value, lo, hi, m, w, col, out, oc);
            case 3 -> pass3(fresh, index, value, lo, hi, m, w, col, out, oc);
            case 2 -> pass2(fresh, index, value, lo, hi, m, w, col, out, oc);
            default -> pass1(fresh, index, value, lo, hi, m, w, col, out, oc);
        }
    }

    /** The vector of an aligned table's floats from byte {@code at}. */
    private static FloatVector row(MemorySegment m, long at) {
        return FloatVector.fromMemorySegment(S, m, at, ByteOrder.nativeOrder());
    }

    /** A vector's size in bytes. */
    private static final long VBYTES = 4L * L;

    /** An accumulator's start: zero for a fresh result (no store and reload of zeros), else the output's vector. */
    private static FloatVector accumulator(boolean fresh, float[] out, int o) {
        return fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, out, o);
    }

    private static void pass8(boolean fresh, int[] index, float[] value, int lo, int hi, MemorySegment m, int w, int col, float[] out, int oc) {
            FloatVector c0 = accumulator(fresh, out, oc), c1 = accumulator(fresh, out, oc + L);
            FloatVector c2 = accumulator(fresh, out, oc + 2 * L), c3 = accumulator(fresh, out, oc + 3 * L);
            FloatVector c4 = accumulator(fresh, out, oc + 4 * L), c5 = accumulator(fresh, out, oc + 5 * L);
            FloatVector c6 = accumulator(fresh, out, oc + 6 * L), c7 = accumulator(fresh, out, oc + 7 * L);
            for (int q = lo; q < hi; q++) {
                long r = 4L * (index[q] * w + col);
                FloatVector x = FloatVector.broadcast(S, value[q]);
                c0 = x.fma(row(m, r), c0);
                c1 = x.fma(row(m, r + VBYTES), c1);
                c2 = x.fma(row(m, r + 2 * VBYTES), c2);
                c3 = x.fma(row(m, r + 3 * VBYTES), c3);
                c4 = x.fma(row(m, r + 4 * VBYTES), c4);
                c5 = x.fma(row(m, r + 5 * VBYTES), c5);
                c6 = x.fma(row(m, r + 6 * VBYTES), c6);
                c7 = x.fma(row(m, r + 7 * VBYTES), c7);
            }
            c0.intoArray(out, oc); c1.intoArray(out, oc + L); c2.intoArray(out, oc + 2 * L); c3.intoArray(out, oc + 3 * L);
            c4.intoArray(out, oc + 4 * L); c5.intoArray(out, oc + 5 * L); c6.intoArray(out, oc + 6 * L); c7.intoArray(out, oc + 7 * L);
    }

    private static void pass7(boolean fresh, int[] index, float[] value, int lo, int hi, MemorySegment m, int w, int col, float[] out, int oc) {
            FloatVector c0 = accumulator(fresh, out, oc), c1 = accumulator(fresh, out, oc + L);
            FloatVector c2 = accumulator(fresh, out, oc + 2 * L), c3 = accumulator(fresh, out, oc + 3 * L);
            FloatVector c4 = accumulator(fresh, out, oc + 4 * L), c5 = accumulator(fresh, out, oc + 5 * L);
            FloatVector c6 = accumulator(fresh, out, oc + 6 * L);
            for (int q = lo; q < hi; q++) {
                long r = 4L * (index[q] * w + col);
                FloatVector x = FloatVector.broadcast(S, value[q]);
                c0 = x.fma(row(m, r), c0);
                c1 = x.fma(row(m, r + VBYTES), c1);
                c2 = x.fma(row(m, r + 2 * VBYTES), c2);
                c3 = x.fma(row(m, r + 3 * VBYTES), c3);
                c4 = x.fma(row(m, r + 4 * VBYTES), c4);
                c5 = x.fma(row(m, r + 5 * VBYTES), c5);
                c6 = x.fma(row(m, r + 6 * VBYTES), c6);
            }
            c0.intoArray(out, oc); c1.intoArray(out, oc + L); c2.intoArray(out, oc + 2 * L); c3.intoArray(out, oc + 3 * L);
            c4.intoArray(out, oc + 4 * L); c5.intoArray(out, oc + 5 * L); c6.intoArray(out, oc + 6 * L);
    }

    private static void pass6(boolean fresh, int[] index, float[] value, int lo, int hi, MemorySegment m, int w, int col, float[] out, int oc) {
            FloatVector c0 = accumulator(fresh, out, oc), c1 = accumulator(fresh, out, oc + L);
            FloatVector c2 = accumulator(fresh, out, oc + 2 * L), c3 = accumulator(fresh, out, oc + 3 * L);
            FloatVector c4 = accumulator(fresh, out, oc + 4 * L), c5 = accumulator(fresh, out, oc + 5 * L);
            for (int q = lo; q < hi; q++) {
                long r = 4L * (index[q] * w + col);
                FloatVector x = FloatVector.broadcast(S, value[q]);
                c0 = x.fma(row(m, r), c0);
                c1 = x.fma(row(m, r + VBYTES), c1);
                c2 = x.fma(row(m, r + 2 * VBYTES), c2);
                c3 = x.fma(row(m, r + 3 * VBYTES), c3);
                c4 = x.fma(row(m, r + 4 * VBYTES), c4);
                c5 = x.fma(row(m, r + 5 * VBYTES), c5);
            }
            c0.intoArray(out, oc); c1.intoArray(out, oc + L); c2.intoArray(out, oc + 2 * L); c3.intoArray(out, oc + 3 * L);
            c4.intoArray(out, oc + 4 * L); c5.intoArray(out, oc + 5 * L);
    }

    private static void pass5(boolean fresh, int[] index, float[] value, int lo, int hi, MemorySegment m, int w, int col, float[] out, int oc) {
            FloatVector c0 = accumulator(fresh, out, oc), c1 = accumulator(fresh, out, oc + L);
            FloatVector c2 = accumulator(fresh, out, oc + 2 * L), c3 = accumulator(fresh, out, oc + 3 * L);
            FloatVector c4 = accumulator(fresh, out, oc + 4 * L);
            for (int q = lo; q < hi; q++) {
                long r = 4L * (index[q] * w + col);
                FloatVector x = FloatVector.broadcast(S, value[q]);
                c0 = x.fma(row(m, r), c0);
                c1 = x.fma(row(m, r + VBYTES), c1);
                c2 = x.fma(row(m, r + 2 * VBYTES), c2);
                c3 = x.fma(row(m, r + 3 * VBYTES), c3);
                c4 = x.fma(row(m, r + 4 * VBYTES), c4);
            }
            c0.intoArray(out, oc); c1.intoArray(out, oc + L); c2.intoArray(out, oc + 2 * L); c3.intoArray(out, oc + 3 * L);
            c4.intoArray(out, oc + 4 * L);
    }

    private static void pass4(boolean fresh, int[] index, float[] value, int lo, int hi, MemorySegment m, int w, int col, float[] out, int oc) {
            FloatVector c0 = accumulator(fresh, out, oc), c1 = accumulator(fresh, out, oc + L);
            FloatVector c2 = accumulator(fresh, out, oc + 2 * L), c3 = accumulator(fresh, out, oc + 3 * L);
            for (int q = lo; q < hi; q++) {
                long r = 4L * (index[q] * w + col);
                FloatVector x = FloatVector.broadcast(S, value[q]);
                c0 = x.fma(row(m, r), c0);
                c1 = x.fma(row(m, r + VBYTES), c1);
                c2 = x.fma(row(m, r + 2 * VBYTES), c2);
                c3 = x.fma(row(m, r + 3 * VBYTES), c3);
            }
            c0.intoArray(out, oc); c1.intoArray(out, oc + L); c2.intoArray(out, oc + 2 * L); c3.intoArray(out, oc + 3 * L);
    }

    private static void pass3(boolean fresh, int[] index, float[] value, int lo, int hi, MemorySegment m, int w, int col, float[] out, int oc) {
            FloatVector c0 = accumulator(fresh, out, oc), c1 = accumulator(fresh, out, oc + L);
            FloatVector c2 = accumulator(fresh, out, oc + 2 * L);
            for (int q = lo; q < hi; q++) {
                long r = 4L * (index[q] * w + col);
                FloatVector x = FloatVector.broadcast(S, value[q]);
                c0 = x.fma(row(m, r), c0);
                c1 = x.fma(row(m, r + VBYTES), c1);
                c2 = x.fma(row(m, r + 2 * VBYTES), c2);
            }
            c0.intoArray(out, oc); c1.intoArray(out, oc + L); c2.intoArray(out, oc + 2 * L);
    }

    private static void pass2(boolean fresh, int[] index, float[] value, int lo, int hi, MemorySegment m, int w, int col, float[] out, int oc) {
            FloatVector c0 = accumulator(fresh, out, oc), c1 = accumulator(fresh, out, oc + L);
            for (int q = lo; q < hi; q++) {
                long r = 4L * (index[q] * w + col);
                FloatVector x = FloatVector.broadcast(S, value[q]);
                c0 = x.fma(row(m, r), c0);
                c1 = x.fma(row(m, r + VBYTES), c1);
            }
            c0.intoArray(out, oc); c1.intoArray(out, oc + L);
    }

    private static void pass1(boolean fresh, int[] index, float[] value, int lo, int hi, MemorySegment m, int w, int col, float[] out, int oc) {
            FloatVector c0 = accumulator(fresh, out, oc);
            for (int q = lo; q < hi; q++) {
                c0 = FloatVector.broadcast(S, value[q]).fma(row(m, 4L * (index[q] * w + col)), c0);
            }
            c0.intoArray(out, oc);
    }

    /**
     * One thread's buffers: the sparse operand's non-zeros and the transposed copies. They start big
     * enough for the benchmark model's products up to batch 1024 (784 inputs, 200 outputs, validation
     * batches of 256): about 4 MB a thread (1 MB of it off the heap, {@link Scratch#table}), made when a
     * thread first takes a sparse path. Grown on
     * first use instead, they made C2 throw the compiled paths away at the start of a run: the run's
     * calling thread is new to a JVM that the warm-up had compiled, the growth branch had never been
     * seen taken by compiled code, and the first epoch ran these paths in C1 code until C2 compiled
     * them again (about 250 ms of it, 2026-11-30).
     */
    private static final int INITIAL_NONZEROS = 1 << 17;

    /** One thread's buffers: the sparse operand's non-zeros and the transposed copies (see {@link #INITIAL_NONZEROS}). */
    private static final class Scratch {
        final NonZeros lists = new NonZeros(1 << 11, INITIAL_NONZEROS);
        private int[] mark = new int[1 << 10];
        private int stamp;
        private float[] xt = new float[1 << 19];
        private MemorySegment table = newTable(1 << 18);
        private float[] row = new float[1 << 12];

        /** What {@link #touch} read, kept so that the compiler cannot drop the loads. */
        private int touched;

        /**
         * Reads one element of every cache line of rows [0, m)'s lists before the forward's pass, which
         * would otherwise wait on each row's first lines in turn: a batch's rows lie at random places in a
         * data set's kept listing (72 MB for MNIST), mostly in memory, and loads that do not depend on one
         * another are in flight together. Batch 64, near vCPUs, each thread's forward task: the touch
         * 9.5–10 µs, the pass 63–67 → 38–43 µs (docs/PERFORMANCE.md, section 17).
         */
        void touch(NonZeros a, int m) {
            touched += a.touch(m);
        }

        /** A's rows listed, and the L-wide blocks of columns any of them uses (A known {@link #sparse}). */
        void rows(int m, int k, float[] a, int aOff, int lda) {
            int budget = (int) (MAX_DENSITY * m * k) + L;   // + L: a compressed store writes whole vectors
            int blocks = Math.ceilDiv(k, L);
            lists.ensure(m, budget);
            if (mark.length < blocks) {
                mark = new int[blocks];
                stamp = 0;
            }
            if (++stamp == 0) {
                Arrays.fill(mark, 0);
                stamp = 1;
            }
            lists.list(0, m, k, a, aOff, lda, 0, budget, mark, stamp);
            lists.usedFrom(mark, stamp, blocks);
        }

        /**
         * B's columns as CSC, each column's non-zeros in row order, {@code index} holding rows (B known
         * {@link #sparse}): Bᵀ's rows listed, Bᵀ made by {@link #transposeBlock}.
         */
        void columns(int k, int n, float[] b, int bOff, int ldb) {
            int kw = transposeColumns(k, 0, n, b, bOff, ldb);
            int budget = (int) (MAX_DENSITY * n * kw) + L;
            lists.ensure(n, budget);
            lists.list(0, n, kw, xt, 0, kw, 0, budget, null, 0);
        }

        /**
         * Columns [c0, c1) of B [k, ·] (c0 a multiple of L) into {@code xt}: its row j − c0 is column j,
         * padded with zeros to the returned width (k rounded up to whole vectors).
         */
        int transposeColumns(int k, int c0, int c1, float[] b, int bOff, int ldb) {
            int kw = Math.ceilDiv(k, L) * L, n = c1 - c0;
            xt = grow(xt, n * kw);
            for (int p0 = 0; p0 < k; p0 += L) {
                int rows = Math.min(L, k - p0);
                int j = 0;
                if (VECTOR_TRANSPOSE) {
                    for (; j + L <= n; j += L) {
                        transposeBlock(b, bOff + p0 * ldb + c0 + j, ldb, rows, xt, j * kw + p0, kw, L);
                    }
                }
                for (; j < n; j++) {
                    for (int pp = 0; pp < L; pp++) {
                        xt[j * kw + p0 + pp] = pp < rows ? b[bOff + (p0 + pp) * ldb + c0 + j] : 0f;
                    }
                }
            }
            return kw;
        }

        /**
         * The work copy of the dense operand, which the passes read a vector at a time (Bᵀ for the
         * forward, A's rows padded for the gradient): at least {@code size} floats off the heap, from a
         * 64-byte boundary, so that no vector is read across two cache lines. A heap array's elements
         * start wherever the JVM placed it (in 8-byte steps, after a 16-byte header), which is a
         * 32-byte boundary one time in four, and a 16-lane read off one touches two lines. Memory of a larger
         * copy than {@link #MAX_KEPT} is returned when the collector finds it unused.
         */
        MemorySegment table(int size) {
            if (table.byteSize() >= 4L * size) {
                return table;
            }
            MemorySegment fresh = newTable(size);
            if (size <= MAX_KEPT) {
                table = fresh;
            }
            return fresh;
        }

        private static MemorySegment newTable(int size) {
            return Arena.ofAuto().allocate(4L * size, 64);
        }

        float[] row(int size) {
            if (row.length < size) {
                row = new float[size];
            }
            return row;
        }

        private static float[] grow(float[] x, int size) {
            return x.length >= size ? x : new float[size];
        }
    }
}
