package dev.descent.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import dev.descent.nn.Activation;
import dev.descent.nn.Mlp;
import dev.descent.tensor.Tensor;
import dev.descent.train.Loss;

/**
 * The loss of the tutorial's MLP on a fixed batch — the mean {@code nll_loss} of its log-softmax
 * output, or the mean {@code mse_loss} of its scores against one-hot targets — with its gradient
 * and exact Hessian-vector products, in float64 (plain loops, the reference) or float32 (the GEMM
 * kernels, for whole data sets).
 *
 * <p>Products use Pearlmutter's R-operator (1994): a forward pass and a backward pass differentiated
 * along the direction v. With z_l = a_{l−1}W_lᵀ + b_l, a_l = f(z_l), s = z_L the scores,
 * e_{l−1} = δ_l W_l and δ_{l−1} = f'(z_{l−1}) ⊙ e_{l−1}, and the head δ_L = ∂loss/∂s:
 * <pre>
 * R z_l = R a_{l−1} W_lᵀ + a_{l−1} V_lᵀ + v_b,          R a_l = f'(z_l) ⊙ R z_l
 * nll:  δ_L = (softmax(s) − Y)/N,   R δ_L = p ⊙ (R s − Σ_c p_c R s_c) / N
 * mse:  δ_L = 2(s − Y)/(N·C),        R δ_L = 2 R s / (N·C)
 * R e_{l−1} = R δ_l W_l + δ_l V_l,                      R δ_{l−1} = f'(z) ⊙ R e_{l−1} + f''(z) ⊙ R z_{l−1} ⊙ e_{l−1}
 * (H v)_{W_l} = R δ_lᵀ a_{l−1} + δ_lᵀ R a_{l−1},       (H v)_{b_l} = Σ_n R δ_l
 * </pre>
 * This is exact (no finite differences); for ReLU, f'' = 0 away from the kink, as PyTorch's autograd
 * computes it. Parameters are flattened in {@link Mlp#namedParameters()} order, each row-major.
 * {@link #at} evaluates everything that does not depend on v once, so that the products of one
 * Lanczos run cost about two gradients each.
 */
public final class MlpCurvature {

    /** The arithmetic of the passes. */
    public enum Precision {
        /** Double precision with plain loops: exact to rounding (matches PyTorch's float64 to 1e-9). */
        FLOAT64,
        /** Single precision on the GEMM kernels, as training computes: for thousands of examples. */
        FLOAT32
    }

    /**
     * The parameters of one linear layer within the flat vector.
     *
     * @param name   the layer's module name ({@code main.0}, {@code main.2}, …)
     * @param layer  its index among the linear layers, input first
     * @param offset the position of its weight's first value
     * @param length its weight and bias values together
     */
    public record Block(String name, int layer, int offset, int length) {
    }

    private final Engine<?> engine;
    private final List<Block> blocks;
    private final int size;
    private final int examples;

    /** The nll loss of {@code model}'s architecture on inputs [N, in] and targets, in float64. */
    public MlpCurvature(Mlp model, Tensor inputs, int[] targets) {
        this(model, inputs, targets, Loss.NLL, Precision.FLOAT64);
    }

    /** The same with float64 inputs, one row per example (for exact comparisons in double precision). */
    public MlpCurvature(Mlp model, double[][] inputs, int[] targets) {
        this(model, flat(inputs, model.spec().inDim(), targets.length), targets, Loss.NLL, Precision.FLOAT64);
    }

    /** {@code loss} of {@code model}'s architecture on inputs [N, in] and targets, in {@code precision}. */
    public MlpCurvature(Mlp model, Tensor inputs, int[] targets, Loss loss, Precision precision) {
        this(model, widen(inputs, targets.length, model.spec().inDim()), targets, loss, precision);
    }

