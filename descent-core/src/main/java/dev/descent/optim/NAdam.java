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
 * Adam with Nesterov momentum (Dozat, 2016), as {@code torch.optim.NAdam}:
 *
 * <pre>
 * μ_t ← β₁·(1 − ½·0.96^{tψ}),  μ_{t+1} ← β₁·(1 − ½·0.96^{(t+1)ψ}),  Π_t ← Π_{t−1}·μ_t
 * m_t ← β₁·m_{t−1} + (1 − β₁)·g_t;   v_t ← β₂·v_{t−1} + (1 − β₂)·g_t²
 * d_t ← √(v_t / (1 − β₂ᵗ)) + ε
 * θ_t ← θ_{t−1} − γ(1 − μ_t)/(1 − Π_t) · g_t/d_t − γ·μ_{t+1}/(1 − Π_t·μ_t·μ_{t+1}) · m_t/d_t
 * </pre>
 * ψ momentum decay. The second denominator is PyTorch 1.13's ({@code mu_product * mu * mu_next}, which
 * counts μ_t twice); PyTorch 2 uses Π_t·μ_{t+1}. Descent follows 1.13, the version its golden
 * vectors come from. chain(maximize, coupled weight decay, scale by NAdam, learning rate). Defaults:
 * γ = 2e-3, β = (0.9, 0.999), ε = 1e-8, ψ = 4e-3. State: {@code exp_avg}, {@code exp_avg_sq}, and the
 * scalar {@code mu_product} Π.
 */
public final class NAdam {

    /** β₁, β₂, ε, ψ. */
    public record Options(double beta1, double beta2, double eps, double momentumDecay) {
        /** PyTorch's defaults. */
        public static Options defaults() {
            return new Options(0.9, 0.999, 1e-8, 4e-3);
        }
    }

    /** PyTorch's default learning rate. */
    public static final double DEFAULT_LR = 2e-3;

    /** The chain. */
    public static final Chain<Options> RULE = Chain.of(maximize(), coupledWeightDecay(), new ScaleByNAdam(), scaleByLearningRate()).named("NAdam");

    private NAdam() {
    }

    /** NAdam over {@code params}. */
    public static Optimizer<Options> create(List<Tensor> params, double lr, double weightDecay, Options options) {
        return new Optimizer<>(RULE, params, lr, weightDecay, options);
    }

    private static final class ScaleByNAdam implements Fusable<Options> {
        @Override
        public String name() {
            return "nadam";
        }

        @Override
        public List<String> buffers() {
            return List.of("exp_avg", "exp_avg_sq");
        }

        @Override
        public int scalarCount() {
            return 1;
        }

        @Override
        public void init(Slot<Options> s) {
            s.setScalar(0, 1.0);
        }

        @Override
        public void validate(Options o) {
            Checks.adamLike(o.beta1(), o.beta2(), o.eps());
            Checks.nonNegative("momentum_decay", o.momentumDecay());
        }

        @Override
        public void apply(Slot<Options> s, float[] out, double eta) {
            Options o = s.options();
            long t = s.step();
            double bc2 = 1 - Math.pow(o.beta2(), t);
            double mu = o.beta1() * (1 - 0.5 * Math.pow(0.96, t * o.momentumDecay()));
            double muNext = o.beta1() * (1 - 0.5 * Math.pow(0.96, (t + 1) * o.momentumDecay()));
            double muProduct = s.scalar(0) * mu;
            s.setScalar(0, muProduct);
            float cg = (float) (eta * (1 - mu) / (1 - muProduct));
            float cm = (float) (eta * muNext / (1 - muProduct * mu * muNext));
            float b1 = (float) o.beta1(), b2 = (float) o.beta2(), eps = (float) o.eps(), fbc2 = (float) bc2;
            float[] g = s.update(), m = s.buffer(0), v = s.buffer(1);
            for (int i = 0; i < out.length; i++) {
                float gi = g[i];
                m[i] = b1 * m[i] + (1 - b1) * gi;
                v[i] = b2 * v[i] + (1 - b2) * gi * gi;
                float d = (float) Math.sqrt(v[i] / fbc2) + eps;
                out[i] = out[i] - cg * (gi / d) - cm * (m[i] / d);
            }
        }
    }
}
