package dev.descent.optim;

import java.util.List;

import dev.descent.optim.transform.Chain;
import dev.descent.optim.transform.Fusable;
import dev.descent.optim.transform.Slot;
import dev.descent.tensor.Tensor;

import static dev.descent.optim.transform.Transforms.coupledWeightDecay;
import static dev.descent.optim.transform.Transforms.maximize;
import static dev.descent.optim.transform.Transforms.scaleByLearningRate;

/**
 * Rectified Adam (Liu et al., 2020), as {@code torch.optim.RAdam}:
 *
 * <pre>
 * m_t ← β₁·m_{t−1} + (1 − β₁)·g_t;   v_t ← β₂·v_{t−1} + (1 − β₂)·g_t²;   m̂_t ← m_t/(1 − β₁ᵗ)
 * ρ_∞ ← 2/(1 − β₂) − 1;   ρ_t ← ρ_∞ − 2t·β₂ᵗ/(1 − β₂ᵗ)
 * if ρ_t &gt; 5:  r_t ← √((ρ_t − 4)(ρ_t − 2)ρ_∞ / ((ρ_∞ − 4)(ρ_∞ − 2)ρ_t))
 *              θ_t ← θ_{t−1} − γ·m̂_t·r_t·√(1 − β₂ᵗ)/(√v_t + ε)
 * else:        θ_t ← θ_{t−1} − γ·m̂_t
 * </pre>
 * chain(maximize, coupled weight decay, scale by RAdam, learning rate). Defaults: γ = 1e-3,
 * β = (0.9, 0.999), ε = 1e-8. State: {@code exp_avg}, {@code exp_avg_sq}.
 */
public final class RAdam {

    /** β₁, β₂, ε. */
    public record Options(double beta1, double beta2, double eps) {
        /** PyTorch's defaults. */
        public static Options defaults() {
            return new Options(0.9, 0.999, 1e-8);
        }
    }

    /** PyTorch's default learning rate. */
    public static final double DEFAULT_LR = 1e-3;

    /** The chain. */
    public static final Chain<Options> RULE = Chain.of(maximize(), coupledWeightDecay(), new ScaleByRAdam(), scaleByLearningRate()).named("RAdam");

    private RAdam() {
    }

    /** RAdam over {@code params}. */
    public static Optimizer<Options> create(List<Tensor> params, double lr, double weightDecay, Options options) {
        return new Optimizer<>(RULE, params, lr, weightDecay, options);
    }

    private static final class ScaleByRAdam implements Fusable<Options> {
        @Override
        public String name() {
            return "radam";
        }

        @Override
        public List<String> buffers() {
            return List.of("exp_avg", "exp_avg_sq");
        }

        @Override
        public void validate(Options o) {
            Checks.adamLike(o.beta1(), o.beta2(), o.eps());
        }

        @Override
        public void apply(Slot<Options> s, float[] out, double eta) {
            Options o = s.options();
            long t = s.step();
            double bc1 = 1 - Math.pow(o.beta1(), t), bc2 = 1 - Math.pow(o.beta2(), t);
            double rhoInf = 2 / (1 - o.beta2()) - 1;
            double rhoT = rhoInf - 2 * t * Math.pow(o.beta2(), t) / bc2;
            boolean rectified = rhoT > 5;
            double rect = rectified ? Math.sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT)) : 0;
            float c = (float) (rectified ? eta * rect * Math.sqrt(bc2) / bc1 : eta / bc1);
            float b1 = (float) o.beta1(), b2 = (float) o.beta2(), eps = (float) o.eps();
            float[] g = s.update(), m = s.buffer(0), v = s.buffer(1);
            for (int i = 0; i < out.length; i++) {
                float gi = g[i];
                m[i] = b1 * m[i] + (1 - b1) * gi;
                v[i] = b2 * v[i] + (1 - b2) * gi * gi;
                out[i] = out[i] - c * (rectified ? m[i] / ((float) Math.sqrt(v[i]) + eps) : m[i]);
            }
        }
    }
}