    /** The same with float64 inputs, flat and row-major [N, in]. */
    public MlpCurvature(Mlp model, double[] inputs, int[] targets, Loss loss, Precision precision) {
        int[] dims = model.spec().dims();
        int n = targets.length;
        if (inputs.length != (long) n * dims[0]) {
            throw new IllegalArgumentException("curvature: " + inputs.length / Math.max(1, dims[0]) + " inputs of " + dims[0] + " values for " + n + " targets");
        }
        if (n == 0) {
            throw new IllegalArgumentException("curvature: needs at least one example");
        }
        int classes = dims[dims.length - 1];
        for (int t : targets) {
            if (t < 0 || t >= classes) {
                throw new IllegalArgumentException("curvature: target " + t + " is out of range for " + classes + " classes");
            }
        }
        boolean bias = model.spec().bias();
        List<Block> bl = new ArrayList<>();
        int off = 0;
        for (int l = 1; l < dims.length; l++) {
            int len = dims[l] * dims[l - 1] + (bias ? dims[l] : 0);
            bl.add(new Block("main." + 2 * (l - 1), l - 1, off, len));
            off += len;
        }
        this.blocks = List.copyOf(bl);
        this.size = off;
        this.examples = n;
        Arith<?> ar = precision == Precision.FLOAT64 ? Arith.F64.INSTANCE : Arith.F32.INSTANCE;
        this.engine = new Engine<>(ar, dims, bias, model.spec().activation(), loss, inputs, targets.clone(), blocks);
    }

    private static double[] flat(double[][] rows, int in, int n) {
        if (rows.length != n) {
            throw new IllegalArgumentException("curvature: " + rows.length + " inputs for " + n + " targets");
        }
        double[] x = new double[n * in];
        for (int i = 0; i < n; i++) {
            if (rows[i].length != in) {
                throw new IllegalArgumentException("curvature: input " + i + " has " + rows[i].length + " values, the model takes " + in);
            }
            System.arraycopy(rows[i], 0, x, i * in, in);
        }
        return x;
    }

    private static double[] widen(Tensor inputs, int n, int in) {
        if (inputs.numel() != (long) n * in) {
            throw new IllegalArgumentException("curvature: " + inputs.numel() / Math.max(1, in) + " inputs of " + in + " values for " + n + " targets");
        }
        float[] d = inputs.data();
        double[] x = new double[d.length];
        for (int i = 0; i < d.length; i++) {
            x[i] = d[i];
        }
        return x;
    }

    /** The number of parameters (the length of every flat vector here). */
    public int size() {
        return size;
    }

    /** The number of examples in the batch. */
    public int examples() {
        return examples;
    }

    /** The linear layers' parameter ranges, input first. */
    public List<Block> blocks() {
        return blocks;
    }

    /** Loss at θ. */
    public double loss(double[] theta) {
        return at(theta).loss();
    }

    /** Gradient at θ. */
    public double[] gradient(double[] theta) {
        return at(theta).gradient();
    }

    /** The exact Hessian-vector product H(θ)·v. */
    public double[] hvp(double[] theta, double[] v) {
        return at(theta).hvp(v);
    }

    /** The loss surface at θ: its value and gradient, and Hessian products that reuse the passes at θ. */
    public Point at(double[] theta) {
        if (theta.length != size) {
            throw new IllegalArgumentException("curvature: θ has " + theta.length + " values for " + size + " parameters");
        }
        return engine.at(theta);
    }

    /** The loss, gradient and Hessian at one θ. */
    public sealed interface Point permits Engine.At {
        /** The loss. */
        double loss();

        /** The gradient (a copy). */
        double[] gradient();

        /** H·v over all parameters. */
        double[] hvp(double[] v);

        /** The diagonal block of H for one layer's parameters, applied to a vector of that block's length. */
        double[] hvp(Block block, double[] v);

        /** H as an operator, for Lanczos and Hutchinson. */
        default UnaryOperator<double[]> hessian() {
            return this::hvp;
        }

        /** The diagonal block H_bb as an operator on vectors of the block's length. */
        default UnaryOperator<double[]> hessian(Block block) {
            return v -> hvp(block, v);
        }
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

    /** The passes in one precision M. */
    private static final class Engine<M> {
        private final Arith<M> ar;
        private final int[] dims;
        private final boolean bias;
        private final Activation act;
        private final Loss loss;
        private final M x;
        private final int[] y;
        private final int n;
        private final List<Block> blocks;

        Engine(Arith<M> ar, int[] dims, boolean bias, Activation act, Loss loss, double[] inputs, int[] y, List<Block> blocks) {
            this.ar = ar;
            this.dims = dims;
            this.bias = bias;
            this.act = act;
            this.loss = loss;
            this.x = ar.of(inputs, 0, inputs.length);
            this.y = y;
            this.n = y.length;
            this.blocks = blocks;
        }

