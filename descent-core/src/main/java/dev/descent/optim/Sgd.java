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
 * Stochastic gradient descent with momentum, as {@code torch.optim.SGD}:
 *
 * <pre>
 * g_t ← ∇f(θ_{t−1}) (−∇ when maximize) + λ·θ_{t−1}
 * if μ ≠ 0:  b_t ← g_t at t = 1, else μ·b_{t−1} + (1 − τ)·g_t
 *            g_t ← g_t + μ·b_t (nesterov)  or  b_t
 * θ_t ← θ_{t−1} − γ·g_t
 * </pre>
 * γ lr, μ momentum, τ dampening, λ weight decay: chain(maximize, coupled weight decay, scale by
 * momentum, learning rate). State: {@code momentum_buffer} (only with momentum).
 */
public final class Sgd {

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

    /** PyTorch's default learning rate (the tutorial's SGD lr). */
    public static final double DEFAULT_LR = 0.01;

    /** SGD's scaling: the momentum direction (the gradient itself without momentum). */
    public static Fusable<Options> scaleByMomentum() {
        return ScaleByMomentum.INSTANCE;
    }

    /** The chain; stateless, so one instance serves every optimizer. */
    public static final Chain<Options> RULE = Chain.of(maximize(), coupledWeightDecay(), scaleByMomentum(), scaleByLearningRate()).named("SGD");

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

    private static final class ScaleByMomentum implements ElementwiseFusable<Options> {
        static final ScaleByMomentum INSTANCE = new ScaleByMomentum();

        @Override
        public String name() {
            return "sgd_momentum";
        }

        @Override
        public List<String> buffers() {
            return List.of("momentum_buffer");
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
        public Runnable prepare(Slot<Options> s, float[] out, double eta) {
            Options o = s.options();
            float[] g = s.update();
            float rate = (float) eta;
            if (o.momentum() == 0) {
                return () -> FusedProvider.updates().step(g, out, out.length, rate);
            }
            boolean first = s.scalar(0) == 0;
            s.setScalar(0, 1);
            float[] b = s.buffer(0);
            float momentum = (float) o.momentum(), dampening = (float) o.dampening();
            boolean nesterov = o.nesterov();
            return () -> FusedProvider.updates().sgdMomentum(g, b, out, out.length, momentum, dampening, nesterov, first, rate);
        }
    }
}
