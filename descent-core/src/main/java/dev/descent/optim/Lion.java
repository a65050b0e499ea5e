package dev.descent.optim;

import java.util.List;

import dev.descent.tensor.Tensor;

/**
 * Lion, EvoLved Sign Momentum (Chen et al., 2023), with decoupled weight decay:
 *
 * <pre>
 * c_t ← β₁·m_{t−1} + (1 − β₁)·g_t
 * θ_t ← θ_{t−1}·(1 − γλ) − γ·sign(c_t)
 * m_t ← β₂·m_{t−1} + (1 − β₂)·g_t
 * </pre>
 * Defaults (the paper's): γ = 1e-4, β = (0.9, 0.99), λ = 0. State: {@code exp_avg}.
 */
public final class Lion implements UpdateRule<Lion.Options> {

    /** β₁ and β₂. */
    public record Options(double beta1, double beta2) {
        /** The paper's defaults. */
        public static Options defaults() {
            return new Options(0.9, 0.99);
        }
    }

    /** The paper's default learning rate. */
    public static final double DEFAULT_LR = 1e-4;
    /** The rule. */
    public static final Lion RULE = new Lion();

    private Lion() {
    }

    /** Lion over {@code params}. */
    public static Optimizer<Options> create(List<Tensor> params, double lr, double weightDecay, Options options) {
        return new Optimizer<>(RULE, params, lr, weightDecay, options);
    }

    @Override
    public String name() {
        return "Lion";
    }

    @Override
    public String[] bufferNames() {
        return new String[] {"exp_avg"};
    }

    @Override
    public boolean coupledWeightDecay() {
        return false;
    }

    @Override
    public void validate(Options o) {
        Checks.beta("beta parameter at index 0", o.beta1());
        Checks.beta("beta parameter at index 1", o.beta2());
    }

    @Override
    public void update(float[] p, float[] g, ParamState s, ParamGroup<Options> group) {
        Options o = group.options();
        float lr = (float) group.lr(), b1 = (float) o.beta1(), b2 = (float) o.beta2();
        float keep = (float) (1 - group.lr() * group.weightDecay());
        float[] m = s.buffer(0);
        for (int i = 0; i < p.length; i++) {
            float c = b1 * m[i] + (1 - b1) * g[i];
            p[i] = p[i] * keep - lr * Math.signum(c);
            m[i] = b2 * m[i] + (1 - b2) * g[i];
        }
    }
}
