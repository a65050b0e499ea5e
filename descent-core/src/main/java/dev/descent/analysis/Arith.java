package dev.descent.analysis;

import dev.descent.nn.Activation;
import dev.descent.tensor.kernel.Gemm;

/**
 * The dense matrix arithmetic of {@link MlpCurvature}'s passes in one precision: {@link F64} (plain
 * loops in double precision, the exact reference that PyTorch's float64 golden values are met with)
 * and {@link F32} (the GEMM kernels in single precision, as training runs; sums over examples of
 * bias gradients are still accumulated in double). Matrices are flat row-major arrays of type M.
 */
sealed interface Arith<M> permits Arith.F64, Arith.F32 {

    /** A zero matrix of {@code n} values. */
    M zeros(int n);

    /** {@code n} values of {@code src} from {@code off}, in this precision. */
    M of(double[] src, int off, int n);

    /** Every value of {@code m} in double precision. */
    double[] toDoubles(M m);

    /** Copies {@code m}'s values into {@code dst} from {@code off}. */
    void copyTo(M m, double[] dst, int off);

    /** {@code C[m,n] (+)= A[m,k]·B[n,k]ᵀ}. */
    void nt(int m, int n, int k, M a, M b, M c, boolean accumulate);

    /** {@code C[m,n] (+)= A[m,k]·B[k,n]}. */
    void nn(int m, int n, int k, M a, M b, M c, boolean accumulate);

    /** {@code C[m,n] (+)= A[k,m]ᵀ·B[k,n]}. */
    void tn(int m, int n, int k, M a, M b, M c, boolean accumulate);

    /** Adds {@code bias} to every row of {@code out} [rows, cols]. */
    void addRows(M bias, M out, int rows, int cols);

    /** The column sums of {@code g} [rows, cols], added into {@code dst} from {@code off}. */
    void columnSums(M g, int rows, int cols, double[] dst, int off);

    /** f, f' and f'' of the activation, element-wise: three matrices of z's size. */
    java.util.List<M> activation(Activation f, M z);

    /** a ⊙ b. */
    M mul(M a, M b);

    /** out += a ⊙ b ⊙ c. */
    void addMulMul(M out, M a, M b, M c);

    /** Double precision, plain loops: exact to rounding, for small problems and references. */
    final class F64 implements Arith<double[]> {
        static final F64 INSTANCE = new F64();

        private F64() {
        }

        @Override
        public double[] zeros(int n) {
            return new double[n];
        }

        @Override
        public double[] of(double[] src, int off, int n) {
            return java.util.Arrays.copyOfRange(src, off, off + n);
        }

        @Override
        public double[] toDoubles(double[] m) {
            return m.clone();
        }

        @Override
        public void copyTo(double[] m, double[] dst, int off) {
            System.arraycopy(m, 0, dst, off, m.length);
        }

