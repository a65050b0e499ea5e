package dev.descent.optim;

import java.util.List;

import dev.descent.tensor.Tensor;
import dev.descent.tensor.kernel.KernelProvider;

/**
 * Stochastic gradient descent with momentum, as {@code torch.optim.SGD}:
 *
 * <pre>
 * g_t ← ∇f(θ_{t−1}) (−∇ when maximize) + λ·θ_{t−1}
 * if μ ≠ 0:  b_t ← g_t at t = 1, else μ·b_{t−1} + (1 − τ)·g_t
 *            g_t ← g_t + μ·b_t (nesterov)  or  b_t
 * θ_t ← θ_{t−1} − γ·g_t
 * </pre>
 * γ lr, μ momentum, τ dampening, λ weight decay. State: {@code momentum_buffer}.
 */
public final class Sgd implements UpdateRule<Sgd.Options> {

    /** Options besides lr and weight decay; PyTorch's defaults are all zero/false. */
    public record Options(double momentum, double dampening, boolean nesterov) {
        /** No momentum. */
        public static Options plain() {
            return new Options(0, 0, false);
        }

        /** Heavy-ball momentum μ. */
        public static Options momentum(double momentum) {
            return new Options(momentum, 0, false);
        }

        /** Nesterov momentum μ. */
        public static Options nesterov(double momentum) {
            return new Options(momentum, 0, true);
        }
    }

    /** The rule; stateless, so one instance serves every optimizer. */
    public static final Sgd RULE = new Sgd();

    private Sgd() {
    }

    /** SGD over {@code params} with the given lr, weight decay and options. */
    public static Optimizer<Options> create(List<Tensor> params, double lr, double weightDecay, Options options) {
        return new Optimizer<>(RULE, params, lr, weightDecay, options);
    }

    /** Plain SGD. */
    public static Optimizer<Options> create(List<Tensor> params, double lr) {
        return create(params, lr, 0, Options.plain());
    }

    @Override
    public String name() {
        return "SGD";
    }

    @Override
    public String[] bufferNames() {
        return new String[] {"momentum_buffer"};
    }

    @Override
    public int scalarCount() {
        return 1; // 1 once the momentum buffer holds a value (PyTorch: buffer is not None)
    }

    @Override
    public void validate(Options o) {
        Checks.nonNegative("momentum value", o.momentum());
        Checks.nonNegative("dampening value", o.dampening());
        if (o.nesterov() && (o.momentum() <= 0 || o.dampening() != 0)) {
            throw new IllegalArgumentException("Nesterov momentum requires a momentum and zero dampening");
        }
    }

    @Override
    public void update(float[] p, float[] g, ParamState s, ParamGroup<Options> group) {
        Options o = group.options();
        float lr = (float) group.lr();
        if (o.momentum() == 0) {
            KernelProvider.kernels().axpy(-lr, g, 0, p, 0, p.length);
            return;
        }
        boolean first = s.scalars()[0] == 0;
        s.scalars()[0] = 1;
        KernelProvider.kernels().sgdMomentum(p, g, s.buffer(0), p.length, lr, (float) o.momentum(), (float) o.dampening(), o.nesterov(), first);
    }
}
