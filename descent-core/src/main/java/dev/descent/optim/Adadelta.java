package dev.descent.optim;

import java.util.List;

import dev.descent.tensor.Tensor;

/**
 * Adadelta (Zeiler, 2012), as {@code torch.optim.Adadelta}:
 *
 * <pre>
 * v_t ← ρ·v_{t−1} + (1 − ρ)·g_t²
 * Δ_t ← √(u_{t−1} + ε) / √(v_t + ε) · g_t
 * u_t ← ρ·u_{t−1} + (1 − ρ)·Δ_t²
 * θ_t ← θ_{t−1} − γ·Δ_t
 * </pre>
 * Defaults: γ = 1.0, ρ = 0.9, ε = 1e-6. State: {@code square_avg}, {@code acc_delta}.
 */
public final class Adadelta implements UpdateRule<Adadelta.Options> {

    /** ρ and ε. */
    public record Options(double rho, double eps) {
        /** PyTorch's defaults. */
        public static Options defaults() {
            return new Options(0.9, 1e-6);
        }
    }

    /** PyTorch's default learning rate. */
    public static final double DEFAULT_LR = 1.0;
    /** The rule. */
    public static final Adadelta RULE = new Adadelta();

    private Adadelta() {
    }

    /** Adadelta over {@code params}. */
    public static Optimizer<Options> create(List<Tensor> params, double lr, double weightDecay, Options options) {
        return new Optimizer<>(RULE, params, lr, weightDecay, options);
    }

    @Override
    public String name() {
        return "Adadelta";
    }

    @Override
    public String[] bufferNames() {
        return new String[] {"square_avg", "acc_delta"};
    }

    @Override
    public void validate(Options o) {
        Checks.unit("rho value", o.rho());
        Checks.eps(o.eps());
    }

    @Override
    public void update(float[] p, float[] g, ParamState s, ParamGroup<Options> group) {
        Options o = group.options();
        float rho = (float) o.rho(), eps = (float) o.eps(), lr = (float) group.lr();
        float[] v = s.buffer(0), u = s.buffer(1);
        for (int i = 0; i < p.length; i++) {
            float gi = g[i];
            v[i] = rho * v[i] + (1 - rho) * gi * gi;
            float delta = (float) Math.sqrt(u[i] + eps) / (float) Math.sqrt(v[i] + eps) * gi;
            u[i] = rho * u[i] + (1 - rho) * delta * delta;
            p[i] -= lr * delta;
        }
    }
}