        At at(double[] theta) {
            return new At(theta);
        }

        /** Everything at θ that Hessian products reuse. */
        final class At implements Point {
            private final int layers = dims.length - 1;
            private final List<M> w = new ArrayList<>();
            /** a[l]: the input of linear layer l (a[0] = x). */
            private final List<M> a = new ArrayList<>();
            /** f'(z_l) and f''(z_l) of the hidden layers. */
            private final List<M> d1 = new ArrayList<>(), d2 = new ArrayList<>();
            /** δ_l = ∂loss/∂z_l and e_l = δ_l·W_l, per layer. */
            private final List<M> delta = new ArrayList<>(), e = new ArrayList<>();
            /** softmax(s) for nll, [N·C] in double precision. */
            private final double[] prob;
            private final double lossValue;
            private final double[] grad;

            At(double[] theta) {
                for (Block b : blocks) {
                    int out = dims[b.layer() + 1], in = dims[b.layer()];
                    w.add(ar.of(theta, b.offset(), out * in));
                }
                a.add(x);
                M z = null;
                for (int l = 0; l < layers; l++) {
                    int out = dims[l + 1], in = dims[l];
                    z = ar.zeros(n * out);
                    if (bias) {
                        ar.addRows(ar.of(theta, blocks.get(l).offset() + out * in, out), z, n, out);
                    }
                    ar.nt(n, out, in, a.get(l), w.get(l), z, true);
                    if (l < layers - 1) {
                        List<M> f = ar.activation(act, z);
                        a.add(f.get(0));
                        d1.add(f.get(1));
                        d2.add(f.get(2));
                    }
                }
                int c = dims[layers];
                double[] s = ar.toDoubles(z);
                double[] dl = new double[n * c];
                double lv = 0;
                if (loss == Loss.NLL) {
                    prob = new double[n * c];
                    for (int i = 0; i < n; i++) {
                        double max = Double.NEGATIVE_INFINITY;
                        for (int k = 0; k < c; k++) {
                            max = Math.max(max, s[i * c + k]);
                        }
                        double sum = 0;
                        for (int k = 0; k < c; k++) {
                            prob[i * c + k] = Math.exp(s[i * c + k] - max);
                            sum += prob[i * c + k];
                        }
                        for (int k = 0; k < c; k++) {
                            prob[i * c + k] /= sum;
                            dl[i * c + k] = (prob[i * c + k] - (k == y[i] ? 1 : 0)) / n;
                        }
                        lv -= Math.log(prob[i * c + y[i]]);
                    }
                    lv /= n;
                } else {
                    prob = null;
                    double scale = 2.0 / ((double) n * c);
                    for (int i = 0; i < n; i++) {
                        for (int k = 0; k < c; k++) {
                            double r = s[i * c + k] - (k == y[i] ? 1 : 0);
                            lv += r * r;
                            dl[i * c + k] = scale * r;
                        }
                    }
                    lv /= (double) n * c;
                }
                lossValue = lv;
                grad = new double[size()];
                M d = ar.of(dl, 0, dl.length);
                for (int l = layers - 1; l >= 0; l--) {
                    delta.add(0, d);
                    parameterProducts(l, d, a.get(l), null, null, grad);
                    if (l == 0) {
                        e.add(0, null);
                        break;
                    }
                    M el = ar.zeros(n * dims[l]);
                    ar.nn(n, dims[l], dims[l + 1], d, w.get(l), el, false);
                    e.add(0, el);
                    d = ar.mul(d1.get(l - 1), el);
                }
            }

            private int size() {
                Block last = blocks.get(blocks.size() - 1);
                return last.offset() + last.length();
            }

            /**
             * Adds layer l's weight product dᵀ·a (+ d2ᵀ·a2) and bias sums Σ d into {@code out} at the
             * layer's offset.
             */
            private void parameterProducts(int l, M d, M in, M d2nd, M in2nd, double[] out) {
                int o = dims[l + 1], i = dims[l];
                Block b = blocks.get(l);
                M gw = ar.zeros(o * i);
                ar.tn(o, i, n, d, in, gw, false);
                if (d2nd != null) {
                    ar.tn(o, i, n, d2nd, in2nd, gw, true);
                }
                ar.copyTo(gw, out, b.offset());
                if (bias) {
                    ar.columnSums(d, n, o, out, b.offset() + o * i);
                }
            }

