package dev.descent.tensor.kernel;

import java.util.Arrays;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the incubating Vector API, register-blocked for AVX2/AVX-512.
 *
 * <h2>GEMM</h2>
 * All three layouts share one broadcast-form micro-kernel: a 4×(3 vectors) tile of C lives in 12
 * vector registers; each step over k broadcasts four values of A and loads three vectors of a packed
 * panel of B. 12 accumulators + 3 B vectors + 1 broadcast fill the 16 registers of AVX2, and 12
 * independent FMA chains cover the FMA latency (4 cycles × 2 ports = 8 chains needed). B is packed
 * per (k-block, panel) into a contiguous, zero-padded buffer of {@link #KC}×{@code 3L} floats that
 * stays in L1 while every row of A streams past it. The layouts differ only in how A is read (its
 * row and column strides) and how B is packed (NT packs rows of B as columns, a transposing copy
 * that costs O(n·k) against the O(m·n·k) product). A dot-product form for NT, needing no pack, was
 * measured slower: its 4×3 block spills registers and a 4×2 block is load-bound. When A has at most
 * {@link #SMALL_M} rows, that transposing copy is no longer small against the product, and NT is
 * computed transposed instead ({@link #gemmSmallM}): the few rows of A are packed and B's rows are
 * broadcast.
 *
 * <p>Every element of C is computed by the same sequence of FMAs, in k order, whichever tile or edge
 * path computes it, so results do not depend on how callers partition C. A k step whose packed
 * values are all zero adds exact zeros and is skipped ({@link #dropZeroRows}): on MNIST, whose pixels
 * are 81% zero, that removes 30–42% of the first layer's multiply-adds. A product whose input is at
 * most 30% non-zero can go further, to {@link SparseGemm}, which multiplies the non-zeros alone, with
 * the same FMAs in the same order: with AVX-512 always, with AVX2 the forward of many rows
 * ({@link #SPARSE}, {@link #sparseForward}).
 */
final class VectorKernels implements Kernels {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Panel width of the broadcast-form kernel: three vectors. */
    static final int NR = 3 * L;
    /**
     * Depth of a k-block: a packed B block of KC×NR floats is 24 KiB (256×24 with AVX2, 128×48 with
     * AVX-512), half of a 48 KiB L1 and most of a 32 KiB one, leaving room for the rows of A and C.
     */
    static final int KC = Math.max(64, 6144 / NR);

    static final VectorKernels INSTANCE = new VectorKernels();

    private static final ThreadLocal<float[]> PACK = ThreadLocal.withInitial(() -> new float[KC * NR]);
    private static final ThreadLocal<float[]> TILE = ThreadLocal.withInitial(() -> new float[4 * NR]);
    private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[L]);
    /**
     * System property that turns the skipping of all-zero k steps off ({@code descent.skipZeros=false}),
     * to measure the dense kernels' own rate on sparse inputs; results are the same either way.
     */
    static final String SKIP_ZEROS_PROPERTY = "descent.skipZeros";
    static final boolean SKIP_ZEROS = !"false".equalsIgnoreCase(System.getProperty(SKIP_ZEROS_PROPERTY, "").trim());
    /**
     * Whether a sparse input's weight gradient takes {@link SparseGemm}'s path: with 16-lane vectors
     * (AVX-512). With AVX2's 8 lanes it measured 12–17% slower than the dense kernel (JMH, MNIST,
     * 2026-11-30): twice the vectors per row of outputs, no compress instruction, slower permutes.
     */
    static final boolean SPARSE = SKIP_ZEROS && L >= 16;

    /**
     * Whether a sparse input's forward ({@code C += A·Bᵀ}, A the input) of {@code m} rows takes
     * {@link SparseGemm}'s path: always with AVX-512; with AVX2 only above {@link #SMALL_M} rows, where
     * the dense kernel packs the weight blocked (JMH, MNIST rows, 784→200, one thread, 2026-11-30:
     * 256 rows 948–1,014 → 537–638 µs, 512 rows 1,903–2,280 → 1,290–1,376 µs); at 64 rows it was level.
     */
    static boolean sparseForward(int m) {
        return SKIP_ZEROS && (L >= 16 || m > SMALL_M);
    }
    /** Whether both products of a sparse input of {@code m} rows take {@link SparseGemm}'s paths ({@link SparseInput}). */
    static boolean sparseBoth(int m) {
        return SPARSE && sparseForward(m);
    }

    /** Each thread's offsets into A of the packed rows kept by {@link #dropZeroRows}: KC of them. */
    private static final ThreadLocal<int[]> KEPT = ThreadLocal.withInitial(() -> new int[KC]);

    private VectorKernels() {
    }

    static int lanes() {
        return L;
    }

    @Override
    public String name() {
        return "vector-" + S.vectorBitSize();
    }

    @Override
    public int splitWidth() {
        return L;
    }

    // ---------------------------------------------------------------- GEMM

    @Override
    public void gemmNN(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float[] c, int cOff, int ldc, boolean accumulate) {
        gemm(m, n, k, a, aOff, lda, 1, b, bOff, ldb, false, c, cOff, ldc, accumulate);
    }

    @Override
    public void gemmNT(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float[] c, int cOff, int ldc, boolean accumulate) {
        gemm(m, n, k, a, aOff, lda, 1, b, bOff, ldb, true, c, cOff, ldc, accumulate);
    }

    @Override
    public void gemmTN(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float[] c, int cOff, int ldc, boolean accumulate) {
        gemm(m, n, k, a, aOff, 1, lda, b, bOff, ldb, false, c, cOff, ldc, accumulate);
    }

    /**
     * A(i, p) = a[aOff + i·ars + p·acs]; B(p, j) = b[bOff + p·ldb + j], or b[bOff + j·ldb + p] when
     * {@code bTransposed}.
     */
    private static void gemm(int m, int n, int k, float[] a, int aOff, int ars, int acs,
                             float[] b, int bOff, int ldb, boolean bTransposed, float[] c, int cOff, int ldc,
                             boolean accumulate) {
        if (!accumulate) {
            Gemm.zero(c, cOff, ldc, m, n);
        }
        if (m == 0 || n == 0 || k == 0) {
            return;
        }
        if (bTransposed && acs == 1 && sparseForward(m) && SparseGemm.nt(m, n, k, a, aOff, ars, b, bOff, ldb, c, cOff, ldc)) {
            return;
        }
        if (bTransposed && acs == 1 && m <= SMALL_M) {
            gemmSmallM(m, n, k, a, aOff, ars, b, bOff, ldb, c, cOff, ldc);
            return;
        }
        if (!bTransposed && ars == 1 && SPARSE && SparseGemm.tn(m, n, k, a, aOff, acs, b, bOff, ldb, c, cOff, ldc, !accumulate)) {
            return;
        }
        float[] bp = PACK.get();
        float[] tile = TILE.get();
        int[] ks = KEPT.get();
        int m4 = m - m % 4;
        for (int j0 = 0, w; j0 < n; j0 += w) {
            w = panelWidth(n - j0);
            for (int p0 = 0; p0 < k; p0 += KC) {
                int kc = Math.min(KC, k - p0);
                int kn;
                if (bTransposed) {
                    packTransposed(b, bOff + j0 * ldb + p0, ldb, kc, w, bp);
                    kn = dropZeroRows(bp, kc, acs, ks);
                } else {
                    kn = packKept(b, bOff + p0 * ldb + j0, ldb, kc, w, bp, acs, ks);
                }
                int aBase = aOff + p0 * acs;
                if (w == NR) {
                    for (int i = 0; i < m4; i += 4) {
                        kernel4(a, aBase + i * ars, ars, ks, kn, bp, c, cOff + i * ldc + j0, ldc);
                    }
                    for (int i = m4; i < m; i++) {
                        kernel1(a, aBase + i * ars, ks, kn, bp, c, cOff + i * ldc + j0);
                    }
                } else {
                    narrowPanel(m, w, a, aBase, ars, ks, kn, bp, c, cOff + j0, ldc, tile);
                }
            }
        }
    }

    /**
     * Drops the rows of a packed panel {@code bp} (kc rows of NR floats) that are all zero, moving
     * the others up, and writes to {@code ks} the offset into A ({@code p·acs}) of each row kept; returns
     * how many were kept. A zero row's FMAs would add exact zeros (0·a = ±0, and c + ±0 = c), so the
     * kernels skip it and every element of C still gets the same FMAs, in the same k order, as without
     * the skip; only a C element that is −0 and stays so would become +0 had the zeros been added, and
     * an infinite or NaN value of A meeting a skipped zero no longer makes NaN. MNIST's pixels are 81%
     * zero: the first layer's forward (the small-m path, 32 images per panel) keeps 58% of the k
     * steps, its weight gradient (a 48-pixel panel of one image per row) 70%. NaN is not zero (kept).
     */
    static int dropZeroRows(float[] bp, int kc, int acs, int[] ks) {
        if (!SKIP_ZEROS) {
            for (int p = 0; p < kc; p++) {
                ks[p] = p * acs;
            }
            return kc;
        }
        // In place: a kept row moves up or stays, and is read before anything is written over it.
        return packKept(bp, 0, NR, kc, NR, bp, acs, ks);
    }

    /**
     * NT products with at most this many rows of A (a linear layer's forward on a batch or a
     * data-parallel shard of up to 128 rows) are computed as Cᵀ = B·Aᵀ ({@link #gemmSmallM}). JMH,
     * 2026-11-29, one thread, ×784×200: faster at 32, 64 and 128 rows on both AVX2 and AVX-512
     * (by 7–25%), level at 256 (docs/PERFORMANCE.md).
     */
    static final int SMALL_M = 128;

    /**
     * Each thread's Cᵀ panel scratch, n·NR floats, made big enough at once for products of up to
     * {@link #INITIAL_SCRATCH_COLUMNS} columns: a thread's first product otherwise took the branch
     * that grows it, and a thread new to a warmed JVM (the run's, after the warm-up's) made C2 throw
     * this method's compiled code away there, mid-epoch. 1024 columns: 192 KiB with AVX-512.
     */
    static final int INITIAL_SCRATCH_COLUMNS = 1024;
    private static final ThreadLocal<float[]> C_T = ThreadLocal.withInitial(() -> new float[INITIAL_SCRATCH_COLUMNS * NR]);
    /** A scratch Cᵀ larger than this many floats (4 MiB: a layer of over 20,000 outputs) is allocated per call rather than kept per thread. */
    private static final int MAX_KEPT_SCRATCH = 1 << 20;

    /**
     * {@code C[m,n] += A[m,k]·B[n,k]ᵀ} for small m, computed as {@code Cᵀ[n,m] += B[n,k]·Aᵀ[k,m]}.
     * The blocked path packs Bᵀ with a scalar transposing copy of all n·k elements, and with few rows
     * of A to amortise it over, that copy cost as much as the product (a 784×200 weight against 32
     * rows: 166 µs, of which the FMAs need about 90). Here the small A is packed instead (m·k
     * elements), the rows of B are broadcast as they are, and each panel of Cᵀ lives in a scratch
     * buffer with a row stride of NR, gathered from C once before the k-blocks and scattered back
     * once after them. Every element still gets the same FMAs in the same k order (the product of
     * two floats commutes exactly), so results are bit-identical to the blocked path's.
     */
    private static void gemmSmallM(int m, int n, int k, float[] a, int aOff, int lda,
                                   float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        float[] ap = PACK.get();
        float[] ct = C_T.get();
        if (ct.length < n * NR) {
            ct = new float[n * NR];
            if (ct.length <= MAX_KEPT_SCRATCH) {
                C_T.set(ct);
            }
        }
        int[] ks = KEPT.get();
        for (int j0 = 0, w; j0 < m; j0 += w) {
            w = panelWidth(m - j0);
            int vectors = Math.ceilDiv(w, L);
            // Two-vector panels (32 rows of A with AVX-512, 16 with AVX2) take six rows of B at a time:
            // 12 accumulators where the four-row kernel has eight.
            int n6 = vectors == 2 ? n - n % 6 : 0;
            int n4 = n6 + (n - n6) / 4 * 4;
            copyTransposedIn(c, cOff + j0 * ldc, ldc, n, w, ct);
            for (int p0 = 0; p0 < k; p0 += KC) {
                int kc = Math.min(KC, k - p0);
                packTransposed(a, aOff + j0 * lda + p0, lda, kc, w, ap);
                int kn = dropZeroRows(ap, kc, 1, ks);
                for (int i = 0; i < n6; i += 6) {
                    kernel6x2(b, bOff + i * ldb + p0, ldb, ks, kn, ap, ct, i * NR);
                }
                for (int i = n6; i < n4; i += 4) {
                    kernel4Narrow(vectors, b, bOff + i * ldb + p0, ldb, ks, kn, ap, ct, i * NR, NR);
                }
                for (int i = n4; i < n; i++) {
                    kernel1(b, bOff + i * ldb + p0, ks, kn, ap, ct, i * NR);
                }
            }
            copyTransposedOut(ct, n, w, c, cOff + j0 * ldc, ldc);
        }
    }

    /**
     * t[r·NR + jj] = C[jj, r] (C at {@code base}, row stride ldc) for r < rows, jj < w; the rest of each
     * row of t zero. With 16 lanes, whole 16-column blocks of C go through {@link SparseGemm#transposeBlock}
     * in registers (a scalar copy of a 32×100 block cost 2 µs, a fifth of its product's FMAs).
     */
    private static void copyTransposedIn(float[] c, int base, int ldc, int rows, int w, float[] t) {
        int r0 = 0;
        if (SparseGemm.VECTOR_TRANSPOSE) {
            for (; r0 + L <= rows; r0 += L) {
                for (int jj = 0; jj < NR; jj += L) {
                    SparseGemm.transposeBlock(c, base + jj * ldc + r0, ldc, Math.clamp(w - jj, 0, L), t, r0 * NR + jj, NR, L);
                }
            }
        }
        for (int jj = 0; jj < w; jj++) {
            for (int r = r0, ci = base + jj * ldc, ti = r0 * NR + jj; r < rows; r++, ti += NR) {
                t[ti] = c[ci + r];
            }
        }
        if (w < NR) {
            for (int r = r0; r < rows; r++) {
                Arrays.fill(t, r * NR + w, (r + 1) * NR, 0f);
            }
        }
    }

    /** C[jj, r] = t[r·NR + jj]: the inverse of {@link #copyTransposedIn}, whole 16-column blocks of C in registers too. */
    private static void copyTransposedOut(float[] t, int rows, int w, float[] c, int base, int ldc) {
        int r0 = 0;
        if (SparseGemm.VECTOR_TRANSPOSE) {
            for (; r0 + L <= rows; r0 += L) {
                for (int jj = 0; jj < w; jj += L) {
                    SparseGemm.transposeBlock(t, r0 * NR + jj, NR, L, c, base + jj * ldc + r0, ldc, Math.min(L, w - jj));
                }
            }
        }
        for (int jj = 0; jj < w; jj++) {
            for (int r = r0, ci = base + jj * ldc, ti = r0 * NR + jj; r < rows; r++, ti += NR) {
                c[ci + r] = t[ti];
            }
        }
    }

    /**
     * The width of the next panel when {@code left} columns remain: three vectors, except that
     * exactly four whole vectors are cut two + two rather than three + one, since the one-vector
     * kernel has only four independent FMA chains (half of what covers the FMA latency) and runs at
     * half speed. n = 200 with AVX2 was 8 panels of 3 vectors and one of 1; it is now 7 of 3 and 2
     * of 2. A ragged remainder keeps the old cut: widening the panel that goes through a copied tile
     * measured slower on AVX-512 (docs/PERFORMANCE.md, 2026-11-29).
     */
    static int panelWidth(int left) {
        return left == 4 * L ? 2 * L : Math.min(NR, left);
    }

    /**
     * A panel narrower than NR (the last of C, or of a part when n is split across threads): one or
     * two vectors wide kernels do a third or two thirds of the full kernel's FMAs. A panel that is a
     * whole number of vectors wide is computed in place; a ragged one on a zero-padded copy of the
     * C tile (the packed B is zero-padded to NR).
     */
    private static void narrowPanel(int m, int w, float[] a, int aBase, int ars, int[] ks, int kn, float[] bp,
                                    float[] c, int cBase, int ldc, float[] tile) {
        int vectors = Math.ceilDiv(w, L);
        boolean inPlace = w % L == 0;
        int m4 = m - m % 4;
        for (int i = 0; i < m4; i += 4) {
            int ci = cBase + i * ldc;
            if (inPlace) {
                kernel4Narrow(vectors, a, aBase + i * ars, ars, ks, kn, bp, c, ci, ldc);
            } else {
                copyTileIn(c, ci, ldc, 4, w, tile);
                kernel4Narrow(vectors, a, aBase + i * ars, ars, ks, kn, bp, tile, 0, NR);
                copyTileOut(tile, 4, w, c, ci, ldc);
            }
        }
        for (int i = m4; i < m; i++) {
            int ci = cBase + i * ldc;
            copyTileIn(c, ci, ldc, 1, w, tile);
            kernel1(a, aBase + i * ars, ks, kn, bp, tile, 0);
            copyTileOut(tile, 1, w, c, ci, ldc);
        }
    }

    private static void kernel4Narrow(int vectors, float[] a, int ai, int ars, int[] ks, int kn, float[] bp,
                                      float[] c, int ci, int ldc) {
        if (vectors == 1) {
            kernel4x1(a, ai, ars, ks, kn, bp, c, ci, ldc);
        } else if (vectors == 2) {
            kernel4x2(a, ai, ars, ks, kn, bp, c, ci, ldc);
        } else {
            kernel4(a, ai, ars, ks, kn, bp, c, ci, ldc);
        }
    }

    /**
     * Packs kc rows of a panel w wide of B (row stride ldb) into {@code bp}, padded to NR, keeping only
     * the rows that are not all zero as {@link #dropZeroRows} does (their offsets into A in {@code ks});
     * returns how many were kept. A whole panel's rows are read as three vectors each, tested, and
     * written only when kept, in one pass: the copy of each row through {@code System.arraycopy} (a call
     * per 48 floats) and a second pass to drop zero rows had cost about 5% of a data-parallel shard's
     * step (perf, 2026-11-30). A narrower panel is copied ({@link #packB}) and then compacted.
     */
    static int packKept(float[] b, int base, int ldb, int kc, int w, float[] bp, int acs, int[] ks) {
        if (w != NR) {
            packB(b, base, ldb, kc, w, bp);
            return dropZeroRows(bp, kc, acs, ks);
        }
        int kept = 0;
        for (int p = 0, src = base; p < kc; p++, src += ldb) {
            FloatVector v0 = FloatVector.fromArray(S, b, src);
            FloatVector v1 = FloatVector.fromArray(S, b, src + L);
            FloatVector v2 = FloatVector.fromArray(S, b, src + 2 * L);
            if (!SKIP_ZEROS || v0.compare(VectorOperators.NE, 0f).or(v1.compare(VectorOperators.NE, 0f)).or(v2.compare(VectorOperators.NE, 0f)).anyTrue()) {
                int dst = kept * NR;
                v0.intoArray(bp, dst);
                v1.intoArray(bp, dst + L);
                v2.intoArray(bp, dst + 2 * L);
                ks[kept++] = p * acs;
            }
        }
        return kept;
    }

    /** Copies a panel narrower than NR: each of its kc rows padded with zeros to NR (whole panels go through {@link #packKept}). */
    private static void packB(float[] b, int base, int ldb, int kc, int w, float[] bp) {
        for (int p = 0; p < kc; p++) {
            System.arraycopy(b, base + p * ldb, bp, p * NR, w);
            Arrays.fill(bp, p * NR + w, (p + 1) * NR, 0f);
        }
    }

    /**
     * Packs rows j of a [n, k] matrix as columns: bp[p·NR + jj] = B[j0 + jj, p0 + p], the columns past
     * w zero. With 16 lanes, whole 16-step blocks of k are transposed in registers
     * ({@link SparseGemm#transposeBlock}; rows past w read as zero).
     */
    private static void packTransposed(float[] b, int base, int ldb, int kc, int w, float[] bp) {
        int p0 = 0;
        if (SparseGemm.VECTOR_TRANSPOSE) {
            for (; p0 + L <= kc; p0 += L) {
                for (int jj = 0; jj < NR; jj += L) {
                    SparseGemm.transposeBlock(b, base + jj * ldb + p0, ldb, Math.clamp(w - jj, 0, L), bp, p0 * NR + jj, NR, L);
                }
            }
        }
        for (int jj = 0; jj < w; jj++) {
            int src = base + jj * ldb;
            for (int p = p0, dst = p0 * NR + jj; p < kc; p++, dst += NR) {
                bp[dst] = b[src + p];
            }
        }
        if (w < NR) {
            for (int p = p0; p < kc; p++) {
                Arrays.fill(bp, p * NR + w, (p + 1) * NR, 0f);
            }
        }
    }

    private static void copyTileIn(float[] c, int base, int ldc, int rows, int w, float[] tile) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(c, base + r * ldc, tile, r * NR, w);
            Arrays.fill(tile, r * NR + w, (r + 1) * NR, 0f);
        }
    }

    private static void copyTileOut(float[] tile, int rows, int w, float[] c, int base, int ldc) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(tile, r * NR, c, base + r * ldc, w);
        }
    }

    /**
     * C[4, NR] += A[4, ks] · Bp[kn, NR]: packed row q of B meets A's values at offset ks[q] from
     * each row's start (the k steps {@link #dropZeroRows} kept).
     */
    private static void kernel4(float[] a, int ai, int ars, int[] ks, int kn, float[] bp,
                                float[] c, int ci, int ldc) {
        int c1 = ci + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        FloatVector c00 = FloatVector.fromArray(S, c, ci), c01 = FloatVector.fromArray(S, c, ci + L), c02 = FloatVector.fromArray(S, c, ci + 2 * L);
        FloatVector c10 = FloatVector.fromArray(S, c, c1), c11 = FloatVector.fromArray(S, c, c1 + L), c12 = FloatVector.fromArray(S, c, c1 + 2 * L);
        FloatVector c20 = FloatVector.fromArray(S, c, c2), c21 = FloatVector.fromArray(S, c, c2 + L), c22 = FloatVector.fromArray(S, c, c2 + 2 * L);
        FloatVector c30 = FloatVector.fromArray(S, c, c3), c31 = FloatVector.fromArray(S, c, c3 + L), c32 = FloatVector.fromArray(S, c, c3 + 2 * L);
        int a1 = ars, a2 = 2 * ars, a3 = 3 * ars;
        for (int q = 0, bi = 0; q < kn; q++, bi += NR) {
            int o = ai + ks[q];
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, bp, bi + 2 * L);
            FloatVector av = FloatVector.broadcast(S, a[o]);
            c00 = av.fma(b0, c00); c01 = av.fma(b1, c01); c02 = av.fma(b2, c02);
            av = FloatVector.broadcast(S, a[o + a1]);
            c10 = av.fma(b0, c10); c11 = av.fma(b1, c11); c12 = av.fma(b2, c12);
            av = FloatVector.broadcast(S, a[o + a2]);
            c20 = av.fma(b0, c20); c21 = av.fma(b1, c21); c22 = av.fma(b2, c22);
            av = FloatVector.broadcast(S, a[o + a3]);
            c30 = av.fma(b0, c30); c31 = av.fma(b1, c31); c32 = av.fma(b2, c32);
        }
        c00.intoArray(c, ci); c01.intoArray(c, ci + L); c02.intoArray(c, ci + 2 * L);
        c10.intoArray(c, c1); c11.intoArray(c, c1 + L); c12.intoArray(c, c1 + 2 * L);
        c20.intoArray(c, c2); c21.intoArray(c, c2 + L); c22.intoArray(c, c2 + 2 * L);
        c30.intoArray(c, c3); c31.intoArray(c, c3 + L); c32.intoArray(c, c3 + 2 * L);
    }

    /** C[4, 2L] += A[4, ks] · Bp[kn, 0:2L]: {@link #kernel4} on the first two vectors of each packed row. */
    private static void kernel4x2(float[] a, int ai, int ars, int[] ks, int kn, float[] bp,
                                  float[] c, int ci, int ldc) {
        int c1 = ci + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        FloatVector c00 = FloatVector.fromArray(S, c, ci), c01 = FloatVector.fromArray(S, c, ci + L);
        FloatVector c10 = FloatVector.fromArray(S, c, c1), c11 = FloatVector.fromArray(S, c, c1 + L);
        FloatVector c20 = FloatVector.fromArray(S, c, c2), c21 = FloatVector.fromArray(S, c, c2 + L);
        FloatVector c30 = FloatVector.fromArray(S, c, c3), c31 = FloatVector.fromArray(S, c, c3 + L);
        int a1 = ars, a2 = 2 * ars, a3 = 3 * ars;
        for (int q = 0, bi = 0; q < kn; q++, bi += NR) {
            int o = ai + ks[q];
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector av = FloatVector.broadcast(S, a[o]);
            c00 = av.fma(b0, c00); c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[o + a1]);
            c10 = av.fma(b0, c10); c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[o + a2]);
            c20 = av.fma(b0, c20); c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[o + a3]);
            c30 = av.fma(b0, c30); c31 = av.fma(b1, c31);
        }
        c00.intoArray(c, ci); c01.intoArray(c, ci + L);
        c10.intoArray(c, c1); c11.intoArray(c, c1 + L);
        c20.intoArray(c, c2); c21.intoArray(c, c2 + L);
        c30.intoArray(c, c3); c31.intoArray(c, c3 + L);
    }

    /** T[6, 2L] += A[6, ks] · Bp[kn, 0:2L] on rows of T at {@code t0} with row stride NR, A's rows {@code ars} apart. */
    private static void kernel6x2(float[] a, int ai, int ars, int[] ks, int kn, float[] bp, float[] t, int t0) {
        int t1 = t0 + NR, t2 = t1 + NR, t3 = t2 + NR, t4 = t3 + NR, t5 = t4 + NR;
        FloatVector c00 = FloatVector.fromArray(S, t, t0), c01 = FloatVector.fromArray(S, t, t0 + L);
        FloatVector c10 = FloatVector.fromArray(S, t, t1), c11 = FloatVector.fromArray(S, t, t1 + L);
        FloatVector c20 = FloatVector.fromArray(S, t, t2), c21 = FloatVector.fromArray(S, t, t2 + L);
        FloatVector c30 = FloatVector.fromArray(S, t, t3), c31 = FloatVector.fromArray(S, t, t3 + L);
        FloatVector c40 = FloatVector.fromArray(S, t, t4), c41 = FloatVector.fromArray(S, t, t4 + L);
        FloatVector c50 = FloatVector.fromArray(S, t, t5), c51 = FloatVector.fromArray(S, t, t5 + L);
        int a1 = ai + ars, a2 = a1 + ars, a3 = a2 + ars, a4 = a3 + ars, a5 = a4 + ars;
        for (int q = 0, bi = 0; q < kn; q++, bi += NR) {
            int p = ks[q];
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector av = FloatVector.broadcast(S, a[ai + p]);
            c00 = av.fma(b0, c00); c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[a1 + p]);
            c10 = av.fma(b0, c10); c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[a2 + p]);
            c20 = av.fma(b0, c20); c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[a3 + p]);
            c30 = av.fma(b0, c30); c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, a[a4 + p]);
            c40 = av.fma(b0, c40); c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, a[a5 + p]);
            c50 = av.fma(b0, c50); c51 = av.fma(b1, c51);
        }
        c00.intoArray(t, t0); c01.intoArray(t, t0 + L);
        c10.intoArray(t, t1); c11.intoArray(t, t1 + L);
        c20.intoArray(t, t2); c21.intoArray(t, t2 + L);
        c30.intoArray(t, t3); c31.intoArray(t, t3 + L);
        c40.intoArray(t, t4); c41.intoArray(t, t4 + L);
        c50.intoArray(t, t5); c51.intoArray(t, t5 + L);
    }

    /** C[4, L] += A[4, ks] · Bp[kn, 0:L]: {@link #kernel4} on the first vector of each packed row. */
    private static void kernel4x1(float[] a, int ai, int ars, int[] ks, int kn, float[] bp,
                                  float[] c, int ci, int ldc) {
        int c1 = ci + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        FloatVector c00 = FloatVector.fromArray(S, c, ci), c10 = FloatVector.fromArray(S, c, c1);
        FloatVector c20 = FloatVector.fromArray(S, c, c2), c30 = FloatVector.fromArray(S, c, c3);
        int a1 = ars, a2 = 2 * ars, a3 = 3 * ars;
        for (int q = 0, bi = 0; q < kn; q++, bi += NR) {
            int o = ai + ks[q];
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            c00 = FloatVector.broadcast(S, a[o]).fma(b0, c00);
            c10 = FloatVector.broadcast(S, a[o + a1]).fma(b0, c10);
            c20 = FloatVector.broadcast(S, a[o + a2]).fma(b0, c20);
            c30 = FloatVector.broadcast(S, a[o + a3]).fma(b0, c30);
        }
        c00.intoArray(c, ci); c10.intoArray(c, c1); c20.intoArray(c, c2); c30.intoArray(c, c3);
    }

    /** C[1, NR] += A[1, ks] · Bp[kn, NR]: the rows left over when m is not a multiple of 4. */
    private static void kernel1(float[] a, int ai, int[] ks, int kn, float[] bp, float[] c, int ci) {
        FloatVector c0 = FloatVector.fromArray(S, c, ci), c1 = FloatVector.fromArray(S, c, ci + L), c2 = FloatVector.fromArray(S, c, ci + 2 * L);
        for (int q = 0, bi = 0; q < kn; q++, bi += NR) {
            FloatVector av = FloatVector.broadcast(S, a[ai + ks[q]]);
            c0 = av.fma(FloatVector.fromArray(S, bp, bi), c0);
            c1 = av.fma(FloatVector.fromArray(S, bp, bi + L), c1);
            c2 = av.fma(FloatVector.fromArray(S, bp, bi + 2 * L), c2);
        }
        c0.intoArray(c, ci); c1.intoArray(c, ci + L); c2.intoArray(c, ci + 2 * L);
    }

    // ---------------------------------------------------------------- element-wise and reductions

    @Override
    public void addInto(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(S, y, yOff + i).add(FloatVector.fromArray(S, x, xOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] += x[xOff + i];
        }
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector va = FloatVector.broadcast(S, alpha);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(S, x, xOff + i).fma(va, FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = Math.fma(x[xOff + i], alpha, y[yOff + i]);
        }
    }

    @Override
    public void broadcastRows(float[] bias, int bOff, float[] out, int oOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(bias, bOff, out, oOff + r * cols, cols);
        }
    }

    @Override
    public void relu(float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(S, x, xOff + i).max(zero).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            float v = x[xOff + i];
            y[yOff + i] = v > 0f ? v : 0f;
        }
    }

    @Override
    public void reluBackward(float[] y, int yOff, float[] gy, int gyOff, float[] gx, int gxOff, int n) {
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            VectorMask<Float> pos = FloatVector.fromArray(S, y, yOff + i).compare(VectorOperators.GT, zero);
            FloatVector g = FloatVector.fromArray(S, gy, gyOff + i);
            FloatVector.fromArray(S, gx, gxOff + i).add(g, pos).intoArray(gx, gxOff + i);
        }
        for (; i < n; i++) {
            if (y[yOff + i] > 0f) {
                gx[gxOff + i] += gy[gyOff + i];
            }
        }
    }

    /** The lanes' sum in lane order: {@code reduceLanes} leaves the order unspecified, which would break determinism. */
    private static float laneSum(FloatVector acc) {
        float[] lanes = LANES.get();
        acc.intoArray(lanes, 0);
        float s = 0f;
        for (int l = 0; l < L; l++) {
            s += lanes[l];
        }
        return s;
    }

    @Override
    public float sum(float[] x, int off, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            acc = acc.add(FloatVector.fromArray(S, x, off + i));
        }
        float s = laneSum(acc);
        for (; i < n; i++) {
            s += x[off + i];
        }
        return s;
    }

    @Override
    public float dot(float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            acc = FloatVector.fromArray(S, x, xOff + i).fma(FloatVector.fromArray(S, y, yOff + i), acc);
        }
        float s = laneSum(acc);
        for (; i < n; i++) {
            s = Math.fma(x[xOff + i], y[yOff + i], s);
        }
        return s;
    }

    @Override
    public void columnSums(float[] g, int gOff, int rows, int cols, float[] out, int oOff, boolean accumulate) {
        if (!accumulate) {
            Arrays.fill(out, oOff, oOff + cols, 0f);
        }
        for (int r = 0; r < rows; r++) {
            addInto(g, gOff + r * cols, out, oOff, cols);
        }
    }
}
