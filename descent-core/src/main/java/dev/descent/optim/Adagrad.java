package dev.descent.optim;

import java.util.Arrays;
import java.util.List;

import dev.descent.optim.transform.Chain;
import dev.descent.optim.transform.Fusable;
import dev.descent.optim.transform.Slot;
import dev.descent.tensor.Tensor;

import static dev.descent.optim.transform.Transforms.coupledWeightDecay;
import static dev.descent.optim.transform.Transforms.maximize;
import static dev.descent.optim.transform.Transforms.scaleByLearningRate;

/**
 * Adagrad (Duchi et al., 2011), as {@code torch.optim.Adagrad}:
 *
 * <pre>
 * γ̃ ← γ / (1 + (t − 1)·η)
 * s_t ← s_{t−1} + g_t²                     (s_0 = initial accumulator value)
 * θ_t ← θ_{t−1} − γ̃·g_t / (√s_t + ε)
 * </pre>
 * η lr decay; chain(maximize, coupled weight decay, scale by Adagrad, learning rate). Defaults:
 * γ = 1e-2, η = 0, s_0 = 0, ε = 1e-10. State: {@code sum}.
 */
public final class Adagrad {

    /** η, s₀, ε. */
    public record Options(double lrDecay, double initialAccumulatorValue, double eps) {
        /** PyTorch's defaults. */
        public static Options defaults() {
            return new Options(0, 0, 1e-10);
        }
    }

    /** PyTorch's default learning rate. */
    public static final double DEFAULT_LR = 1e-2;

    /** The chain. */
    public static final Chain<Options> RULE = Chain.of(maximize(), coupledWeightDecay(), new ScaleByAdagrad(), scaleByLearningRate()).named("Adagrad");

    private Adagrad() {
    }

    /** Adagrad over {@code params}. */
    public static Optimizer<Options> create(List<Tensor> params, double lr, double weightDecay, Options options) {
        return new Optimizer<>(RULE, params, lr, weightDecay, options);
    }

    private static final class ScaleByAdagrad implements Fusable<Options> {
        @Override
        public String name() {
            return "adagrad";
        }

        @Override
        public List<String> buffers() {
            return List.of("sum");
        }

        @Override
        public void init(Slot<Options> s) {
            Arrays.fill(s.buffer(0), (float) s.options().initialAccumulatorValue());
        }

        @Override
        public void validate(Options o) {
            Checks.nonNegative("lr_decay value", o.lrDecay());
            Checks.nonNegative("initial_accumulator_value value", o.initialAccumulatorValue());
            Checks.eps(o.eps());
        }

        @Override
        public void apply(Slot<Options> s, float[] out, double eta) {
            Options o = s.options();
            float rate = (float) (eta / (1 + (s.step() - 1) * o.lrDecay()));
            float eps = (float) o.eps();
            float[] g = s.update(), sum = s.buffer(0);
            for (int i = 0; i < out.length; i++) {
                float gi = g[i];
                sum[i] += gi * gi;
                out[i] = out[i] - rate * (gi / ((float) Math.sqrt(sum[i]) + eps));
            }
        }
    }
}
