package dev.descent.tensor.kernel;

/**
 * The numeric kernels every tensor operation is built from: dense matrix products in the three
 * layouts a linear layer needs, and the element-wise and reduction loops that are hot in training.
 *
 * <p>All arrays are row-major with explicit offsets and leading dimensions, so a kernel can work on
 * a sub-block of a larger matrix (this is how {@link Gemm} partitions work across threads). Two
 * implementations exist: {@link ScalarKernels} (plain Java, always available) and
 * {@code VectorKernels} (the incubating Vector API). {@link KernelProvider} picks one at start-up.
 *
 * <p>Determinism contract: the value a kernel computes for one output element depends only on the
 * inputs of that element, never on which sub-block the caller asked for. This is what makes results
 * bit-identical for any thread count.
 */
public interface Kernels {

    /** A short name for logs and benchmarks ("vector-256", "scalar"). */
    String name();

    /**
     * Column granularity of parallel splits of C: a part whose width is a multiple of it runs only
     * full-speed kernels, so {@link Gemm} cuts n at multiples of it.
     */
    int splitWidth();

    /**
     * {@code C[m,n] (+)= A[m,k] · B[k,n]}.
     *
     * @param accumulate add into C when true, overwrite C when false
     */
    void gemmNN(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                float[] c, int cOff, int ldc, boolean accumulate);

    /** {@code C[m,n] (+)= A[m,k] · B[n,k]ᵀ} — the forward product of a linear layer, X·Wᵀ. */
    void gemmNT(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                float[] c, int cOff, int ldc, boolean accumulate);

    /** {@code C[m,n] (+)= A[k,m]ᵀ · B[k,n]} — the weight gradient of a linear layer, dYᵀ·X. */
    void gemmTN(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                float[] c, int cOff, int ldc, boolean accumulate);

    /** {@code y[i] += x[i]} for i in [0, n). */
    void addInto(float[] x, int xOff, float[] y, int yOff, int n);

    /** {@code y[i] += alpha·x[i]} for i in [0, n). */
    void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n);

    /** {@code out[r,c] = bias[c]} for every row: the starting value of a fused linear layer. */
    void broadcastRows(float[] bias, int bOff, float[] out, int oOff, int rows, int cols);

    /** {@code y[i] = max(x[i], 0)}. */
    void relu(float[] x, int xOff, float[] y, int yOff, int n);

    /** {@code gx[i] += y[i] > 0 ? gy[i] : 0} — ReLU's backward pass from its output. */
    void reluBackward(float[] y, int yOff, float[] gy, int gyOff, float[] gx, int gxOff, int n);

    /** Sum of x[off .. off+n), in a fixed order for a given implementation. */
    float sum(float[] x, int off, int n);

    /** Dot product of two ranges, in a fixed order for a given implementation. */
    float dot(float[] x, int xOff, float[] y, int yOff, int n);

    /** {@code out[c] (+)= Σ_r g[r,c]} — the bias gradient of a linear layer. */
    void columnSums(float[] g, int gOff, int rows, int cols, float[] out, int oOff, boolean accumulate);
}
