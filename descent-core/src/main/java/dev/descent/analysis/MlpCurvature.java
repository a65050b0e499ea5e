package dev.descent.analysis;

import java.util.List;

import dev.descent.nn.Activation;
import dev.descent.nn.Mlp;
import dev.descent.tensor.Tensor;

/**
 * The loss of the tutorial's MLP on a fixed batch — mean {@code nll_loss} of the log-softmax output —
 * with its gradient and exact Hessian-vector products, in double precision.
 *
 * <p>Products use Pearlmutter's R-operator (1994): a forward pass and a backward pass differentiated
 * along the direction v. With z_l = a_{l−1}W_lᵀ + b_l, a_l = f(z_l), p = softmax(z_L), δ_L = (p − Y)/N,
 * e_{l−1} = δ_l W_l and δ_{l−1} = f'(z_{l−1}) ⊙ e_{l−1}:
 * <pre>
 * R z_l = R a_{l−1} W_lᵀ + a_{l−1} V_lᵀ + v_b,          R a_l = f'(z_l) ⊙ R z_l
 * R δ_L = p ⊙ (R z_L − Σ_c p_c R z_{L,c}) / N
 * R e_{l−1} = R δ_l W_l + δ_l V_l,                      R δ_{l−1} = f'(z) ⊙ R e_{l−1} + f''(z) ⊙ R z_{l−1} ⊙ e_{l−1}
 * (H v)_{W_l} = R δ_lᵀ a_{l−1} + δ_lᵀ R a_{l−1},       (H v)_{b_l} = Σ_n R δ_l
 * </pre>
 * This is exact (no finite differences); for ReLU, f'' = 0 away from the kink, as PyTorch's autograd
 * computes it. Parameters are flattened in {@link Mlp#namedParameters()} order, each row-major.
 */
public final class MlpCurvature {

    private final Activation act;
    private final boolean bias;
    private final int[] dims;
    private final double[][] x;
    private final int[] y;
    private final int n;

    /** The loss surface of {@code model}'s architecture on inputs [N, in] and targets. */
    public MlpCurvature(Mlp model, Tensor inputs, int[] targets) {
        this(model, rows(inputs, targets.length, model.spec().inDim()), targets);
    }

    /** The same with float64 inputs, one row per example (for exact comparisons in double precision). */
    public MlpCurvature(Mlp model, double[][] inputs, int[] targets) {
        this.act = model.spec().activation();
        this.bias = model.spec().bias();
        this.dims = model.spec().dims();
        this.n = targets.length;
        if (inputs.length != n) {
            throw new IllegalArgumentException("curvature: " + inputs.length + " inputs for " + n + " targets");
        }
        this.x = new double[n][];
        for (int i = 0; i < n; i++) {
            if (inputs[i].length != dims[0]) {
                throw new IllegalArgumentException("curvature: input " + i + " has " + inputs[i].length + " values, the model takes " + dims[0]);
            }
            x[i] = inputs[i].clone();
        }
        this.y = targets.clone();
        for (int t : targets) {
            if (t < 0 || t >= dims[dims.length - 1]) {
                throw new IllegalArgumentException("curvature: target " + t + " is out of range for " + dims[dims.length - 1] + " classes");
            }
        }
    }

