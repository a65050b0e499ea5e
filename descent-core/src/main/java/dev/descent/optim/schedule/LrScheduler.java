package dev.descent.optim.schedule;

import java.util.List;

import dev.descent.optim.Optimizer;
import dev.descent.optim.ParamGroup;

/**
 * Applies a {@link Schedule} to an optimizer's groups, as a {@code torch.optim.lr_scheduler}
 * object: construction sets step 0's learning rate; each {@link #step()} (after the optimizer's)
 * advances one step. Its state is the step count, so it resumes exactly.
 */
public final class LrScheduler {

    private final List<? extends ParamGroup<?>> groups;
    private final double[] baseLrs;
    private final Schedule schedule;
    private long lastEpoch;

    /** Starts {@code schedule} on {@code optimizer} (sets every group's lr to the schedule's step 0). */
    public LrScheduler(Optimizer<?> optimizer, Schedule schedule) {
        this.groups = optimizer.paramGroups();
        this.schedule = schedule;
        this.baseLrs = new double[groups.size()];
        for (int i = 0; i < baseLrs.length; i++) {
            baseLrs[i] = groups.get(i).initialLr();
        }
        apply();
    }

    /** Advances one step and sets the new learning rates. */
    public void step() {
        lastEpoch++;
        apply();
    }

    private void apply() {
        for (int i = 0; i < baseLrs.length; i++) {
            groups.get(i).setLr(Math.max(0, schedule.lr(baseLrs[i], lastEpoch)));
        }
    }

    /** The schedule. */
    public Schedule schedule() {
        return schedule;
    }

    /** Steps taken (PyTorch's {@code last_epoch}). */
    public long lastEpoch() {
        return lastEpoch;
    }

    /** The learning rates now set, per group (PyTorch's {@code get_last_lr()}). */
    public double[] lastLr() {
        double[] lrs = new double[groups.size()];
        for (int i = 0; i < lrs.length; i++) {
            lrs[i] = groups.get(i).lr();
        }
        return lrs;
    }

    /** Restores the step count saved from {@link #lastEpoch()} and sets the matching learning rates. */
    public void loadState(long lastEpoch) {
        if (lastEpoch < 0) {
            throw new IllegalArgumentException("Invalid scheduler state: last_epoch " + lastEpoch);
        }
        this.lastEpoch = lastEpoch;
        apply();
    }
}
