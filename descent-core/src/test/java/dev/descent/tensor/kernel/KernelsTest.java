package dev.descent.tensor.kernel;

import java.util.Arrays;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.descent.tensor.Generator;

import static org.assertj.core.api.Assertions.assertThat;

/** The Vector API kernels held to the scalar ones, and GEMM's thread-count determinism. */
class KernelsTest {

    private final Kernels scalar = KernelProvider.scalar();
    private final Kernels vector = KernelProvider.vector();
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    private static float[] random(Generator g, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) g.nextGaussian();
        }
        return a;
    }

    enum Layout { NN, NT, TN }

    private static void gemm(Kernels k, Layout layout, int m, int n, int kk, float[] a, float[] b, float[] c, boolean acc) {
        switch (layout) {
            case NN -> k.gemmNN(m, n, kk, a, 0, kk, b, 0, n, c, 0, n, acc);
            case NT -> k.gemmNT(m, n, kk, a, 0, kk, b, 0, kk, c, 0, n, acc);
            case TN -> k.gemmTN(m, n, kk, a, 0, m, b, 0, n, c, 0, n, acc);
        }
    }

    /** |C_vector − C_scalar| ≤ 1e-5·Σ_p |A_ip·B_pj| + 1e-6 for every element: a rounding-error bound. */
    @ParameterizedTest(name = "{0}x{1}x{2}")
    @CsvSource({"1,1,1", "3,5,7", "4,24,8", "5,25,9", "4,24,256", "9,49,300", "13,100,513", "64,200,784", "2,10,50", "17,3,1", "8,32,20", "5,64,33", "6,80,17", "7,16,5", "4,100,200", "6,200,50", "5,30,16", "9,60,40", "32,784,64"})
    void vectorGemmMatchesScalarInEveryLayout(int m, int n, int k) {
        Generator g = new Generator(m * 1000L + n * 10L + k);
        for (Layout layout : Layout.values()) {
            float[] a = random(g, m * k), b = random(g, k * n);
            float[] c0 = random(g, m * n);
            for (boolean acc : new boolean[] {false, true}) {
                float[] cs = c0.clone(), cv = c0.clone();
                gemm(scalar, layout, m, n, k, a, b, cs, acc);
                gemm(vector, layout, m, n, k, a, b, cv, acc);
                float[] absA = abs(a), absB = abs(b), bound = acc ? abs(c0) : new float[m * n];
                gemm(scalar, layout, m, n, k, absA, absB, bound, true);
                for (int i = 0; i < cs.length; i++) {
                    assertThat((double) Math.abs(cs[i] - cv[i])).as("%s acc=%s element %d", layout, acc, i)
                            .isLessThanOrEqualTo(1e-5 * bound[i] + 1e-6);
                }
            }
        }
    }

    /**
     * Every element of C is the chain {@code c = fma(A(i,p), B(p,j), c)} in k order, so a plain loop
     * of {@link Math#fma} is the vector kernels' result bit for bit, with or without zeros in the
     * operands: k steps whose packed values are all zero are skipped, and skipping them must change
     * nothing. Sparse cases zero 81% of the elements (as MNIST's pixels) and whole rows and columns.
     */
    @ParameterizedTest(name = "{0}x{1}x{2} sparse={3}")
    @CsvSource({"32,200,784,true", "64,200,784,true", "200,784,64,true", "13,100,300,true", "130,50,200,true",
            "32,200,784,false", "200,784,64,false", "5,30,16,true", "7,16,5,false"})
    void vectorGemmIsTheFmaChainInKOrderAndSkipsZerosExactly(int m, int n, int k, boolean sparse) {
        Generator g = new Generator(m * 7L + n * 131L + k);
        for (Layout layout : Layout.values()) {
            float[] a = random(g, m * k), b = random(g, k * n), c0 = random(g, m * n);
            if (sparse) {
                sparsify(g, a, layout == Layout.TN ? k : m, layout == Layout.TN ? m : k);
                sparsify(g, b, layout == Layout.NT ? n : k, layout == Layout.NT ? k : n);
            }
            for (boolean acc : new boolean[] {false, true}) {
                float[] want = acc ? c0.clone() : new float[m * n], got = c0.clone();
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        float c = want[i * n + j];
                        for (int p = 0; p < k; p++) {
                            float aip = layout == Layout.TN ? a[p * m + i] : a[i * k + p];
                            float bpj = layout == Layout.NT ? b[j * k + p] : b[p * n + j];
                            c = Math.fma(aip, bpj, c);
                        }
                        want[i * n + j] = c;
                    }
                }
                gemm(vector, layout, m, n, k, a, b, got, acc);
                assertThat(got).as("%s acc=%s", layout, acc).isEqualTo(want);
            }
        }
    }

    /** The skip itself: all-zero packed rows are dropped, the others moved up in order with their offsets into A. */
    @Test
    void dropZeroRowsKeepsTheNonZeroRowsInOrder() {
        assertThat(VectorKernels.SKIP_ZEROS).as("the tests run with the skipping on").isTrue();
        int nr = VectorKernels.NR, kc = 7, acs = 5;
        float[] bp = new float[kc * nr];
        int[] nonZero = {1, 4, 6};
        for (int p : nonZero) {
            bp[p * nr + (p * 7) % nr] = p + 0.5f;   // one value somewhere in the row, in any of its vectors
        }
        bp[6 * nr] = Float.NaN;                      // NaN is not zero
        int[] ks = new int[kc];
        assertThat(VectorKernels.dropZeroRows(bp, kc, acs, ks)).isEqualTo(3);
        for (int q = 0; q < nonZero.length; q++) {
            int p = nonZero[q];
            assertThat(ks[q]).isEqualTo(p * acs);
            assertThat(bp[q * nr + (p * 7) % nr]).isEqualTo(p + 0.5f);
        }
        assertThat(bp[2 * nr]).isNaN();
    }

    @Test
    void packKeptIsPackThenDropZeroRows() {
        int nr = VectorKernels.NR, kc = 9, ldb = 2 * nr + 5, acs = 3, base = 7;
        for (int w : new int[]{nr, nr - 5}) {
            float[] b = new float[base + kc * ldb];
            for (int p = 0; p < kc; p++) {
                if (p % 3 != 1) {
                    b[base + p * ldb + (p * 5) % w] = p - 3.5f;   // rows 1, 4, 7 stay zero within the panel
                }
                b[base + p * ldb + w] = 9f;                      // beside the panel: must not count
            }
            b[base + 4 * ldb + w - 1] = Float.NaN;               // NaN is not zero
            // The expected panel, row by row: each row with a value that is not zero (NaN included),
            // its w values and zeros to NR, and its offset into A.
            float[] expected = new float[kc * nr], actual = new float[kc * nr];
            int[] ksExpected = new int[kc], ksActual = new int[kc];
            int kn = 0;
            for (int p = 0; p < kc; p++) {
                boolean any = false;
                for (int j = 0; j < w; j++) {
                    any |= b[base + p * ldb + j] != 0f;
                }
                if (any) {
                    System.arraycopy(b, base + p * ldb, expected, kn * nr, w);
                    ksExpected[kn++] = p * acs;
                }
            }
            assertThat(VectorKernels.packKept(b, base, ldb, kc, w, actual, acs, ksActual)).as("width %d", w).isEqualTo(kn).isEqualTo(7);
            assertThat(Arrays.copyOf(ksActual, kn)).isEqualTo(Arrays.copyOf(ksExpected, kn));
            assertThat(Arrays.copyOf(actual, kn * nr)).isEqualTo(Arrays.copyOf(expected, kn * nr));
        }
    }

    /** Zeros 81% of the elements of a [rows, cols] matrix, every third row and every fifth column entirely. */
    private static void sparsify(Generator g, float[] x, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                if (r % 3 == 1 || c % 5 == 2 || g.nextDouble() < 0.81) {
                    x[r * cols + c] = 0f;
                }
            }
        }
    }

    private static float[] abs(float[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.abs(x[i]);
        }
        return y;
    }

    /** Large enough to be split, with edges in every dimension; n = 100 and 200 split into narrow panels. */
    @ParameterizedTest(name = "{0}x{1}x{2}")
    @CsvSource({"70,203,300", "64,100,200", "64,200,784", "32,200,784", "13,203,300"})
    void gemmIsBitIdenticalForOneTwoAndThreeThreads(int m, int n, int k) {
        Generator g = new Generator(3);
        float[] a = random(g, m * k), b = random(g, k * n), bt = random(g, n * k), at = random(g, k * m);
        float[][] ref = null;
        for (int threads : new int[] {1, 2, 3}) {
            Parallel.setThreads(threads);
            float[] nn = new float[m * n], nt = new float[m * n], tn = new float[m * n], tnRows = new float[m * n];
            Gemm.nn(m, n, k, a, 0, b, 0, nn, 0, false);
            Gemm.nt(m, n, k, a, 0, bt, 0, nt, 0, false);
            Gemm.tn(m, n, k, at, 0, b, 0, tn, 0, false);
            Gemm.tnByRows(m, n, k, at, 0, b, 0, tnRows, 0, false);
            assertThat(tnRows).as("TN split by rows with %d threads", threads).isEqualTo(tn);
            float[][] got = {nn, nt, tn};
            if (ref == null) {
                ref = got;
            } else {
                for (int i = 0; i < 3; i++) {
                    assertThat(Arrays.equals(ref[i], got[i])).as("layout %d with %d threads", i, threads).isTrue();
                }
            }
        }
    }

    /**
     * A few rows of A take the small-m path of NT (Cᵀ = B·Aᵀ, no transposing pack of B); their
     * products must equal the same rows of a tall product, which takes the blocked path, bit for bit.
     * 1,100 columns are more than a thread's scratch holds at first ({@code INITIAL_SCRATCH_COLUMNS}): it grows.
     */
    @ParameterizedTest(name = "{0}x{1}x{2}")
    @CsvSource({"32,200,784", "5,203,300", "1,10,50", "17,100,200", "8,3,1", "64,200,784", "128,100,200", "100,50,100", "4,1100,20"})
    void ntOfFewRowsEqualsTheRowsOfATallProduct(int m, int n, int k) {
        assertThat(1100).as("the widest case makes the scratch grow").isGreaterThan(VectorKernels.INITIAL_SCRATCH_COLUMNS);
        Generator g = new Generator(m + 31L * n + 977L * k);
        int tall = 4 * 64 + 3;
        float[] a = random(g, tall * k), b = random(g, n * k), c0 = random(g, tall * n);
        for (boolean acc : new boolean[] {false, true}) {
            float[] whole = c0.clone(), few = Arrays.copyOf(c0, m * n);
            vector.gemmNT(tall, n, k, a, 0, k, b, 0, k, whole, 0, n, acc);
            vector.gemmNT(m, n, k, a, 0, k, b, 0, k, few, 0, n, acc);
            assertThat(few).as("acc=%s", acc).isEqualTo(Arrays.copyOf(whole, m * n));
        }
    }

    @Test
    void cutsAreAlignedAndCoverTheRange() {
        int[] cuts = Gemm.cuts(203, 3, 24);
        assertThat(cuts[0]).isZero();
        assertThat(cuts[3]).isEqualTo(203);
        assertThat(cuts[1] % 24).isZero();
        assertThat(cuts[2] % 24).isZero();
        assertThat(cuts[1]).isLessThan(cuts[2]);
    }

    @Test
    void elementWiseAndReductionsMatchScalar() {
        Generator g = new Generator(5);
        for (int n : new int[] {0, 1, 7, 8, 9, 31, 100, 1000}) {
            float[] x = random(g, n), y = random(g, n);
            float[] rs = new float[n], rv = new float[n];
            scalar.relu(x, 0, rs, 0, n);
            vector.relu(x, 0, rv, 0, n);
            assertThat(rv).containsExactly(rs);

            float[] gs = y.clone(), gv = y.clone();
            scalar.reluBackward(rs, 0, x, 0, gs, 0, n);
            vector.reluBackward(rv, 0, x, 0, gv, 0, n);
            assertThat(gv).containsExactly(gs);

            float[] as = y.clone(), av = y.clone();
            scalar.addInto(x, 0, as, 0, n);
            vector.addInto(x, 0, av, 0, n);
            assertThat(av).containsExactly(as);

            float[] xs = y.clone(), xv = y.clone();
            scalar.axpy(0.37f, x, 0, xs, 0, n);
            vector.axpy(0.37f, x, 0, xv, 0, n);
            for (int i = 0; i < n; i++) {
                assertThat(xv[i]).isCloseTo(xs[i], org.assertj.core.api.Assertions.within(1e-6f));
            }

            double bound = 0;
            for (float v : x) {
                bound += Math.abs(v);
            }
            assertThat((double) Math.abs(vector.sum(x, 0, n) - scalar.sum(x, 0, n))).isLessThanOrEqualTo(1e-6 * bound + 1e-6);
            double dbound = 0;
            for (int i = 0; i < n; i++) {
                dbound += Math.abs(x[i] * y[i]);
            }
            assertThat((double) Math.abs(vector.dot(x, 0, y, 0, n) - scalar.dot(x, 0, y, 0, n))).isLessThanOrEqualTo(1e-6 * dbound + 1e-6);
        }
    }

    @Test
    void columnSumsAndBroadcastRowsMatchScalar() {
        Generator g = new Generator(9);
        int rows = 13, cols = 37;
        float[] m = random(g, rows * cols);
        float[] s = new float[cols], v = new float[cols];
        scalar.columnSums(m, 0, rows, cols, s, 0, false);
        vector.columnSums(m, 0, rows, cols, v, 0, false);
        assertThat(v).containsExactly(s);
        float[] bias = random(g, cols);
        float[] out = new float[rows * cols];
        vector.broadcastRows(bias, 0, out, 0, rows, cols);
        assertThat(Arrays.copyOfRange(out, 12 * cols, 13 * cols)).containsExactly(bias);
    }

    @Test
    void providerChoosesTheVectorKernelsWhenTheModuleIsPresent() {
        assertThat(KernelProvider.vectorAvailable()).isTrue();
        assertThat(KernelProvider.kernels().name()).startsWith("vector-");
        assertThat(KernelProvider.scalar().name()).isEqualTo("scalar");
    }

    @Test
    void parallelRethrowsATaskFailure() {
        Parallel.setThreads(2);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Parallel.run(4, t -> {
            if (t == 3) {
                throw new IllegalStateException("task 3 failed");
            }
        })).hasMessage("task 3 failed");
    }
}
