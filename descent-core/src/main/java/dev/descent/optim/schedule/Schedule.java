package dev.descent.optim.schedule;

import java.util.Arrays;
import java.util.List;
import java.util.function.LongToDoubleFunction;

/**
 * A learning-rate schedule as a pure function of the step count, mirroring
 * {@code torch.optim.lr_scheduler} (closed forms; {@code t} is PyTorch's {@code last_epoch}, 0 before
 * the first {@code step()}, and {@code η₀} the group's initial lr). {@link LrScheduler} applies one to
 * an optimizer.
 */
public sealed interface Schedule {

    /** The learning rate at step {@code t} for a group whose initial learning rate is {@code base}. */
    double lr(double base, long t);

    /** The last step this schedule is defined for, or {@code Long.MAX_VALUE}. */
    default long maxSteps() {
        return Long.MAX_VALUE;
    }

    /** {@code StepLR}: η_t = η₀·γ^⌊t/s⌋. Default γ = 0.1. */
    record StepLr(int stepSize, double gamma) implements Schedule {
        /** Checks every value, naming the one out of range. */
        public StepLr {
            positive("step_size", stepSize);
            positive("gamma", gamma);
        }

        @Override
        public double lr(double base, long t) {
            return base * Math.pow(gamma, t / stepSize);
        }
    }

    /** {@code MultiStepLR}: η_t = η₀·γ^(number of milestones ≤ t). Default γ = 0.1. */
    record MultiStepLr(List<Integer> milestones, double gamma) implements Schedule {
        /** Checks every value, naming the one out of range. */
        public MultiStepLr {
            milestones = List.copyOf(milestones);
            for (int i = 1; i < milestones.size(); i++) {
                if (milestones.get(i) < milestones.get(i - 1)) {
                    throw new IllegalArgumentException("Milestones should be a list of increasing integers, got " + milestones);
                }
            }
            positive("gamma", gamma);
        }

        @Override
        public double lr(double base, long t) {
            int passed = 0;
            for (int m : milestones) {
                if (m <= t) {
                    passed++;
                }
            }
            return base * Math.pow(gamma, passed);
        }
    }

    /** {@code ExponentialLR}: η_t = η₀·γᵗ. */
    record ExponentialLr(double gamma) implements Schedule {
        /** Checks every value, naming the one out of range. */
        public ExponentialLr {
            positive("gamma", gamma);
        }

        @Override
        public double lr(double base, long t) {
            return base * Math.pow(gamma, t);
        }
    }

    /** {@code CosineAnnealingLR}: η_t = η_min + (η₀ − η_min)·(1 + cos(πt/T_max))/2. Default η_min = 0. */
    record CosineAnnealingLr(int tMax, double etaMin) implements Schedule {
        /** Checks every value, naming the one out of range. */
        public CosineAnnealingLr {
            positive("T_max", tMax);
            nonNegative("eta_min", etaMin);
        }

        @Override
        public double lr(double base, long t) {
            return etaMin + (base - etaMin) * (1 + Math.cos(Math.PI * t / tMax)) / 2;
        }
    }

    /**
     * {@code CosineAnnealingWarmRestarts} (SGDR): η_t = η_min + (η₀ − η_min)·(1 + cos(π·T_cur/T_i))/2, where
     * the period T_i starts at T₀, restarts when T_cur reaches it and is multiplied by T_mult.
     */
    record CosineAnnealingWarmRestarts(int t0, int tMult, double etaMin) implements Schedule {
        /** Checks every value, naming the one out of range. */
        public CosineAnnealingWarmRestarts {
            positive("T_0", t0);
            if (tMult < 1) {
                throw new IllegalArgumentException("Expected integer T_mult >= 1, but got " + tMult);
            }
            nonNegative("eta_min", etaMin);
        }

        @Override
        public double lr(double base, long t) {
            long tCur = t, tI = t0;
            while (tCur >= tI) {
                tCur -= tI;
                tI *= tMult;
            }
            return etaMin + (base - etaMin) * (1 + Math.cos(Math.PI * tCur / tI)) / 2;
        }
    }

    /**
     * {@code LinearLR}: η_t = η₀·(s + (e − s)·min(t, T)/T). Defaults s = 1/3, e = 1, T = 5.
     */
    record LinearLr(double startFactor, double endFactor, int totalIters) implements Schedule {
        /** Checks every value, naming the one out of range. */
        public LinearLr {
            if (!(startFactor > 0 && startFactor <= 1)) {
                throw new IllegalArgumentException("Starting multiplicative factor expected to be greater than 0 and less or equal to 1, got " + startFactor);
            }
            if (!(endFactor >= 0 && endFactor <= 1)) {
                throw new IllegalArgumentException("Ending multiplicative factor expected to be between 0 and 1, got " + endFactor);
            }
            positive("total_iters", totalIters);
        }

        @Override
        public double lr(double base, long t) {
            return base * (startFactor + (endFactor - startFactor) * Math.min(t, totalIters) / totalIters);
        }
    }

    /** How {@link OneCycleLr} moves between two learning rates. */
    enum Anneal {
        /** end + (start − end)·(1 + cos(π·pct))/2. */
        COS,
        /** start + (end − start)·pct. */
        LINEAR;

        double between(double start, double end, double pct) {
            return this == COS ? end + (start - end) / 2 * (1 + Math.cos(Math.PI * pct)) : (end - start) * pct + start;
        }
    }

