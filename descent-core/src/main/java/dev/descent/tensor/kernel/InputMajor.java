package dev.descent.tensor.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A first layer's two products with a sparse input when its weight is stored input-major, as
 * {@code W_t} [in, out] (the transpose of PyTorch's [out, in]), the way the data-parallel training
 * step keeps it between steps: the forward over a band of inputs [p0, p1),
 * {@code z[i, :] = Σ_{p ∈ [p0, p1)} x[i, p]·W_t[p, :]}, and the weight gradient of a band,
 * {@code G_t[p, :] = Σᵢ x[i, p]·dy[i, :]}. Both are vectorized over the layer's outputs, as
 * {@link SparseGemm}'s are, on the input's non-zeros only; in this layout the forward reads the weight's
 * rows as they are stored and the gradient's rows are written as computed, where {@link SparseGemm}
 * transposes the weight's used columns into a table for the forward (21–23 µs of a batch-64 step on each
 * thread, benchmark model) and writes the gradient back through transposed tiles (16–18 µs). Splitting by
 * bands of inputs rather than by outputs, each thread reads, writes and (in the optimizer's step) updates
 * one band of the weight, and lists only its band's columns of the input; the forward's two bands' outputs
 * are then added, {@link #addPartials}.
 *
 * <p>A row of outputs is covered by passes of at most eight vectors ({@link SparseGemm#chunk}); when the
 * output count is not a multiple of the vector length, the last pass is shifted left to end at the last
 * output, and the outputs it shares with the pass before it are computed twice, identically (the same
 * FMAs in the same order), instead of padding rows that are the model's own. So results are a plain
 * loop's: every output of a band is one FMA chain over the band's non-zeros in input order, starting at
 * zero. Requires at least one vector of outputs ({@link #supports}).
 */
public final class InputMajor {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /**
     * Each thread's buffers, made at first use big enough for a batch of 1024 rows (the largest that
     * takes the whole-batch forward) of 784 inputs at 30% non-zero and 208 outputs (growing them
     * during a run made C2 throw compiled code away, see {@link SparseGemm}).
     */
    private static final class Scratch {
        /** The output gradient's rows, laid out as the passes read them, on a 64-byte boundary. */
        MemorySegment table = Arena.ofAuto().allocate(4L * (1 << 18), 64);
        final NonZeros columns = new NonZeros(1 << 10, 1 << 18);
        int touched;
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private InputMajor() {
    }

    /** Whether these kernels serve a layer of {@code out} outputs: at least one vector of them. */
    public static boolean supports(int out) {
        return out >= L;
    }

    /**
     * Where the two threads' bands of inputs meet for a weight of {@code in} inputs and {@code out}
     * outputs: at the row of {@code W_t} nearest the optimizer's halving of its elements ({@link
     * Parallel#cut} at multiples of 64), so that each core's band of the weight is, but for part of a
     * row, the half its own optimizer task updates (the benchmark's 784 × 200: input 392, element
     * 78,400, exactly). A function of the shape alone, so results do not depend on the thread count.
     */
    public static int band(int in, int out) {
        int half = Parallel.cut(in * out, 1, 2, 64);
        return Math.clamp((half + out / 2) / out, 0, in);
    }

    /**
     * {@code z[i, :] = Σ_{p ∈ [p0, p1)} x[i, p]·W_t[p, :]} for every row i of x: z [rows, out] is
     * written (not read), W_t is [in, out].
     */
    public static void forward(SparseInput x, int p0, int p1, float[] wt, int out, float[] z) {
        NonZeros a = x.byRow();
        int m = x.rows(), vectors = Math.ceilDiv(out, L);
        Scratch s = SCRATCH.get();
        // A batch's rows lie at random places in the data set's listing: touched first, their lines
        // are in flight together instead of each row's first lines waited for in turn.
        s.touched += a.touch(m);
        for (int i = 0; i < m; i++) {
            int lo = a.first(i, p0), hi = a.before(i, p1, x.cols());
            for (int v0 = 0, cv; v0 < vectors; v0 += cv) {
                cv = chunk(v0, vectors, out);
                int col = column(v0, cv, vectors, out);
                pass(cv, a.index, a.value, lo, hi, wt, out, col, z, i * out + col);
            }
        }
    }

    /**
     * {@code G_t[p, :] = Σᵢ x[i, p]·dy[i, :]} for the inputs p in [p0, p1): dy is [rows, out] (x's rows),
     * G_t [in, out] must be zero on entry in those rows, and rows of inputs that no row of x uses are
     * left so.
     */
    public static void weightGrad(float[] dy, SparseInput x, int p0, int p1, float[] g) {
        Scratch s = SCRATCH.get();
        int m = x.rows(), out = g.length / x.cols(), vectors = Math.ceilDiv(out, L), w = vectors * L;
        if (s.table.byteSize() < 4L * m * w) {
            s.table = Arena.ofAuto().allocate(4L * m * w, 64);
        }
        MemorySegment t = s.table;
        // dy's rows, each as the passes read it: pass j's vectors from column v0·L of the table.
        for (int i = 0; i < m; i++) {
            for (int v0 = 0, cv; v0 < vectors; v0 += cv) {
                cv = chunk(v0, vectors, out);
                MemorySegment.copy(dy, i * out + column(v0, cv, vectors, out), t, ValueLayout.JAVA_FLOAT, 4L * (i * w + v0 * L), cv * L);
            }
        }
        NonZeros c = s.columns;
        c.columnsOf(x.byRow(), m, x.cols(), p0, p1);
        for (int p = p0; p < p1; p++) {
            int lo = c.start[p - p0], hi = c.end[p - p0];
            if (lo == hi) {
                continue;
            }
            for (int v0 = 0, cv; v0 < vectors; v0 += cv) {
                cv = chunk(v0, vectors, out);
                // The pass reads the table from v0·L and writes G_t's row p from column(...).
                SparseGemm.accumulate(cv, true, c.index, c.value, lo, hi, t, w, v0 * L, g, p * out + column(v0, cv, vectors, out) - v0 * L);
            }
        }
    }

    /**
     * {@code dst[(i − r0)·out + j] = (a[i·out + j] + b[i·out + j]) + bias[j]} for rows [r0, r1): a layer's
     * output from its two bands' partial sums ({@link #forward}) and its bias (null: none).
     */
    public static void addPartials(float[] a, float[] b, float[] bias, int r0, int r1, int out, float[] dst) {
        for (int i = r0; i < r1; i++) {
            int o = i * out, d = (i - r0) * out, j = 0;
            for (int bound = S.loopBound(out); j < bound; j += L) {
                FloatVector v = FloatVector.fromArray(S, a, o + j).add(FloatVector.fromArray(S, b, o + j));
                (bias == null ? v : v.add(FloatVector.fromArray(S, bias, j))).intoArray(dst, d + j);
            }
            for (; j < out; j++) {
                float v = a[o + j] + b[o + j];
                dst[d + j] = bias == null ? v : v + bias[j];
            }
        }
    }

    /**
     * Transposes the [rows, cols] matrix {@code a} in place (it becomes [cols, rows]), through
     * {@code scratch} (at least as long): whole vector-wide blocks in registers, the edges element by element.
     */
    public static void transpose(float[] a, int rows, int cols, float[] scratch) {
        for (int r0 = 0; r0 < rows; r0 += L) {
            for (int c0 = 0; c0 < cols; c0 += L) {
                if (SparseGemm.VECTOR_TRANSPOSE && r0 + L <= rows && c0 + L <= cols) {
                    SparseGemm.transposeBlock(a, r0 * cols + c0, cols, L, scratch, c0 * rows + r0, rows, L);
                } else {
                    for (int r = r0, re = Math.min(rows, r0 + L); r < re; r++) {
                        for (int c = c0, ce = Math.min(cols, c0 + L); c < ce; c++) {
                            scratch[c * rows + r] = a[r * cols + c];
                        }
                    }
                }
            }
        }
        System.arraycopy(scratch, 0, a, 0, rows * cols);
    }

    /**
     * How many vectors the pass from vector v0 takes: {@link SparseGemm#chunk}'s even passes, but never a
     * single pass over a row whose length is not a multiple of the vector (it could not end at the last
     * output); two then.
     */
    private static int chunk(int v0, int vectors, int out) {
        int cv = SparseGemm.chunk(vectors - v0);
        return v0 == 0 && cv == vectors && out % L != 0 ? Math.ceilDiv(vectors, 2) : cv;
    }

    /** The first output of the pass of {@code cv} vectors from vector v0: v0·L, or for the last pass, where it ends at the last output. */
    private static int column(int v0, int cv, int vectors, int out) {
        return v0 + cv == vectors ? out - cv * L : v0 * L;
    }

    /**
     * {@code out[oc .. + cv·L) = Σ_q value[q]·M[index[q], col .. + cv·L)} for q in [lo, hi), one FMA chain
     * per element from zero, M's rows {@code w} floats apart (a heap array: {@link SparseGemm}'s passes
     * read off-heap tables, and one method reading both kinds of memory compiled to slow code for both).
     * One unrolled method per width, as there.
     */
    private static void pass(int cv, int[] index, float[] value, int lo, int hi, float[] m, int w, int col, float[] out, int oc) {
        switch (cv) {
            case 8 -> pass8(index, value, lo, hi, m, w, col, out, oc);
            case 7 -> pass7(index, value, lo, hi, m, w, col, out, oc);
            case 6 -> pass6(index, value, lo, hi, m, w, col, out, oc);
            case 5 -> pass5(index, value, lo, hi, m, w, col, out, oc);
            case 4 -> pass4(index, value, lo, hi, m, w, col, out, oc);
            case 3 -> pass3(index, value, lo, hi, m, w, col, out, oc);
            case 2 -> pass2(index, value, lo, hi, m, w, col, out, oc);
            default -> pass1(index, value, lo, hi, m, w, col, out, oc);
        }
    }

    private static FloatVector at(float[] m, int i) {
        return FloatVector.fromArray(S, m, i);
    }

    private static void pass8(int[] index, float[] value, int lo, int hi, float[] m, int w, int col, float[] out, int oc) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        for (int q = lo; q < hi; q++) {
            int r = index[q] * w + col;
            FloatVector x = FloatVector.broadcast(S, value[q]);
            c0 = x.fma(at(m, r), c0);
            c1 = x.fma(at(m, r + L), c1);
            c2 = x.fma(at(m, r + 2 * L), c2);
            c3 = x.fma(at(m, r + 3 * L), c3);
            c4 = x.fma(at(m, r + 4 * L), c4);
            c5 = x.fma(at(m, r + 5 * L), c5);
            c6 = x.fma(at(m, r + 6 * L), c6);
            c7 = x.fma(at(m, r + 7 * L), c7);
        }
        c0.intoArray(out, oc); c1.intoArray(out, oc + L); c2.intoArray(out, oc + 2 * L); c3.intoArray(out, oc + 3 * L);
        c4.intoArray(out, oc + 4 * L); c5.intoArray(out, oc + 5 * L); c6.intoArray(out, oc + 6 * L); c7.intoArray(out, oc + 7 * L);
    }

    private static void pass7(int[] index, float[] value, int lo, int hi, float[] m, int w, int col, float[] out, int oc) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0;
        for (int q = lo; q < hi; q++) {
            int r = index[q] * w + col;
            FloatVector x = FloatVector.broadcast(S, value[q]);
            c0 = x.fma(at(m, r), c0);
            c1 = x.fma(at(m, r + L), c1);
            c2 = x.fma(at(m, r + 2 * L), c2);
            c3 = x.fma(at(m, r + 3 * L), c3);
            c4 = x.fma(at(m, r + 4 * L), c4);
            c5 = x.fma(at(m, r + 5 * L), c5);
            c6 = x.fma(at(m, r + 6 * L), c6);
        }
        c0.intoArray(out, oc); c1.intoArray(out, oc + L); c2.intoArray(out, oc + 2 * L); c3.intoArray(out, oc + 3 * L);
        c4.intoArray(out, oc + 4 * L); c5.intoArray(out, oc + 5 * L); c6.intoArray(out, oc + 6 * L);
    }

    private static void pass6(int[] index, float[] value, int lo, int hi, float[] m, int w, int col, float[] out, int oc) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
        for (int q = lo; q < hi; q++) {
            int r = index[q] * w + col;
            FloatVector x = FloatVector.broadcast(S, value[q]);
            c0 = x.fma(at(m, r), c0);
            c1 = x.fma(at(m, r + L), c1);
            c2 = x.fma(at(m, r + 2 * L), c2);
            c3 = x.fma(at(m, r + 3 * L), c3);
            c4 = x.fma(at(m, r + 4 * L), c4);
            c5 = x.fma(at(m, r + 5 * L), c5);
        }
        c0.intoArray(out, oc); c1.intoArray(out, oc + L); c2.intoArray(out, oc + 2 * L); c3.intoArray(out, oc + 3 * L);
        c4.intoArray(out, oc + 4 * L); c5.intoArray(out, oc + 5 * L);
    }

    private static void pass5(int[] index, float[] value, int lo, int hi, float[] m, int w, int col, float[] out, int oc) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0;
        for (int q = lo; q < hi; q++) {
            int r = index[q] * w + col;
            FloatVector x = FloatVector.broadcast(S, value[q]);
            c0 = x.fma(at(m, r), c0);
            c1 = x.fma(at(m, r + L), c1);
            c2 = x.fma(at(m, r + 2 * L), c2);
            c3 = x.fma(at(m, r + 3 * L), c3);
            c4 = x.fma(at(m, r + 4 * L), c4);
        }
        c0.intoArray(out, oc); c1.intoArray(out, oc + L); c2.intoArray(out, oc + 2 * L); c3.intoArray(out, oc + 3 * L);
        c4.intoArray(out, oc + 4 * L);
    }

    private static void pass4(int[] index, float[] value, int lo, int hi, float[] m, int w, int col, float[] out, int oc) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
        for (int q = lo; q < hi; q++) {
            int r = index[q] * w + col;
            FloatVector x = FloatVector.broadcast(S, value[q]);
            c0 = x.fma(at(m, r), c0);
            c1 = x.fma(at(m, r + L), c1);
            c2 = x.fma(at(m, r + 2 * L), c2);
            c3 = x.fma(at(m, r + 3 * L), c3);
        }
        c0.intoArray(out, oc); c1.intoArray(out, oc + L); c2.intoArray(out, oc + 2 * L); c3.intoArray(out, oc + 3 * L);
    }

    private static void pass3(int[] index, float[] value, int lo, int hi, float[] m, int w, int col, float[] out, int oc) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0;
        for (int q = lo; q < hi; q++) {
            int r = index[q] * w + col;
            FloatVector x = FloatVector.broadcast(S, value[q]);
            c0 = x.fma(at(m, r), c0);
            c1 = x.fma(at(m, r + L), c1);
            c2 = x.fma(at(m, r + 2 * L), c2);
        }
        c0.intoArray(out, oc); c1.intoArray(out, oc + L); c2.intoArray(out, oc + 2 * L);
    }

    private static void pass2(int[] index, float[] value, int lo, int hi, float[] m, int w, int col, float[] out, int oc) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0;
        for (int q = lo; q < hi; q++) {
            int r = index[q] * w + col;
            FloatVector x = FloatVector.broadcast(S, value[q]);
            c0 = x.fma(at(m, r), c0);
            c1 = x.fma(at(m, r + L), c1);
        }
        c0.intoArray(out, oc); c1.intoArray(out, oc + L);
    }

    private static void pass1(int[] index, float[] value, int lo, int hi, float[] m, int w, int col, float[] out, int oc) {
        FloatVector c0 = FloatVector.zero(S);
        for (int q = lo; q < hi; q++) {
            c0 = FloatVector.broadcast(S, value[q]).fma(at(m, index[q] * w + col), c0);
        }
        c0.intoArray(out, oc);
    }
}