        @Override
        public void nt(int m, int n, int k, double[] a, double[] b, double[] c, boolean accumulate) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = accumulate ? c[i * n + j] : 0;
                    for (int p = 0; p < k; p++) {
                        s += a[i * k + p] * b[j * k + p];
                    }
                    c[i * n + j] = s;
                }
            }
        }

        @Override
        public void nn(int m, int n, int k, double[] a, double[] b, double[] c, boolean accumulate) {
            if (!accumulate) {
                java.util.Arrays.fill(c, 0, m * n, 0);
            }
            for (int i = 0; i < m; i++) {
                for (int p = 0; p < k; p++) {
                    double aip = a[i * k + p];
                    if (aip != 0) {
                        for (int j = 0; j < n; j++) {
                            c[i * n + j] += aip * b[p * n + j];
                        }
                    }
                }
            }
        }

        @Override
        public void tn(int m, int n, int k, double[] a, double[] b, double[] c, boolean accumulate) {
            if (!accumulate) {
                java.util.Arrays.fill(c, 0, m * n, 0);
            }
            for (int r = 0; r < k; r++) {
                for (int i = 0; i < m; i++) {
                    double ari = a[r * m + i];
                    if (ari != 0) {
                        for (int j = 0; j < n; j++) {
                            c[i * n + j] += ari * b[r * n + j];
                        }
                    }
                }
            }
        }

        @Override
        public void addRows(double[] bias, double[] out, int rows, int cols) {
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < cols; j++) {
                    out[r * cols + j] += bias[j];
                }
            }
        }

        @Override
        public void columnSums(double[] g, int rows, int cols, double[] dst, int off) {
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < cols; j++) {
                    dst[off + j] += g[r * cols + j];
                }
            }
        }

        @Override
        public java.util.List<double[]> activation(Activation f, double[] z) {
            double[] v = new double[z.length], d1 = new double[z.length], d2 = new double[z.length], t = new double[3];
            for (int i = 0; i < z.length; i++) {
                Activations.all(f, z[i], t);
                v[i] = t[0];
                d1[i] = t[1];
                d2[i] = t[2];
            }
            return java.util.List.of(v, d1, d2);
        }

        @Override
        public double[] mul(double[] a, double[] b) {
            double[] r = new double[a.length];
            for (int i = 0; i < a.length; i++) {
                r[i] = a[i] * b[i];
            }
            return r;
        }

        @Override
        public void addMulMul(double[] out, double[] a, double[] b, double[] c) {
            for (int i = 0; i < out.length; i++) {
                out[i] += a[i] * b[i] * c[i];
            }
        }
    }

    /** Single precision on the GEMM kernels: as fast as a training step, for full data sets. */
    final class F32 implements Arith<float[]> {
        static final F32 INSTANCE = new F32();

        private F32() {
        }

        @Override
        public float[] zeros(int n) {
            return new float[n];
        }

        @Override
        public float[] of(double[] src, int off, int n) {
            float[] r = new float[n];
            for (int i = 0; i < n; i++) {
                r[i] = (float) src[off + i];
            }
            return r;
        }

        @Override
        public double[] toDoubles(float[] m) {
            double[] r = new double[m.length];
            for (int i = 0; i < m.length; i++) {
                r[i] = m[i];
            }
            return r;
        }

        @Override
        public void copyTo(float[] m, double[] dst, int off) {
            for (int i = 0; i < m.length; i++) {
                dst[off + i] = m[i];
            }
        }

        @Override
        public void nt(int m, int n, int k, float[] a, float[] b, float[] c, boolean accumulate) {
            Gemm.nt(m, n, k, a, 0, b, 0, c, 0, accumulate);
        }

        @Override
        public void nn(int m, int n, int k, float[] a, float[] b, float[] c, boolean accumulate) {
            Gemm.nn(m, n, k, a, 0, b, 0, c, 0, accumulate);
        }

        @Override
        public void tn(int m, int n, int k, float[] a, float[] b, float[] c, boolean accumulate) {
            Gemm.tn(m, n, k, a, 0, b, 0, c, 0, accumulate);
        }

        @Override
        public void addRows(float[] bias, float[] out, int rows, int cols) {
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < cols; j++) {
                    out[r * cols + j] += bias[j];
                }
            }
        }

        @Override
        public void columnSums(float[] g, int rows, int cols, double[] dst, int off) {
            double[] s = new double[cols];
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < cols; j++) {
                    s[j] += g[r * cols + j];
                }
            }
            for (int j = 0; j < cols; j++) {
                dst[off + j] += s[j];
            }
        }

        @Override
        public java.util.List<float[]> activation(Activation f, float[] z) {
            float[] v = new float[z.length], d1 = new float[z.length], d2 = new float[z.length];
            double[] t = new double[3];
            for (int i = 0; i < z.length; i++) {
                Activations.all(f, z[i], t);
                v[i] = (float) t[0];
                d1[i] = (float) t[1];
                d2[i] = (float) t[2];
            }
            return java.util.List.of(v, d1, d2);
        }

        @Override
        public float[] mul(float[] a, float[] b) {
            float[] r = new float[a.length];
            for (int i = 0; i < a.length; i++) {
                r[i] = a[i] * b[i];
            }
            return r;
        }

        @Override
        public void addMulMul(float[] out, float[] a, float[] b, float[] c) {
            for (int i = 0; i < out.length; i++) {
                out[i] += a[i] * b[i] * c[i];
            }
        }
    }
}
