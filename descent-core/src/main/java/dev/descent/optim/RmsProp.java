package dev.descent.optim;

import java.util.List;

import dev.descent.optim.fused.FusedProvider;
import dev.descent.optim.transform.Chain;
import dev.descent.optim.transform.ElementwiseFusable;
import dev.descent.optim.transform.Fusable;
import dev.descent.optim.transform.Slot;
import dev.descent.tensor.Tensor;

import static dev.descent.optim.transform.Transforms.coupledWeightDecay;
import static dev.descent.optim.transform.Transforms.maximize;
import static dev.descent.optim.transform.Transforms.scaleByLearningRate;

/**
 * RMSprop (Hinton, 2012), as {@code torch.optim.RMSprop}:
 *
 * <pre>
 * v_t ← α·v_{t−1} + (1 − α)·g_t²
 * centered: ḡ_t ← α·ḡ_{t−1} + (1 − α)·g_t;  d_t ← √(v_t − ḡ_t²) + ε,   else d_t ← √v_t + ε
 * μ &gt; 0: b_t ← μ·b_{t−1} + g_t/d_t;  θ_t ← θ_{t−1} − γ·b_t
 * else:   θ_t ← θ_{t−1} − γ·g_t/d_t
 * </pre>
 * chain(maximize, coupled weight decay, scale by RMSprop, learning rate). Defaults: γ = 1e-2,
 * α = 0.99, ε = 1e-8, μ = 0, not centered. State: {@code square_avg}, {@code momentum_buffer}
 * (with momentum), {@code grad_avg} (centered).
 */
public final class RmsProp {

    /** α, ε, μ and the centered switch. */
    public record Options(double alpha, double eps, double momentum, boolean centered) {
        /** PyTorch's defaults. */
        public static Options defaults() {
            return new Options(0.99, 1e-8, 0, false);
        }
    }

    /** PyTorch's default learning rate. */
    public static final double DEFAULT_LR = 1e-2;

    /** RMSprop's scaling. */
    public static Fusable<Options> scaleByRmsProp() {
        return ScaleByRmsProp.INSTANCE;
    }

    /** The chain. */
    public static final Chain<Options> RULE = Chain.of(maximize(), coupledWeightDecay(), scaleByRmsProp(), scaleByLearningRate()).named("RMSprop");

    private RmsProp() {
    }

    /** RMSprop over {@code params}. */
    public static Optimizer<Options> create(List<Tensor> params, double lr, double weightDecay, Options options) {
        return new Optimizer<>(RULE, params, lr, weightDecay, options);
    }

    private static final class ScaleByRmsProp implements ElementwiseFusable<Options> {
        static final ScaleByRmsProp INSTANCE = new ScaleByRmsProp();

        @Override
        public String name() {
            return "rmsprop";
        }

        @Override
        public List<String> buffers() {
            return List.of("square_avg", "momentum_buffer", "grad_avg");
        }

        @Override
        public void validate(Options o) {
            Checks.eps(o.eps());
            Checks.nonNegative("momentum value", o.momentum());
            Checks.nonNegative("alpha value", o.alpha());
        }

        @Override
        public Runnable prepare(Slot<Options> s, float[] out, double eta) {
            Options o = s.options();
            float[] g = s.update(), v = s.buffer(0), gAvg = o.centered() ? s.buffer(2) : null, buf = o.momentum() > 0 ? s.buffer(1) : null;
            float alpha = (float) o.alpha(), eps = (float) o.eps(), momentum = (float) o.momentum(), rate = (float) eta;
            return () -> FusedProvider.updates().rmsprop(g, v, gAvg, buf, out, out.length, alpha, eps, momentum, rate);
        }
    }
}
