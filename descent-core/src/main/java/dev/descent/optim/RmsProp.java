package dev.descent.optim;

import java.util.List;

import dev.descent.tensor.Tensor;
import dev.descent.tensor.kernel.KernelProvider;

/**
 * RMSprop (Hinton, 2012), as {@code torch.optim.RMSprop}:
 *
 * <pre>
 * v_t ← α·v_{t−1} + (1 − α)·g_t²
 * centered: ḡ_t ← α·ḡ_{t−1} + (1 − α)·g_t;  d_t ← √(v_t − ḡ_t²) + ε,   else d_t ← √v_t + ε
 * μ &gt; 0: b_t ← μ·b_{t−1} + g_t/d_t;  θ_t ← θ_{t−1} − γ·b_t
 * else:   θ_t ← θ_{t−1} − γ·g_t/d_t
 * </pre>
 * Defaults: γ = 1e-2, α = 0.99, ε = 1e-8, μ = 0, not centered. State: {@code square_avg},
 * {@code momentum_buffer}, {@code grad_avg}.
 */
public final class RmsProp implements UpdateRule<RmsProp.Options> {

    /** α, ε, μ and the centered switch. */
    public record Options(double alpha, double eps, double momentum, boolean centered) {
        /** PyTorch's defaults. */
        public static Options defaults() {
            return new Options(0.99, 1e-8, 0, false);
        }
    }

    /** PyTorch's default learning rate. */
    public static final double DEFAULT_LR = 1e-2;
    /** The rule. */
    public static final RmsProp RULE = new RmsProp();

    private RmsProp() {
    }

    /** RMSprop over {@code params}. */
    public static Optimizer<Options> create(List<Tensor> params, double lr, double weightDecay, Options options) {
        return new Optimizer<>(RULE, params, lr, weightDecay, options);
    }

    @Override
    public String name() {
        return "RMSprop";
    }

    @Override
    public String[] bufferNames() {
        return new String[] {"square_avg", "momentum_buffer", "grad_avg"};
    }

    @Override
    public void validate(Options o) {
        Checks.eps(o.eps());
        Checks.nonNegative("momentum value", o.momentum());
        Checks.nonNegative("alpha value", o.alpha());
    }

    @Override
    public void update(float[] p, float[] g, ParamState s, ParamGroup<Options> group) {
        Options o = group.options();
        float lr = (float) group.lr(), a = (float) o.alpha(), eps = (float) o.eps(), mu = (float) o.momentum();
        float[] v = s.buffer(0);
        if (!o.centered() && o.momentum() == 0) {
            KernelProvider.kernels().rmsprop(p, g, v, p.length, lr, a, eps);
            return;
        }
        float[] buf = s.buffer(1), gAvg = s.buffer(2);
        for (int i = 0; i < p.length; i++) {
            float gi = g[i];
            v[i] = a * v[i] + (1 - a) * gi * gi;
            float d;
            if (o.centered()) {
                gAvg[i] = a * gAvg[i] + (1 - a) * gi;
                d = (float) Math.sqrt(v[i] - gAvg[i] * gAvg[i]) + eps;
            } else {
                d = (float) Math.sqrt(v[i]) + eps;
            }
            if (o.momentum() > 0) {
                buf[i] = mu * buf[i] + gi / d;
                p[i] -= lr * buf[i];
            } else {
                p[i] -= lr * gi / d;
            }
        }
    }
}
