package dev.descent.optim;

import java.util.Arrays;
import java.util.List;

import dev.descent.tensor.Tensor;

/**
 * Adagrad (Duchi et al., 2011), as {@code torch.optim.Adagrad}:
 *
 * <pre>
 * γ̃ ← γ / (1 + (t − 1)·η)
 * s_t ← s_{t−1} + g_t²                     (s_0 = initial accumulator value)
 * θ_t ← θ_{t−1} − γ̃·g_t / (√s_t + ε)
 * </pre>
 * η lr decay. Defaults: γ = 1e-2, η = 0, s_0 = 0, ε = 1e-10. State: {@code sum}.
 */
public final class Adagrad implements UpdateRule<Adagrad.Options> {

    /** η, s₀, ε. */
    public record Options(double lrDecay, double initialAccumulatorValue, double eps) {
        /** PyTorch's defaults. */
        public static Options defaults() {
            return new Options(0, 0, 1e-10);
        }
    }

    /** PyTorch's default learning rate. */
    public static final double DEFAULT_LR = 1e-2;
    /** The rule. */
    public static final Adagrad RULE = new Adagrad();

    private Adagrad() {
    }

    /** Adagrad over {@code params}. */
    public static Optimizer<Options> create(List<Tensor> params, double lr, double weightDecay, Options options) {
        return new Optimizer<>(RULE, params, lr, weightDecay, options);
    }

    @Override
    public String name() {
        return "Adagrad";
    }

    @Override
    public String[] bufferNames() {
        return new String[] {"sum"};
    }

    @Override
    public void init(ParamState state, Options options) {
        Arrays.fill(state.buffer(0), (float) options.initialAccumulatorValue());
    }

    @Override
    public void validate(Options o) {
        Checks.nonNegative("lr_decay value", o.lrDecay());
        Checks.nonNegative("initial_accumulator_value value", o.initialAccumulatorValue());
        Checks.eps(o.eps());
    }

    @Override
    public void update(float[] p, float[] g, ParamState s, ParamGroup<Options> group) {
        Options o = group.options();
        float clr = (float) (group.lr() / (1 + (s.step() - 1) * o.lrDecay()));
        float eps = (float) o.eps();
        float[] sum = s.buffer(0);
        for (int i = 0; i < p.length; i++) {
            sum[i] += g[i] * g[i];
            p[i] -= clr * g[i] / ((float) Math.sqrt(sum[i]) + eps);
        }
    }
}
