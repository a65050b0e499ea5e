package dev.descent.optim;

import java.util.List;

import dev.descent.optim.fused.FusedProvider;
import dev.descent.optim.transform.Chain;
import dev.descent.optim.transform.ElementwiseFusable;
import dev.descent.optim.transform.Fusable;
import dev.descent.optim.transform.Slot;
import dev.descent.tensor.Tensor;

import static dev.descent.optim.transform.Transforms.decoupledWeightDecay;
import static dev.descent.optim.transform.Transforms.maximize;
import static dev.descent.optim.transform.Transforms.scaleByLearningRate;

/**
 * Lion, EvoLved Sign Momentum (Chen et al., 2023, "Symbolic Discovery of Optimization Algorithms"),
 * as the authors' and lion-pytorch's code:
 *
 * <pre>
 * c_t ← β₁·m_{t−1} + (1 − β₁)·g_t
 * θ_t ← θ_{t−1}·(1 − γλ) − γ·sign(c_t)          (sign(0) = 0)
 * m_t ← β₂·m_{t−1} + (1 − β₂)·g_t
 * </pre>
 * chain(maximize, scale by sign, decoupled weight decay, learning rate). Defaults (the paper's):
 * γ = 1e-4, β = (0.9, 0.99), λ = 0. State: {@code exp_avg}.
 */
public final class Lion {

    /** β₁ and β₂. */
    public record Options(double beta1, double beta2) {
        /** The paper's defaults. */
        public static Options defaults() {
            return new Options(0.9, 0.99);
        }
    }

    /** The paper's default learning rate. */
    public static final double DEFAULT_LR = 1e-4;

    /** Lion's scaling: sign(c_t). */
    public static Fusable<Options> scaleBySign() {
        return ScaleBySign.INSTANCE;
    }

    /** The chain. */
    public static final Chain<Options> RULE = Chain.of(maximize(), scaleBySign(), decoupledWeightDecay(), scaleByLearningRate()).named("Lion");

    private Lion() {
    }

    /** Lion over {@code params}. */
    public static Optimizer<Options> create(List<Tensor> params, double lr, double weightDecay, Options options) {
        return new Optimizer<>(RULE, params, lr, weightDecay, options);
    }

    private static final class ScaleBySign implements ElementwiseFusable<Options> {
        static final ScaleBySign INSTANCE = new ScaleBySign();

        @Override
        public String name() {
            return "lion";
        }

        @Override
        public List<String> buffers() {
            return List.of("exp_avg");
        }

        @Override
        public void validate(Options o) {
            Checks.beta("beta parameter at index 0", o.beta1());
            Checks.beta("beta parameter at index 1", o.beta2());
        }

        @Override
        public Runnable prepare(Slot<Options> s, float[] out, double eta) {
            Options o = s.options();
            float[] g = s.update(), m = s.buffer(0);
            float beta1 = (float) o.beta1(), beta2 = (float) o.beta2(), rate = (float) eta;
            return () -> FusedProvider.updates().lion(g, m, out, out.length, beta1, beta2, rate);
        }
    }
}
