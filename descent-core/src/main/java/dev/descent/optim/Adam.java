package dev.descent.optim;

import java.util.List;

import dev.descent.optim.fused.FusedProvider;
import dev.descent.optim.transform.Chain;
import dev.descent.optim.transform.ElementwiseFusable;
import dev.descent.optim.transform.Fusable;
import dev.descent.optim.transform.Slot;
import dev.descent.tensor.Tensor;

import static dev.descent.optim.transform.Transforms.coupledWeightDecay;
import static dev.descent.optim.transform.Transforms.decoupledWeightDecay;
import static dev.descent.optim.transform.Transforms.maximize;
import static dev.descent.optim.transform.Transforms.scaleByLearningRate;

/**
 * Adam (Kingma &amp; Ba, 2015) as {@code torch.optim.Adam}, and with decoupled weight decay as
 * {@code torch.optim.AdamW} (Loshchilov &amp; Hutter, 2019). The scaling:
 *
 * <pre>
 * m_t ← β₁·m_{t−1} + (1 − β₁)·g_t
 * v_t ← β₂·v_{t−1} + (1 − β₂)·g_t²
 * amsgrad: v̂_t ← max(v̂_{t−1}, v_t), else v̂_t ← v_t
 * d_t ← m_t/(1 − β₁ᵗ) / (√v̂_t / √(1 − β₂ᵗ) + ε)
 * </pre>
 * Adam = chain(maximize, coupled weight decay g ← g + λθ, scale by Adam, θ ← θ − γ·d);
 * AdamW = chain(maximize, scale by Adam, decoupled weight decay, learning rate): θ ← (1 − γλ)·θ − γ·d.
 * Defaults: γ = 1e-3, β = (0.9, 0.999), ε = 1e-8, λ = 0 (Adam) or 1e-2 (AdamW). State:
 * {@code exp_avg}, {@code exp_avg_sq}, {@code max_exp_avg_sq} (AMSGrad only).
 */
public final class Adam {

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

    /** Adam's scaling: the direction d_t above. */
    public static Fusable<Options> scaleByAdam() {
        return ScaleByAdam.INSTANCE;
    }

    /** Adam: weight decay added to the gradient. */
    public static final Chain<Options> ADAM = Chain.of(maximize(), coupledWeightDecay(), scaleByAdam(), scaleByLearningRate()).named("Adam");
    /** AdamW: weight decay applied to the parameters directly. */
    public static final Chain<Options> ADAMW = Chain.of(maximize(), scaleByAdam(), decoupledWeightDecay(), scaleByLearningRate()).named("AdamW");

    private Adam() {
    }

    /** Adam with the given lr, weight decay and options. */
    public static Optimizer<Options> adam(List<Tensor> params, double lr, double weightDecay, Options options) {
        return new Optimizer<>(ADAM, params, lr, weightDecay, options);
    }

    /** AdamW with the given lr, weight decay and options. */
    public static Optimizer<Options> adamW(List<Tensor> params, double lr, double weightDecay, Options options) {
        return new Optimizer<>(ADAMW, params, lr, weightDecay, options);
    }

    private static final class ScaleByAdam implements ElementwiseFusable<Options> {
        static final ScaleByAdam INSTANCE = new ScaleByAdam();

        @Override
        public String name() {
            return "adam";
        }

        @Override
        public List<String> buffers() {
            return List.of("exp_avg", "exp_avg_sq", "max_exp_avg_sq");
        }

        @Override
        public void validate(Options o) {
            Checks.adamLike(o.beta1(), o.beta2(), o.eps());
        }

        @Override
        public Runnable prepare(Slot<Options> s, float[] out, double eta) {
            Options o = s.options();
            long t = s.step();
            double bc1 = 1 - Math.pow(o.beta1(), t);
            float bc2Sqrt = (float) Math.sqrt(1 - Math.pow(o.beta2(), t)), rate = (float) (eta / bc1);
            float[] g = s.update(), m = s.buffer(0), v = s.buffer(1), vmax = o.amsgrad() ? s.buffer(2) : null;
            float beta1 = (float) o.beta1(), beta2 = (float) o.beta2(), eps = (float) o.eps();
            return () -> FusedProvider.updates().adam(g, m, v, vmax, out, out.length, beta1, beta2, eps, bc2Sqrt, rate);
        }
    }
}
