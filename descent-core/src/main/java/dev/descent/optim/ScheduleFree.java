package dev.descent.optim;

import java.util.List;

import dev.descent.optim.fused.FusedProvider;
import dev.descent.optim.transform.Chain;
import dev.descent.optim.transform.ModeSwitch;
import dev.descent.optim.transform.Slot;
import dev.descent.tensor.Tensor;

import static dev.descent.optim.transform.Transforms.coupledWeightDecay;
import static dev.descent.optim.transform.Transforms.maximize;

/**
 * Schedule-Free AdamW and SGD (Defazio et al., 2024, "The Road Less Scheduled"; the self-tuning
 * winner of the 2024 AlgoPerf competition), as the authors' reference implementations
 * ({@code adamw_schedulefree_reference.py} as of November 2024, with the bias correction inside the
 * root, and {@code sgd_schedulefree_reference.py}). Three sequences
 * replace the schedule: z, the base optimizer's iterate; x, a weighted average of z, which is the
 * model to evaluate and save; and y, between them, where gradients are taken:
 *
 * <pre>
 * k ← t − 1;   s_k ← (k + 1)/warmup while k &lt; warmup, else 1
 * γ_k ← γ·s_k;   γ_max ← max(γ_max, γ_k);   w_k ← (k + 1)^r · γ_max^p;   W ← W + w_k;   c_k ← w_k / W
 * AdamW: z ← z − γ_kλ·y;   v ← β₂·v + (1 − β₂)·g²;   z ← z − γ_k·g/(√(v/(1 − β₂^{k+1})) + ε)
 * SGD:   z ← z − γ_k·(g + λ·y)
 * x ← (1 − c_k)·x + c_k·z;   y ← β·x + (1 − β)·z        (β = β₁ for AdamW, the momentum for SGD)
 * </pre>
 * The parameter holds y in train mode and x in eval mode ({@link Optimizer#train()},
 * {@link Optimizer#eval()}); the trainer trains on y and evaluates and checkpoints x. r is the
 * polynomial weighting power and p the {@code weight_lr_power}. The reference keeps k, W and γ_max
 * per group; here each parameter keeps its own (equal as long as every parameter gets a gradient
 * at every step). Defaults (the authors'): AdamW γ = 0.0025, β = (0.9, 0.999), ε = 1e-8; SGD
 * γ = 1.0, momentum 0.9; both λ = 0, warmup 0, r = 0, p = 2. State: {@code z}, {@code x},
 * {@code exp_avg_sq} (AdamW) and the scalars {@code weight_sum}, {@code lr_max}.
 */
public final class ScheduleFree {

    /** Schedule-Free AdamW's options. */
    public record AdamWOptions(double beta1, double beta2, double eps, int warmupSteps, double r, double weightLrPower) {
        /** The authors' defaults. */
        public static AdamWOptions defaults() {
            return new AdamWOptions(0.9, 0.999, 1e-8, 0, 0, 2);
        }
    }

    /** Schedule-Free SGD's options. */
    public record SgdOptions(double momentum, int warmupSteps, double r, double weightLrPower) {
        /** The authors' defaults. */
        public static SgdOptions defaults() {
            return new SgdOptions(0.9, 0, 0, 2);
        }
    }

    /** The authors' default learning rate for AdamW. */
    public static final double ADAMW_DEFAULT_LR = 0.0025;
    /** The authors' default learning rate for SGD. */
    public static final double SGD_DEFAULT_LR = 1.0;

    /** Schedule-Free AdamW: chain(maximize, the schedule-free AdamW step). */
    public static final Chain<AdamWOptions> ADAMW = Chain.of(maximize(), new AdamWStep()).named("AdamWScheduleFree");
    /** Schedule-Free SGD: chain(maximize, coupled weight decay at y, the schedule-free SGD step). */
    public static final Chain<SgdOptions> SGD = Chain.of(maximize(), coupledWeightDecay(), new SgdStep()).named("SGDScheduleFree");

    private ScheduleFree() {
    }

    /** Schedule-Free AdamW over {@code params}. */
    public static Optimizer<AdamWOptions> adamW(List<Tensor> params, double lr, double weightDecay, AdamWOptions options) {
        return new Optimizer<>(ADAMW, params, lr, weightDecay, options);
    }

    /** Schedule-Free SGD over {@code params}. */
    public static Optimizer<SgdOptions> sgd(List<Tensor> params, double lr, double weightDecay, SgdOptions options) {
        return new Optimizer<>(SGD, params, lr, weightDecay, options);
    }