    private static double[][] rows(Tensor inputs, int n, int in) {
        if (inputs.numel() != n * in) {
            throw new IllegalArgumentException("curvature: " + inputs.numel() / Math.max(1, in) + " inputs of " + in + " values for " + n + " targets");
        }
        double[][] r = new double[n][in];
        float[] d = inputs.data();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < in; j++) {
                r[i][j] = d[i * in + j];
            }
        }
        return r;
    }

    /** The number of parameters (the length of every flat vector here). */
    public int size() {
        int s = 0;
        for (int l = 1; l < dims.length; l++) {
            s += dims[l] * dims[l - 1] + (bias ? dims[l] : 0);
        }
        return s;
    }

    /** A model's parameters as one flat vector. */
    public static double[] flatten(Mlp model) {
        List<Tensor> ps = model.parameters();
        int total = 0;
        for (Tensor p : ps) {
            total += p.numel();
        }
        double[] out = new double[total];
        int off = 0;
        for (Tensor p : ps) {
            for (float v : p.data()) {
                out[off++] = v;
            }
        }
        return out;
    }

    /** Writes a flat vector into a model's parameters. */
    public static void unflatten(double[] theta, Mlp model) {
        int off = 0;
        for (Tensor p : model.parameters()) {
            float[] d = p.data();
            for (int i = 0; i < d.length; i++) {
                d[i] = (float) theta[off++];
            }
        }
    }

    /** Weights [out][in] and biases of every layer, read from a flat vector. */
    private record Layers(double[][][] w, double[][] b) {
    }

    private Layers layers(double[] theta) {
        int nl = dims.length - 1;
        double[][][] w = new double[nl][][];
        double[][] b = new double[nl][];
        int off = 0;
        for (int l = 0; l < nl; l++) {
            int out = dims[l + 1], in = dims[l];
            w[l] = new double[out][in];
            for (int o = 0; o < out; o++) {
                System.arraycopy(theta, off + o * in, w[l][o], 0, in);
            }
            off += out * in;
            b[l] = new double[out];
            if (bias) {
                System.arraycopy(theta, off, b[l], 0, out);
                off += out;
            }
        }
        return new Layers(w, b);
    }

    /** Loss at θ. */
    public double loss(double[] theta) {
        return pass(theta, null, false).loss;
    }

    /** Gradient at θ. */
    public double[] gradient(double[] theta) {
        return pass(theta, null, true).grad;
    }

    /** The exact Hessian-vector product H(θ)·v. */
    public double[] hvp(double[] theta, double[] v) {
        if (v.length != theta.length || theta.length != size()) {
            throw new IllegalArgumentException("hvp: vectors of " + theta.length + " and " + v.length + " values for " + size() + " parameters");
        }
        return pass(theta, v, true).hv;
    }

    private record Result(double loss, double[] grad, double[] hv) {
    }

    private Result pass(double[] theta, double[] v, boolean backward) {
        int nl = dims.length - 1;
        Layers p = layers(theta);
        Layers dv = v == null ? null : layers(v);
        double[][][] z = new double[nl][][], a = new double[nl + 1][][], rz = new double[nl][][], ra = new double[nl + 1][][];
        a[0] = x;
        ra[0] = new double[n][dims[0]];
        for (int l = 0; l < nl; l++) {
            int out = dims[l + 1];
            z[l] = affine(a[l], p.w()[l], p.b()[l], out);
            if (dv != null) {
                rz[l] = affine(ra[l], p.w()[l], null, out);
                double[][] t = affine(a[l], dv.w()[l], dv.b()[l], out);
                add(rz[l], t);
            }
            if (l < nl - 1) {
                a[l + 1] = map(z[l], 0);
                if (dv != null) {
                    ra[l + 1] = times(map(z[l], 1), rz[l]);
                }
            }
        }
        int c = dims[nl];
        double[][] prob = new double[n][c];
        double loss = 0;
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (double zz : z[nl - 1][i]) {
                max = Math.max(max, zz);
            }
            double s = 0;
            for (int k = 0; k < c; k++) {
                prob[i][k] = Math.exp(z[nl - 1][i][k] - max);
                s += prob[i][k];
            }
            for (int k = 0; k < c; k++) {
                prob[i][k] /= s;
            }
            loss -= Math.log(prob[i][y[i]]) / n;
        }
        if (!backward) {
            return new Result(loss, null, null);
        }
        double[][] delta = new double[n][c], rdelta = dv == null ? null : new double[n][c];
        for (int i = 0; i < n; i++) {
            double dot = 0;
            if (dv != null) {
                for (int k = 0; k < c; k++) {
                    dot += prob[i][k] * rz[nl - 1][i][k];
                }
            }
            for (int k = 0; k < c; k++) {
                delta[i][k] = (prob[i][k] - (k == y[i] ? 1 : 0)) / n;
                if (dv != null) {
                    rdelta[i][k] = prob[i][k] * (rz[nl - 1][i][k] - dot) / n;
                }
            }
        }
        double[] grad = new double[theta.length], hv = dv == null ? null : new double[theta.length];
        int[] offsets = new int[nl];
        for (int l = 0, off = 0; l < nl; l++) {
            offsets[l] = off;
            off += dims[l + 1] * dims[l] + (bias ? dims[l + 1] : 0);
        }
        for (int l = nl - 1; l >= 0; l--) {
            int out = dims[l + 1], in = dims[l], off = offsets[l];
            for (int o = 0; o < out; o++) {
                for (int j = 0; j < in; j++) {
                    double g = 0, h = 0;
                    for (int i = 0; i < n; i++) {
                        g += delta[i][o] * a[l][i][j];
                        if (dv != null) {
                            h += rdelta[i][o] * a[l][i][j] + delta[i][o] * ra[l][i][j];
                        }
                    }
                    grad[off + o * in + j] = g;
                    if (dv != null) {
                        hv[off + o * in + j] = h;
                    }
                }
                if (bias) {
                    double g = 0, h = 0;
                    for (int i = 0; i < n; i++) {
                        g += delta[i][o];
                        if (dv != null) {
                            h += rdelta[i][o];
                        }
                    }
                    grad[off + out * in + o] = g;
                    if (dv != null) {
                        hv[off + out * in + o] = h;
                    }
                }
            }
            if (l == 0) {
                break;
            }
            double[][] e = backProject(delta, p.w()[l], in);
            double[][] fp = map(z[l - 1], 1);
            double[][] nextDelta = times(fp, e);
            if (dv != null) {
                double[][] re = backProject(rdelta, p.w()[l], in);
                add(re, backProject(delta, dv.w()[l], in));
                double[][] fpp = map(z[l - 1], 2);
                double[][] nextR = times(fp, re);
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < in; j++) {
                        nextR[i][j] += fpp[i][j] * rz[l - 1][i][j] * e[i][j];
                    }
                }
                rdelta = nextR;
            }
            delta = nextDelta;
        }
        return new Result(loss, grad, hv);
    }

    private double[][] affine(double[][] in, double[][] w, double[] b, int out) {
        double[][] r = new double[in.length][out];
        for (int i = 0; i < in.length; i++) {
            for (int o = 0; o < out; o++) {
                double s = b == null ? 0 : b[o];
                double[] wo = w[o];
                for (int j = 0; j < wo.length; j++) {
                    s += in[i][j] * wo[j];
                }
                r[i][o] = s;
            }
        }
        return r;
    }

    /** δ·W: [N, out]·[out, in] → [N, in]. */
    private static double[][] backProject(double[][] d, double[][] w, int in) {
        double[][] r = new double[d.length][in];
        for (int i = 0; i < d.length; i++) {
            for (int o = 0; o < w.length; o++) {
                double dio = d[i][o];
                if (dio != 0) {
                    for (int j = 0; j < in; j++) {
                        r[i][j] += dio * w[o][j];
                    }
                }
            }
        }
        return r;
    }

    private static void add(double[][] a, double[][] b) {
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                a[i][j] += b[i][j];
            }
        }
    }

    private static double[][] times(double[][] a, double[][] b) {
        double[][] r = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            r[i] = new double[a[i].length];
            for (int j = 0; j < a[i].length; j++) {
                r[i][j] = a[i][j] * b[i][j];
            }
        }
        return r;
    }

    /** f (order 0), f' (1) or f'' (2) of the activation, element-wise. */
    private double[][] map(double[][] z, int order) {
        double[][] r = new double[z.length][];
        for (int i = 0; i < z.length; i++) {
            r[i] = new double[z[i].length];
            for (int j = 0; j < z[i].length; j++) {
                r[i][j] = Activations.derivative(act, z[i][j], order);
            }
        }
        return r;
    }
}
