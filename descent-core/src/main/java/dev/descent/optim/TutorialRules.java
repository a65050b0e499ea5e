package dev.descent.optim;

import java.util.List;

import dev.descent.optim.transform.Chain;
import dev.descent.optim.transform.Fusable;
import dev.descent.optim.transform.Slot;
import dev.descent.optim.transform.Transform;
import dev.descent.tensor.Tensor;

import static dev.descent.optim.transform.Transforms.scaleByLearningRate;

/**
 * The optimization tutorial's hand-written update rules, exactly as it writes them (per parameter,
 * state starting at zero, no weight decay), as chains.
 */
public final class TutorialRules {

    private TutorialRules() {
    }

    /** Gradient descent has no options beyond the learning rate. */
    public record NoOptions() {
    }

    /** The tutorial's {@code gradient_update}: {@code p ← p − lr·g}, the learning-rate link alone. */
    public static final class GradientDescent {
        /** The chain. */
        public static final Chain<NoOptions> RULE = Chain.<NoOptions>of(scaleByLearningRate()).named("gradient_update");

        private GradientDescent() {
        }

        /** Gradient descent over {@code params}. */
        public static Optimizer<NoOptions> create(List<Tensor> params, double lr) {
            return new Optimizer<>(RULE, params, lr, 0, new NoOptions());
        }
    }

    /** β of the tutorial's momentum. */
    public record MomentumOptions(double beta) {
    }

    /**
     * The tutorial's {@code momentum_update}: {@code v ← −lr·g + β·v;  p ← p + v}. The velocity holds
     * the learning rate, so the link moves the parameter itself. State: {@code velocity}.
     */
    public static final class Momentum implements Transform<MomentumOptions> {
        /** The chain. */
        public static final Chain<MomentumOptions> RULE = Chain.of(new Momentum()).named("momentum_update");

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
        public List<String> buffers() {
            return List.of("velocity");
        }

        @Override
        public boolean movesParameters() {
            return true;
        }

        @Override
        public void validate(MomentumOptions o) {
            Checks.beta("beta", o.beta());
        }

        @Override
        public void update(Slot<MomentumOptions> s) {
            float lr = (float) s.group().lr(), beta = (float) s.options().beta();
            float[] p = s.param(), g = s.update(), v = s.buffer(0);
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
    public static final class RmsProp implements Fusable<RmsPropOptions> {
        /** The chain. */
        public static final Chain<RmsPropOptions> RULE = Chain.of(new RmsProp(), scaleByLearningRate()).named("rmsprop_update");

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
        public List<String> buffers() {
            return List.of("square_avg");
        }

        @Override
        public void validate(RmsPropOptions o) {
            Checks.beta("alpha", o.alpha());
            Checks.eps(o.epsilon());
        }

        @Override
        public void apply(Slot<RmsPropOptions> s, float[] out, double eta) {
            float rate = (float) eta, a = (float) s.options().alpha(), eps = (float) s.options().epsilon();
            float[] g = s.update(), sq = s.buffer(0);
            for (int i = 0; i < out.length; i++) {
                float gi = g[i];
                sq[i] = a * sq[i] + (1 - a) * gi * gi;
                out[i] = out[i] - rate * (gi / (float) Math.sqrt(eps + sq[i]));
            }
        }
    }
}
