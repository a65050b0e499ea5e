package dev.descent.optim;

import java.util.List;

import dev.descent.tensor.Tensor;

/**
 * The optimization tutorial's hand-written update rules, exactly as it writes them (per parameter,
 * state starting at zero, no weight decay).
 */
public final class TutorialRules {

    private TutorialRules() {
    }

    /** Gradient descent has no options beyond the learning rate. */
    public record NoOptions() {
    }

    /** The tutorial's {@code gradient_update}: {@code p ← p − lr·g}. */
    public static final class GradientDescent implements UpdateRule<NoOptions> {
        /** The rule. */
        public static final GradientDescent RULE = new GradientDescent();

        private GradientDescent() {
        }

        /** Gradient descent over {@code params}. */
        public static Optimizer<NoOptions> create(List<Tensor> params, double lr) {
            return new Optimizer<>(RULE, params, lr, 0, new NoOptions());
        }

        @Override
        public String name() {
            return "gradient_update";
        }

        @Override
        public String[] bufferNames() {
            return new String[0];
        }

        @Override
        public void update(float[] p, float[] g, ParamState s, ParamGroup<NoOptions> group) {
            float lr = (float) group.lr();
            for (int i = 0; i < p.length; i++) {
                p[i] -= lr * g[i];
            }
        }
    }

    /** β of the tutorial's momentum. */
    public record MomentumOptions(double beta) {
    }

    /** The tutorial's {@code momentum_update}: {@code v ← −lr·g + β·v;  p ← p + v}. State: {@code velocity}. */
    public static final class Momentum implements UpdateRule<MomentumOptions> {
        /** The rule. */
        public static final Momentum RULE = new Momentum();

        private Momentum() {
        }

        /** The tutorial's momentum over {@code params}. */
        public static Optimizer<MomentumOptions> create(List<Tensor> params, double lr, double beta) {
            return new Optimizer<>(RULE, params, lr, 0, new MomentumOptions(beta));
        }

        @Override
        public String name() {
            return "momentum_update";
        }

        @Override
        public String[] bufferNames() {
            return new String[] {"velocity"};
        }

        @Override
        public void validate(MomentumOptions o) {
            Checks.beta("beta", o.beta());
        }

        @Override
        public void update(float[] p, float[] g, ParamState s, ParamGroup<MomentumOptions> group) {
            float lr = (float) group.lr(), beta = (float) group.options().beta();
            float[] v = s.buffer(0);
            for (int i = 0; i < p.length; i++) {
                v[i] = -lr * g[i] + beta * v[i];
                p[i] += v[i];
            }
        }
    }

    /** α and ε of the tutorial's RMSprop. */
    public record RmsPropOptions(double alpha, double epsilon) {
    }

    /**
     * The tutorial's {@code rmsprop_update}: {@code s ← α·s + (1 − α)·g²;  p ← p − lr·g / √(ε + s)}
     * (ε inside the root, unlike torch.optim.RMSprop). State: {@code square_avg}.
     */
    public static final class RmsProp implements UpdateRule<RmsPropOptions> {
        /** The rule. */
        public static final RmsProp RULE = new RmsProp();

        private RmsProp() {
        }

        /** The tutorial's RMSprop over {@code params}. */
        public static Optimizer<RmsPropOptions> create(List<Tensor> params, double lr, double alpha, double epsilon) {
            return new Optimizer<>(RULE, params, lr, 0, new RmsPropOptions(alpha, epsilon));
        }

        @Override
        public String name() {
            return "rmsprop_update";
        }

        @Override
        public String[] bufferNames() {
            return new String[] {"square_avg"};
        }

        @Override
        public void validate(RmsPropOptions o) {
            Checks.beta("alpha", o.alpha());
            Checks.eps(o.epsilon());
        }

        @Override
        public void update(float[] p, float[] g, ParamState s, ParamGroup<RmsPropOptions> group) {
            float lr = (float) group.lr(), a = (float) group.options().alpha(), eps = (float) group.options().epsilon();
            float[] sq = s.buffer(0);
            for (int i = 0; i < p.length; i++) {
                sq[i] = a * sq[i] + (1 - a) * g[i] * g[i];
                p[i] -= lr * g[i] / (float) Math.sqrt(eps + sq[i]);
            }
        }
    }
}
