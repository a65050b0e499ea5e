package dev.descent.optim;

import java.util.List;

import dev.descent.tensor.Tensor;
import dev.descent.tensor.kernel.KernelProvider;

/**
 * Adam (Kingma &amp; Ba, 2015) as {@code torch.optim.Adam}, and with decoupled weight decay as
 * {@code torch.optim.AdamW} (Loshchilov &amp; Hutter, 2019):
 *
 * <pre>
 * AdamW only: θ_{t−1} ← θ_{t−1}·(1 − γλ)            (Adam adds λ·θ to g instead)
 * m_t ← β₁·m_{t−1} + (1 − β₁)·g_t
 * v_t ← β₂·v_{t−1} + (1 − β₂)·g_t²
 * amsgrad: v̂_t ← max(v̂_{t−1}, v_t), else v̂_t ← v_t
 * θ_t ← θ_{t−1} − γ/(1 − β₁ᵗ) · m_t / (√v̂_t / √(1 − β₂ᵗ) + ε)
 * </pre>
 * Defaults: γ = 1e-3, β = (0.9, 0.999), ε = 1e-8, λ = 0 (Adam) or 1e-2 (AdamW). State:
 * {@code exp_avg}, {@code exp_avg_sq}, {@code max_exp_avg_sq}.
 */
public final class Adam implements UpdateRule<Adam.Options> {

    /** β₁, β₂, ε and the AMSGrad switch. */
    public record Options(double beta1, double beta2, double eps, boolean amsgrad) {
        /** PyTorch's defaults: (0.9, 0.999), 1e-8, no AMSGrad. */
        public static Options defaults() {
            return new Options(0.9, 0.999, 1e-8, false);
        }
    }

    /** PyTorch's default learning rate. */
    public static final double DEFAULT_LR = 1e-3;
    /** AdamW's default weight decay. */
    public static final double ADAMW_DEFAULT_WEIGHT_DECAY = 1e-2;

    /** Adam: weight decay added to the gradient. */
    public static final Adam ADAM = new Adam(false);
    /** AdamW: weight decay applied to the parameters directly. */
    public static final Adam ADAMW = new Adam(true);

    private final boolean decoupled;

    private Adam(boolean decoupled) {
        this.decoupled = decoupled;
    }

    /** Adam with the given lr, weight decay and options. */
    public static Optimizer<Options> adam(List<Tensor> params, double lr, double weightDecay, Options options) {
        return new Optimizer<>(ADAM, params, lr, weightDecay, options);
    }

    /** AdamW with the given lr, weight decay and options. */
    public static Optimizer<Options> adamW(List<Tensor> params, double lr, double weightDecay, Options options) {
        return new Optimizer<>(ADAMW, params, lr, weightDecay, options);
    }

    @Override
    public String name() {
        return decoupled ? "AdamW" : "Adam";
    }

    @Override
    public String[] bufferNames() {
        return new String[] {"exp_avg", "exp_avg_sq", "max_exp_avg_sq"};
    }

    @Override
    public boolean coupledWeightDecay() {
        return !decoupled;
    }

    @Override
    public void validate(Options o) {
        Checks.adamLike(o.beta1(), o.beta2(), o.eps());
    }

    @Override
    public void update(float[] p, float[] g, ParamState s, ParamGroup<Options> group) {
        Options o = group.options();
        double lr = group.lr();
        if (decoupled && group.weightDecay() != 0) {
            float keep = (float) (1 - lr * group.weightDecay());
            for (int i = 0; i < p.length; i++) {
                p[i] *= keep;
            }
        }
        long t = s.step();
        double bc1 = 1 - Math.pow(o.beta1(), t);
        double bc2Sqrt = Math.sqrt(1 - Math.pow(o.beta2(), t));
        float[] m = s.buffer(0), v = s.buffer(1);
        if (!o.amsgrad()) {
            KernelProvider.kernels().adam(p, g, m, v, p.length, (float) o.beta1(), (float) o.beta2(),
                    (float) (lr / bc1), (float) bc2Sqrt, (float) o.eps());
            return;
        }
        float b1 = (float) o.beta1(), b2 = (float) o.beta2(), eps = (float) o.eps();
        float stepSize = (float) (lr / bc1), c2 = (float) bc2Sqrt;
        float[] vmax = s.buffer(2);
        for (int i = 0; i < p.length; i++) {
            float gi = g[i];
            m[i] = b1 * m[i] + (1 - b1) * gi;
            v[i] = b2 * v[i] + (1 - b2) * gi * gi;
            vmax[i] = Math.max(vmax[i], v[i]);
            p[i] -= stepSize * m[i] / ((float) Math.sqrt(vmax[i]) / c2 + eps);
        }
    }
}
