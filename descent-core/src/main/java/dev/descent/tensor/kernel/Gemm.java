package dev.descent.tensor.kernel;

/**
 * Dense matrix products on contiguous row-major matrices, parallel over outputs.
 *
 * <p>Every layout splits C by columns, so that each task packs only its own panels of B; the cuts
 * fall on multiples of {@link Kernels#splitWidth()}, one vector, so that small n (100 or 200 columns
 * with 48-column AVX-512 panels) still divide evenly. Products below {@link #PARALLEL_FLOPS} run on
 * the calling thread, where the hand-off would cost more than it saves. Because every kernel
 * computes each element of C the same way whatever block it is in, the result is bit-identical for any thread count.
 */
public final class Gemm {

    /** Products with fewer floating-point operations than this run single-threaded. */
    static final long PARALLEL_FLOPS = 1L << 20;

    private Gemm() {
    }

    /** {@code C[m,n] (+)= A[m,k] · B[k,n]} with the chosen kernels. */
    public static void nn(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
        nn(KernelProvider.kernels(), m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
    }

    /** {@code C[m,n] (+)= A[m,k] · B[n,k]ᵀ} with the chosen kernels. */
    public static void nt(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
        nt(KernelProvider.kernels(), m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
    }

    /** {@code C[m,n] (+)= A[k,m]ᵀ · B[k,n]} with the chosen kernels. */
    public static void tn(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
        tn(KernelProvider.kernels(), m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
    }

    /**
     * {@code C[m,n] (+)= A[k,m]ᵀ · B[k,n]}, C split across the threads by whole rows (cut at multiples
     * of 4, the micro-kernel's height) rather than by columns: each thread packs all of B, but writes
     * only its own rows of C. A linear layer's weight gradient is such a C, and an element-wise
     * optimizer update splits the weight the same way (halves: 100 of 200 rows), so each thread then
     * updates the gradient rows its own core wrote. Bit-identical for any thread count, like the rest.
     */
    public static void tnByRows(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
        Kernels kx = KernelProvider.kernels();
        int tasks = tasks(m, n, k, Math.ceilDiv(m, 4));
        if (tasks <= 1) {
            kx.gemmTN(m, n, k, a, aOff, m, b, bOff, n, c, cOff, n, accumulate);
            return;
        }
        int[] cuts = cuts(m, tasks, 4);
        Parallel.run(tasks, t -> kx.gemmTN(cuts[t + 1] - cuts[t], n, k, a, aOff + cuts[t], m, b, bOff, n, c, cOff + cuts[t] * n, n, accumulate));
    }

    /**
     * {@code C[m,n] (+)= A[m,k] · B[n,k]ᵀ} with A listed by its non-zeros ({@link SparseInput}, m×k):
     * as {@link #nt}, C split across the threads by columns, each thread reading the shared listing.
     */
    public static void nt(SparseInput a, int n, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
        nt(a, n, b, bOff, null, c, cOff, accumulate);
    }

    /**
     * {@code C[m,n] = A[m,k] · B[n,k]ᵀ + bias} (the bias added to every row) with A listed by its
     * non-zeros: as {@link #nt(SparseInput, int, float[], int, float[], int, boolean)} on a C that
     * holds the bias in every row, each thread starting its columns' chains from the bias itself (C is
     * written, not read), so that no pass over C before the product is needed.
     */
    public static void nt(SparseInput a, int n, float[] b, int bOff, float[] bias, float[] c, int cOff) {
        nt(a, n, b, bOff, java.util.Objects.requireNonNull(bias, "bias"), c, cOff, false);
    }

    /**
     * {@code C₀ = A[:, 0:band)·B[:, 0:band)ᵀ} and {@code C₁ = A[:, band:k)·B[:, band:k)ᵀ} for A [m, k]
     * listed by its non-zeros and B [n, k]: a first layer's output in the two bands of inputs that
     * {@link InputMajor#forward} computes from the weight stored input-major, bit for bit, here from the
     * weight in its own layout (C₀ and C₁ [m, n] are written, not read). As
     * {@link #nt(SparseInput, int, float[], int, float[], int, boolean)}, split across the threads by
     * columns.
     */
    public static void ntBands(SparseInput a, int n, float[] b, int bOff, int band, float[] c0, float[] c1) {
        Kernels kx = KernelProvider.kernels();
        int m = a.rows(), k = a.cols(), tasks = Math.max(1, columnTasks(kx, m, n, k));
        int[] cuts = cuts(n, tasks, kx.splitWidth());
        Parallel.run(tasks, t -> SparseGemm.ntBands(m, cuts[t + 1] - cuts[t], k, a.byRow(), b, bOff + cuts[t] * k, k, band, c0, c1, cuts[t], n));
    }

    private static void nt(SparseInput a, int n, float[] b, int bOff, float[] bias, float[] c, int cOff, boolean accumulate) {
        Kernels kx = KernelProvider.kernels();
        int m = a.rows(), k = a.cols(), tasks = Math.max(1, columnTasks(kx, m, n, k));
        int[] cuts = cuts(n, tasks, kx.splitWidth());
        Parallel.run(tasks, t -> {
            int c0 = cuts[t], w = cuts[t + 1] - c0;
            if (bias == null && !accumulate) {
                zero(c, cOff + c0, n, m, w);
            }
            SparseGemm.nt(m, w, k, a.byRow(), b, bOff + c0 * k, k, c, cOff + c0, n, bias, c0);
        });
    }

    /**
     * {@code C[m,n] (+)= A[k,m]ᵀ · B[k,n]} with B listed by its non-zeros ({@link SparseInput}, k×n): as
     * {@link #tnByRows}, each thread its rows of C from the shared listing of B's columns. A part of C
     * that is to be accumulated into and is not zero takes the dense kernel, on B's dense array. On two
     * threads, an odd number of vectors of rows is split evenly by sharing the last vector by columns
     * ({@link #oddShare}).
     */
    public static void tnByRows(int m, float[] a, int aOff, SparseInput b, float[] c, int cOff, boolean accumulate) {
        tnByRows(m, a, aOff, b, c, cOff, accumulate, false);
    }

    /**
     * As {@link #tnByRows(int, float[], int, SparseInput, float[], int, boolean)}; with {@code cZero}
     * the caller knows C to be zero, so that C is neither zeroed nor checked before it is written.
     */
    public static void tnByRows(int m, float[] a, int aOff, SparseInput b, float[] c, int cOff, boolean accumulate, boolean cZero) {
        Kernels kx = KernelProvider.kernels();
        int k = b.rows(), n = b.cols(), tasks = Math.max(1, tasks(m, n, k, Math.ceilDiv(m, 4)));
        int own = tasks == 2 ? oddShare(m, kx.splitWidth()) : 0;
        if (own > 0) {
            int tail = 2 * own, tailM = m - tail;
            int[] columns = cuts(n, 2, kx.splitWidth());
            Parallel.run(2, t -> {
                int r0 = t * own, p0 = columns[t], p1 = columns[t + 1], ci = cOff + r0 * n, ti = cOff + tail * n + p0;
                if (!accumulate && !cZero) {
                    zero(c, ci, n, own, n);
                    zero(c, ti, n, tailM, p1 - p0);
                }
                if (!accumulate || cZero || SparseGemm.isZero(c, ci, n, own, n) && SparseGemm.isZero(c, ti, n, tailM, p1 - p0)) {
                    SparseGemm.tn(own, n, k, a, aOff + r0, m, b.byColumn(t), c, ci, n, aOff + tail, cOff + tail * n, tailM, p0, p1);
                } else {
                    kx.gemmTN(own, n, k, a, aOff + r0, m, b.data(), b.offset(), n, c, ci, n, true);
                    kx.gemmTN(tailM, p1 - p0, k, a, aOff + tail, m, b.data(), b.offset() + p0, n, c, ti, n, true);
                }
            });
            return;
        }
        int[] cuts = cuts(m, tasks, 4);
        Parallel.run(tasks, t -> {
            int r0 = cuts[t], rows = cuts[t + 1] - r0, ci = cOff + r0 * n;
            if (!accumulate && !cZero) {
                zero(c, ci, n, rows, n);
            }
            if (!accumulate || cZero || SparseGemm.isZero(c, ci, n, rows, n)) {
                SparseGemm.tn(rows, n, k, a, aOff + r0, m, b.byColumn(t), c, ci, n);
            } else {
                kx.gemmTN(rows, n, k, a, aOff + r0, m, b.data(), b.offset(), n, c, ci, n, true);
            }
        });
    }

    /**
     * The columns (or rows) each of two threads keeps of its own when {@code n} of them make an odd
     * number (three or more) of {@code width}-wide vectors, the last vector then shared between the
     * threads along the other dimension; 0 otherwise. A plain split at a vector boundary would give one
     * thread a vector more than the other (the benchmark's 200 outputs are 12.5 vectors of 16: 6
     * against 7, where sharing the last gives each 6½), and the faster thread would wait for the other.
     * Each element is computed as before, so results do not change.
     */
    static int oddShare(int n, int width) {
        int vectors = Math.ceilDiv(n, width);
        return vectors >= 3 && vectors % 2 == 1 ? (vectors - 1) / 2 * width : 0;
    }

    /**
     * Zeroes {@code cols} columns of {@code rows} rows of C from {@code off} (row stride ld): what
     * {@code accumulate = false} means to every product, here and in the kernels.
     */
    static void zero(float[] c, int off, int ld, int rows, int cols) {
        for (int i = 0; i < rows; i++) {
            java.util.Arrays.fill(c, off + i * ld, off + i * ld + cols, 0f);
        }
    }

    /** {@code C[m,n] (+)= A[m,k] · B[k,n]} with the given kernels. */
    public static void nn(Kernels kx, int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
        int tasks = columnTasks(kx, m, n, k);
        if (tasks <= 1) {
            kx.gemmNN(m, n, k, a, aOff, k, b, bOff, n, c, cOff, n, accumulate);
            return;
        }
        int[] cuts = cuts(n, tasks, kx.splitWidth());
        Parallel.run(tasks, t -> kx.gemmNN(m, cuts[t + 1] - cuts[t], k, a, aOff, k, b, bOff + cuts[t], n, c, cOff + cuts[t], n, accumulate));
    }

    /** {@code C[m,n] (+)= A[k,m]ᵀ · B[k,n]} with the given kernels. */
    public static void tn(Kernels kx, int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
        int tasks = columnTasks(kx, m, n, k);
        if (tasks <= 1) {
            kx.gemmTN(m, n, k, a, aOff, m, b, bOff, n, c, cOff, n, accumulate);
            return;
        }
        int[] cuts = cuts(n, tasks, kx.splitWidth());
        Parallel.run(tasks, t -> kx.gemmTN(m, cuts[t + 1] - cuts[t], k, a, aOff, m, b, bOff + cuts[t], n, c, cOff + cuts[t], n, accumulate));
    }

    /** {@code C[m,n] (+)= A[m,k] · B[n,k]ᵀ} with the given kernels. */
    public static void nt(Kernels kx, int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
        int tasks = columnTasks(kx, m, n, k);
        if (tasks <= 1) {
            kx.gemmNT(m, n, k, a, aOff, k, b, bOff, k, c, cOff, n, accumulate);
            return;
        }
        int[] cuts = cuts(n, tasks, kx.splitWidth());
        Parallel.run(tasks, t -> kx.gemmNT(m, cuts[t + 1] - cuts[t], k, a, aOff, k, b, bOff + cuts[t] * k, k, c, cOff + cuts[t], n, accumulate));
    }

    private static int columnTasks(Kernels kx, int m, int n, int k) {
        return tasks(m, n, k, Math.ceilDiv(n, kx.splitWidth()));
    }

    /** How many threads an m×n×k product uses: one below {@link #PARALLEL_FLOPS}, else at most one per unit of the split. */
    private static int tasks(int m, int n, int k, int units) {
        if ((long) m * n * k * 2 < PARALLEL_FLOPS) {
            return 1;
        }
        return Math.min(Parallel.threads(), units);
    }

    /** Splits [0, total) into {@code parts} ranges whose inner boundaries are multiples of {@code align}. */
    static int[] cuts(int total, int parts, int align) {
        int[] cuts = new int[parts + 1];
        for (int t = 0; t <= parts; t++) {
            cuts[t] = Parallel.cut(total, t, parts, align);
        }
        return cuts;
    }
}