    /** The averaging shared by both: buffers z and x, scalars W and γ_max, the modes. */
    private abstract static class Step<O> implements ModeSwitch<O> {
        @Override
        public int scalarCount() {
            return 2;
        }

        @Override
        public boolean movesParameters() {
            return true;
        }

        @Override
        public void init(Slot<O> s) {
            System.arraycopy(s.param(), 0, s.buffer(0), 0, s.numel());
            System.arraycopy(s.param(), 0, s.buffer(1), 0, s.numel());
            s.setScalar(1, -1.0);
        }

        /** s_k, the warm-up factor of step k = t − 1. */
        static double warmup(long k, int warmupSteps) {
            return k < warmupSteps ? (k + 1) / (double) warmupSteps : 1.0;
        }

        /** Updates W and γ_max for this step's γ_k and returns c_k. */
        static double averagingWeight(Slot<?> s, double lrK, double r, double power) {
            double lrMax = Math.max(lrK, s.scalar(1));
            s.setScalar(1, lrMax);
            double weight = Math.pow(s.step(), r) * Math.pow(lrMax, power);
            double weightSum = s.scalar(0) + weight;
            s.setScalar(0, weightSum);
            return weightSum == 0 ? 0 : weight / weightSum;
        }

        abstract double beta(O options);

        @Override
        public void toEval(Slot<O> s) {
            System.arraycopy(s.buffer(1), 0, s.param(), 0, s.numel());
        }

        @Override
        public void toTrain(Slot<O> s) {
            FusedProvider.updates().scheduleFreeY(s.buffer(1), s.buffer(0), s.param(), s.numel(), (float) beta(s.options()));
        }

        static void checkAveraging(int warmupSteps, double r, double power) {
            if (warmupSteps < 0) {
                throw new IllegalArgumentException("Invalid warmup_steps: " + warmupSteps + " (must be >= 0)");
            }
            Checks.nonNegative("r", r);
            if (!Double.isFinite(power)) {
                throw new IllegalArgumentException("Invalid weight_lr_power: " + power + " (must be finite)");
            }
        }
    }

    private static final class AdamWStep extends Step<AdamWOptions> {
        @Override
        public String name() {
            return "schedule_free_adamw";
        }

        @Override
        public List<String> buffers() {
            return List.of("z", "x", "exp_avg_sq");
        }

        @Override
        double beta(AdamWOptions o) {
            return o.beta1();
        }

        @Override
        public void validate(AdamWOptions o) {
            Checks.adamLike(o.beta1(), o.beta2(), o.eps());
            checkAveraging(o.warmupSteps(), o.r(), o.weightLrPower());
        }

        @Override
        public void update(Slot<AdamWOptions> s) {
            AdamWOptions o = s.options();
            long k = s.step() - 1;
            double lr = s.group().lr() * warmup(k, o.warmupSteps());
            double bc2 = 1 - Math.pow(o.beta2(), k + 1);
            double ckp1 = averagingWeight(s, lr, o.r(), o.weightLrPower());
            FusedProvider.updates().scheduleFreeAdamW(s.update(), s.buffer(0), s.buffer(1), s.buffer(2), s.param(), s.numel(), (float) lr,
                    (float) (lr * s.group().weightDecay()), (float) o.beta1(), (float) o.beta2(), (float) o.eps(), (float) bc2, (float) ckp1);
        }
    }

    private static final class SgdStep extends Step<SgdOptions> {
        @Override
        public String name() {
            return "schedule_free_sgd";
        }

        @Override
        public List<String> buffers() {
            return List.of("z", "x");
        }

        @Override
        double beta(SgdOptions o) {
            return o.momentum();
        }

        @Override
        public void validate(SgdOptions o) {
            if (!(o.momentum() > 0 && o.momentum() < 1)) {
                throw new IllegalArgumentException("Momentum must be between 0 and 1 exclusive: " + o.momentum());
            }
            checkAveraging(o.warmupSteps(), o.r(), o.weightLrPower());
        }

        @Override
        public void update(Slot<SgdOptions> s) {
            SgdOptions o = s.options();
            long k = s.step() - 1;
            double lr = s.group().lr() * warmup(k, o.warmupSteps());
            double ckp1 = averagingWeight(s, lr, o.r(), o.weightLrPower());
            FusedProvider.updates().scheduleFreeSgd(s.update(), s.buffer(0), s.buffer(1), s.param(), s.numel(), (float) lr, (float) ckp1,
                    (float) o.momentum());
        }
    }
}
