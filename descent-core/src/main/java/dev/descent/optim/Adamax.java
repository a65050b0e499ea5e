package dev.descent.optim;

import java.util.List;

import dev.descent.tensor.Tensor;

/**
 * Adamax, Adam under the infinity norm, as {@code torch.optim.Adamax}:
 *
 * <pre>
 * m_t ← β₁·m_{t−1} + (1 − β₁)·g_t
 * u_t ← max(β₂·u_{t−1}, |g_t| + ε)
 * θ_t ← θ_{t−1} − γ/(1 − β₁ᵗ) · m_t / u_t
 * </pre>
 * Defaults: γ = 2e-3, β = (0.9, 0.999), ε = 1e-8. State: {@code exp_avg}, {@code exp_inf}.
 */
public final class Adamax implements UpdateRule<Adamax.Options> {

    /** β₁, β₂, ε. */
    public record Options(double beta1, double beta2, double eps) {
        /** PyTorch's defaults. */
        public static Options defaults() {
            return new Options(0.9, 0.999, 1e-8);
        }
    }

    /** PyTorch's default learning rate. */
    public static final double DEFAULT_LR = 2e-3;
    /** The rule. */
    public static final Adamax RULE = new Adamax();

    private Adamax() {
    }

    /** Adamax over {@code params}. */
    public static Optimizer<Options> create(List<Tensor> params, double lr, double weightDecay, Options options) {
        return new Optimizer<>(RULE, params, lr, weightDecay, options);
    }

    @Override
    public String name() {
        return "Adamax";
    }

    @Override
    public String[] bufferNames() {
        return new String[] {"exp_avg", "exp_inf"};
    }

    @Override
    public void validate(Options o) {
        Checks.adamLike(o.beta1(), o.beta2(), o.eps());
    }

    @Override
    public void update(float[] p, float[] g, ParamState s, ParamGroup<Options> group) {
        Options o = group.options();
        float b1 = (float) o.beta1(), b2 = (float) o.beta2(), eps = (float) o.eps();
        float clr = (float) (group.lr() / (1 - Math.pow(o.beta1(), s.step())));
        float[] m = s.buffer(0), u = s.buffer(1);
        for (int i = 0; i < p.length; i++) {
            m[i] = b1 * m[i] + (1 - b1) * g[i];
            u[i] = Math.max(b2 * u[i], Math.abs(g[i]) + eps);
            p[i] -= clr * m[i] / u[i];
        }
    }
}
