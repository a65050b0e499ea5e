package dev.descent.optim;

import java.util.List;

import dev.descent.tensor.Tensor;

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
 * vectors come from. Defaults: γ = 2e-3, β = (0.9, 0.999), ε = 1e-8, ψ = 4e-3. State:
 * {@code exp_avg}, {@code exp_avg_sq}, and the scalar {@code mu_product} Π.
 */
public final class NAdam implements UpdateRule<NAdam.Options> {

    /** β₁, β₂, ε, ψ. */
    public record Options(double beta1, double beta2, double eps, double momentumDecay) {
        /** PyTorch's defaults. */
        public static Options defaults() {
            return new Options(0.9, 0.999, 1e-8, 4e-3);
        }
    }

    /** PyTorch's default learning rate. */
    public static final double DEFAULT_LR = 2e-3;
    /** The rule. */
    public static final NAdam RULE = new NAdam();

    private NAdam() {
    }

    /** NAdam over {@code params}. */
    public static Optimizer<Options> create(List<Tensor> params, double lr, double weightDecay, Options options) {
        return new Optimizer<>(RULE, params, lr, weightDecay, options);
    }

    @Override
    public String name() {
        return "NAdam";
    }

    @Override
    public String[] bufferNames() {
        return new String[] {"exp_avg", "exp_avg_sq"};
    }

    @Override
    public int scalarCount() {
        return 1;
    }

    @Override
    public void init(ParamState state, Options options) {
        state.scalars()[0] = 1.0;
    }

    @Override
    public void validate(Options o) {
        Checks.adamLike(o.beta1(), o.beta2(), o.eps());
        Checks.nonNegative("momentum_decay", o.momentumDecay());
    }

    @Override
    public void update(float[] p, float[] g, ParamState s, ParamGroup<Options> group) {
        Options o = group.options();
        long t = s.step();
        double lr = group.lr();
        double bc2 = 1 - Math.pow(o.beta2(), t);
        double mu = o.beta1() * (1 - 0.5 * Math.pow(0.96, t * o.momentumDecay()));
        double muNext = o.beta1() * (1 - 0.5 * Math.pow(0.96, (t + 1) * o.momentumDecay()));
        double muProduct = s.scalars()[0] * mu;
        s.scalars()[0] = muProduct;
        float cg = (float) (lr * (1 - mu) / (1 - muProduct));
        float cm = (float) (lr * muNext / (1 - muProduct * mu * muNext));
        float b1 = (float) o.beta1(), b2 = (float) o.beta2(), eps = (float) o.eps(), fbc2 = (float) bc2;
        float[] m = s.buffer(0), v = s.buffer(1);
        for (int i = 0; i < p.length; i++) {
            float gi = g[i];
            m[i] = b1 * m[i] + (1 - b1) * gi;
            v[i] = b2 * v[i] + (1 - b2) * gi * gi;
            float d = (float) Math.sqrt(v[i] / fbc2) + eps;
            p[i] -= cg * gi / d;
            p[i] -= cm * m[i] / d;
        }
    }
}