            @Override
            public double loss() {
                return lossValue;
            }

            @Override
            public double[] gradient() {
                return grad.clone();
            }

            @Override
            public double[] hvp(double[] v) {
                if (v.length != size()) {
                    throw new IllegalArgumentException("hvp: a vector of " + v.length + " values for " + size() + " parameters");
                }
                double[] out = new double[v.length];
                product(v, 0, layers - 1, out);
                return out;
            }

            @Override
            public double[] hvp(Block block, double[] v) {
                if (!blocks.contains(block)) {
                    throw new IllegalArgumentException("hvp: " + block + " is not a block of this model");
                }
                if (v.length != block.length()) {
                    throw new IllegalArgumentException("hvp: a vector of " + v.length + " values for block " + block.name() + " of " + block.length());
                }
                double[] full = new double[size()];
                System.arraycopy(v, 0, full, block.offset(), v.length);
                double[] out = new double[size()];
                product(full, block.layer(), block.layer(), out);
                return java.util.Arrays.copyOfRange(out, block.offset(), block.offset() + block.length());
            }

            /**
             * H·v for a v that is zero outside layers [lo, hi], written for those layers only: the
             * R-forward pass starts at lo and the R-backward pass stops there.
             */
            private void product(double[] v, int lo, int hi, double[] out) {
                // rz[l] = R z_l and ra[l] = R a_l (the input of layer l), null where they are zero (l < lo, resp. l <= lo).
                List<M> rz = new ArrayList<>(), ra = new ArrayList<>();
                List<M> vw = new ArrayList<>();
                for (int l = 0; l < layers; l++) {
                    int o = dims[l + 1], i = dims[l];
                    vw.add(l >= lo && l <= hi ? ar.of(v, blocks.get(l).offset(), o * i) : null);
                    if (ra.size() == l) {
                        ra.add(null);
                    }
                    if (l < lo) {
                        rz.add(null);
                        continue;
                    }
                    M r = ar.zeros(n * o);
                    if (ra.get(l) != null) {
                        ar.nt(n, o, i, ra.get(l), w.get(l), r, true);
                    }
                    if (vw.get(l) != null) {
                        if (bias) {
                            ar.addRows(ar.of(v, blocks.get(l).offset() + o * i, o), r, n, o);
                        }
                        ar.nt(n, o, i, a.get(l), vw.get(l), r, true);
                    }
                    rz.add(r);
                    if (l < layers - 1) {
                        ra.add(ar.mul(d1.get(l), r));
                    }
                }
                int c = dims[layers];
                double[] rs = ar.toDoubles(rz.get(layers - 1));
                double[] rd = new double[n * c];
                if (loss == Loss.NLL) {
                    for (int i = 0; i < n; i++) {
                        double dot = 0;
                        for (int k = 0; k < c; k++) {
                            dot += prob[i * c + k] * rs[i * c + k];
                        }
                        for (int k = 0; k < c; k++) {
                            rd[i * c + k] = prob[i * c + k] * (rs[i * c + k] - dot) / n;
                        }
                    }
                } else {
                    double scale = 2.0 / ((double) n * c);
                    for (int i = 0; i < rd.length; i++) {
                        rd[i] = scale * rs[i];
                    }
                }
                M rdelta = ar.of(rd, 0, rd.length);
                for (int l = layers - 1; l >= lo; l--) {
                    if (l <= hi) {
                        M raIn = ra.get(l);
                        parameterProducts(l, rdelta, a.get(l), raIn == null ? null : delta.get(l), raIn, out);
                    }
                    if (l == lo) {
                        break;
                    }
                    int i = dims[l], o = dims[l + 1];
                    M re = ar.zeros(n * i);
                    ar.nn(n, i, o, rdelta, w.get(l), re, false);
                    if (vw.get(l) != null) {
                        ar.nn(n, i, o, delta.get(l), vw.get(l), re, true);
                    }
                    M next = ar.mul(d1.get(l - 1), re);
                    ar.addMulMul(next, d2.get(l - 1), rz.get(l - 1), e.get(l));
                    rdelta = next;
                }
            }
        }
    }
}
