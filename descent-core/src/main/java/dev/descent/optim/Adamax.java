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
 * Adamax, Adam under the infinity norm, as {@code torch.optim.Adamax}:
 *
 * <pre>
 * m_t ← β₁·m_{t−1} + (1 − β₁)·g_t
 * u_t ← max(β₂·u_{t−1}, |g_t| + ε)
 * θ_t ← θ_{t−1} − γ/(1 − β₁ᵗ) · m_t / u_t
 * </pre>
 * chain(maximize, coupled weight decay, scale by Adamax, learning rate). Defaults: γ = 2e-3,
 * β = (0.9, 0.999), ε = 1e-8. State: {@code exp_avg}, {@code exp_inf}.
 */
public final class Adamax {

    /** β₁, β₂, ε. */
    public record Options(double beta1, double beta2, double eps) {
        /** PyTorch's defaults. */
        public static Options defaults() {
            return new Options(0.9, 0.999, 1e-8);
        }
    }

    /** PyTorch's default learning rate. */
    public static final double DEFAULT_LR = 2e-3;

    /** The chain. */
    public static final Chain<Options> RULE = Chain.of(maximize(), coupledWeightDecay(), new ScaleByAdamax(), scaleByLearningRate()).named("Adamax");

    private Adamax() {
    }

    /** Adamax over {@code params}. */
    public static Optimizer<Options> create(List<Tensor> params, double lr, double weightDecay, Options options) {
        return new Optimizer<>(RULE, params, lr, weightDecay, options);
    }

    private static final class ScaleByAdamax implements Fusable<Options> {
        @Override
        public String name() {
            return "adamax";
        }

        @Override
        public List<String> buffers() {
            return List.of("exp_avg", "exp_inf");
        }

        @Override
        public void validate(Options o) {
            Checks.adamLike(o.beta1(), o.beta2(), o.eps());
        }

        @Override
        public void apply(Slot<Options> s, float[] out, double eta) {
            Options o = s.options();
            float b1 = (float) o.beta1(), b2 = (float) o.beta2(), eps = (float) o.eps();
            float rate = (float) (eta / (1 - Math.pow(o.beta1(), s.step())));
            float[] g = s.update(), m = s.buffer(0), u = s.buffer(1);
            for (int i = 0; i < out.length; i++) {
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                u[i] = Math.max(b2 * u[i], Math.abs(g[i]) + eps);
                out[i] = out[i] - rate * (m[i] / u[i]);
            }
        }
    }
}