    /**
     * {@code OneCycleLR} (Smith &amp; Topin, 2017), two phases: from max_lr/div_factor up to max_lr over
     * the first pct_start·total_steps steps, then down to max_lr/(div_factor·final_div_factor).
     * Ignores the optimizer's lr. Defaults: pct_start 0.3, cos, div_factor 25, final_div_factor 1e4.
     */
    record OneCycleLr(double maxLr, int totalSteps, double pctStart, Anneal anneal, double divFactor, double finalDivFactor) implements Schedule {
        /** Checks every value, naming the one out of range. */
        public OneCycleLr {
            positive("max_lr", maxLr);
            positive("total_steps", totalSteps);
            if (!(pctStart >= 0 && pctStart <= 1)) {
                throw new IllegalArgumentException("Expected float between 0 and 1 pct_start, but got " + pctStart);
            }
            positive("div_factor", divFactor);
            positive("final_div_factor", finalDivFactor);
        }

        /** PyTorch's defaults around max_lr and total_steps. */
        public static OneCycleLr of(double maxLr, int totalSteps) {
            return new OneCycleLr(maxLr, totalSteps, 0.3, Anneal.COS, 25, 1e4);
        }

        @Override
        public double lr(double base, long t) {
            if (t > totalSteps) {
                throw new IllegalStateException("Tried to step " + t + " times. The specified number of total steps is " + totalSteps);
            }
            double initial = maxLr / divFactor, min = initial / finalDivFactor;
            double end1 = pctStart * totalSteps - 1, end2 = totalSteps - 1;
            if (t <= end1) {
                return anneal.between(initial, maxLr, t / end1);
            }
            return anneal.between(maxLr, min, (t - end1) / (end2 - end1));
        }

        @Override
        public long maxSteps() {
            return totalSteps;
        }
    }

    /** The policy of {@link CyclicLr}. */
    enum CyclicMode {
        /** Constant amplitude. */
        TRIANGULAR,
        /** Amplitude halved every cycle. */
        TRIANGULAR2,
        /** Amplitude scaled by γᵗ. */
        EXP_RANGE
    }

    /**
     * {@code CyclicLR} (Smith, 2017): between base_lr and max_lr with a cycle of step_size_up +
     * step_size_down steps (down defaults to up). Ignores the optimizer's lr.
     */
    record CyclicLr(double baseLr, double maxLr, int stepSizeUp, int stepSizeDown, CyclicMode mode, double gamma) implements Schedule {
        /** Checks every value, naming the one out of range. */
        public CyclicLr {
            positive("base_lr", baseLr);
            positive("max_lr", maxLr);
            positive("step_size_up", stepSizeUp);
            positive("step_size_down", stepSizeDown);
            positive("gamma", gamma);
        }

        /** A triangular cycle with equal up and down phases. */
        public static CyclicLr triangular(double baseLr, double maxLr, int stepSizeUp) {
            return new CyclicLr(baseLr, maxLr, stepSizeUp, stepSizeUp, CyclicMode.TRIANGULAR, 1.0);
        }

        @Override
        public double lr(double base, long t) {
            double total = stepSizeUp + stepSizeDown;
            double ratio = stepSizeUp / total;
            double cycle = Math.floor(1 + t / total);
            double x = 1 + t / total - cycle;
            double scale = x <= ratio ? x / ratio : (x - 1) / (ratio - 1);
            double height = (maxLr - baseLr) * scale;
            return baseLr + height * switch (mode) {
                case TRIANGULAR -> 1.0;
                case TRIANGULAR2 -> 1 / Math.pow(2, cycle - 1);
                case EXP_RANGE -> Math.pow(gamma, t);
            };
        }
    }

    /**
     * {@code SequentialLR}: schedule k from milestone k−1 (0 for the first) on, each restarted at its
     * own step 0 (e.g. linear warm-up, then cosine).
     */
    record SequentialLr(List<Schedule> schedules, List<Integer> milestones) implements Schedule {
        /** Checks every value, naming the one out of range. */
        public SequentialLr {
            schedules = List.copyOf(schedules);
            milestones = List.copyOf(milestones);
            if (schedules.isEmpty() || milestones.size() != schedules.size() - 1) {
                throw new IllegalArgumentException("Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got "
                        + schedules.size() + " schedulers and " + milestones.size() + " milestones");
            }
        }

        @Override
        public double lr(double base, long t) {
            int k = 0;
            long start = 0;
            while (k < milestones.size() && t >= milestones.get(k)) {
                start = milestones.get(k);
                k++;
            }
            return schedules.get(k).lr(base, t - start);
        }
    }

    /** {@code LambdaLR}: η_t = η₀·λ(t), λ a user function. */
    record LambdaLr(LongToDoubleFunction factor) implements Schedule {
        @Override
        public double lr(double base, long t) {
            return base * factor.applyAsDouble(t);
        }
    }

    private static void positive(String name, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("Invalid " + name + ": " + v + " (must be positive)");
        }
    }

    private static void nonNegative(String name, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("Invalid " + name + ": " + v + " (must be >= 0)");
        }
    }

    /** Milestones as a list, for callers with an array. */
    static List<Integer> list(int... values) {
        return Arrays.stream(values).boxed().toList();
    }
}
