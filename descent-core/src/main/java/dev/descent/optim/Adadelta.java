package dev.descent.optim;

import java.util.List;

import dev.descent.optim.transform.Chain;
import dev.descent.optim.transform.Fusable;
import dev.descent.optim.transform.Slot;
import dev.descent.tensor.Tensor;

import static dev.descent.optim.transform.Transforms.coupledWeightDecay;
import static dev.descent.optim.transform.Transforms.maximize;
import static dev.descent.optim.transform.Transforms.scaleByLearningRate;

/**
 * Adadelta (Zeiler, 2012), as {@code torch.optim.Adadelta}:
 *
 * <pre>
 * v_t ← ρ·v_{t−1} + (1 − ρ)·g_t²
 * Δ_t ← √(u_{t−1} + ε) / √(v_t + ε) · g_t
 * u_t ← ρ·u_{t−1} + (1 − ρ)·Δ_t²
 * θ_t ← θ_{t−1} − γ·Δ_t
 * </pre>
 * chain(maximize, coupled weight decay, scale by Adadelta, learning rate). Defaults: γ = 1.0,
 * ρ = 0.9, ε = 1e-6. State: {@code square_avg}, {@code acc_delta}.
 */
public final class Adadelta {

    /** ρ and ε. */
    public record Options(double rho, double eps) {
        /** PyTorch's defaults. */
        public static Options defaults() {
            return new Options(0.9, 1e-6);
        }
    }

    /** PyTorch's default learning rate. */
    public static final double DEFAULT_LR = 1.0;

    /** The chain. */
    public static final Chain<Options> RULE = Chain.of(maximize(), coupledWeightDecay(), new ScaleByAdadelta(), scaleByLearningRate()).named("Adadelta");

    private Adadelta() {
    }

    /** Adadelta over {@code params}. */
    public static Optimizer<Options> create(List<Tensor> params, double lr, double weightDecay, Options options) {
        return new Optimizer<>(RULE, params, lr, weightDecay, options);
    }

    private static final class ScaleByAdadelta implements Fusable<Options> {
        @Override
        public String name() {
            return "adadelta";
        }

        @Override
        public List<String> buffers() {
            return List.of("square_avg", "acc_delta");
        }

        @Override
        public void validate(Options o) {
            Checks.unit("rho value", o.rho());
            Checks.eps(o.eps());
        }

        @Override
        public void apply(Slot<Options> s, float[] out, double eta) {
            Options o = s.options();
            float rho = (float) o.rho(), eps = (float) o.eps(), rate = (float) eta;
            float[] g = s.update(), v = s.buffer(0), u = s.buffer(1);
            for (int i = 0; i < out.length; i++) {
                float gi = g[i];
                v[i] = rho * v[i] + (1 - rho) * gi * gi;
                float delta = (float) Math.sqrt(u[i] + eps) / (float) Math.sqrt(v[i] + eps) * gi;
                u[i] = rho * u[i] + (1 - rho) * delta * delta;
                out[i] = out[i] - rate * delta;
            }
        }
    }
}
