package dev.descent.optim.schedule;

import java.util.List;

import dev.descent.optim.Optimizer;
import dev.descent.optim.ParamGroup;

/**
 * {@code ReduceLROnPlateau}: multiplies every group's lr by {@code factor} (not below
 * {@code minLr}) when the metric has not improved for more than {@code patience} steps, then waits
 * {@code cooldown} steps. "Improved" means below {@code best·(1 − threshold)} in relative min mode
 * (PyTorch's defaults: min, factor 0.1, patience 10, threshold 1e-4 rel, cooldown 0, min_lr 0,
 * eps 1e-8: changes smaller than eps are ignored).
 */
public final class ReduceLrOnPlateau {

    /** Whether lower or higher metrics are better. */
    public enum Mode {
        /** Lower is better (a loss). */
        MIN,
        /** Higher is better (an accuracy). */
        MAX
    }

    /** Whether the threshold is relative or absolute. */
    public enum ThresholdMode {
        /** Better means beyond best·(1 ∓ threshold). */
        REL,
        /** Better means beyond best ∓ threshold. */
        ABS
    }

    /** Options, with PyTorch's names. */
    public record Options(Mode mode, double factor, int patience, double threshold, ThresholdMode thresholdMode,
                          int cooldown, double minLr, double eps) {
        /** Checks every value, naming the one out of range. */
        public Options {
            if (!(factor < 1.0 && factor > 0)) {
                throw new IllegalArgumentException("Factor should be < 1.0 and > 0, got " + factor);
            }
            if (patience < 0 || cooldown < 0 || !(threshold >= 0) || !(minLr >= 0) || !(eps >= 0)) {
                throw new IllegalArgumentException("ReduceLROnPlateau: patience, cooldown, threshold, min_lr and eps must be >= 0");
            }
        }

        /** PyTorch's defaults. */
        public static Options defaults() {
            return new Options(Mode.MIN, 0.1, 10, 1e-4, ThresholdMode.REL, 0, 0, 1e-8);
        }
    }

    /** The resumable state: best metric, bad-step count, cooldown counter, steps taken. */
    public record State(double best, int numBadEpochs, int cooldownCounter, long lastEpoch) {
    }

    private final List<? extends ParamGroup<?>> groups;
    private final Options o;
    private double best;
    private int numBad;
    private int cooldownCounter;
    private long lastEpoch;

    /** Watches a metric for {@code optimizer}'s groups. */
    public ReduceLrOnPlateau(Optimizer<?> optimizer, Options options) {
        this.groups = optimizer.paramGroups();
        this.o = options;
        this.best = options.mode() == Mode.MIN ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }

    /** Records one value of the metric and reduces the learning rates if it has plateaued. */
    public void step(double metric) {
        lastEpoch++;
        if (isBetter(metric)) {
            best = metric;
            numBad = 0;
        } else {
            numBad++;
        }
        if (cooldownCounter > 0) {
            cooldownCounter--;
            numBad = 0;
        }
        if (numBad > o.patience()) {
            for (ParamGroup<?> g : groups) {
                double old = g.lr();
                double next = Math.max(old * o.factor(), o.minLr());
                if (old - next > o.eps()) {
                    g.setLr(next);
                }
            }
            cooldownCounter = o.cooldown();
            numBad = 0;
        }
    }

    private boolean isBetter(double a) {
        boolean rel = o.thresholdMode() == ThresholdMode.REL;
        if (o.mode() == Mode.MIN) {
            return rel ? a < best * (1 - o.threshold()) : a < best - o.threshold();
        }
        return rel ? a > best * (o.threshold() + 1) : a > best + o.threshold();
    }

    /** The state to save. */
    public State state() {
        return new State(best, numBad, cooldownCounter, lastEpoch);
    }

    /** Restores a saved state. */
    public void loadState(State s) {
        best = s.best();
        numBad = s.numBadEpochs();
        cooldownCounter = s.cooldownCounter();
        lastEpoch = s.lastEpoch();
    }
}
