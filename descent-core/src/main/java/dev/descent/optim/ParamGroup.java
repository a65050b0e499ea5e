package dev.descent.optim;

import java.util.List;

import dev.descent.optim.transform.Group;
import dev.descent.tensor.Tensor;

/**
 * Parameters that share hyperparameters, as an entry of PyTorch's {@code param_groups}: the learning
 * rate, weight decay and maximize flag every algorithm has, and the algorithm's own options. All
 * may be changed between steps (schedules change {@link #setLr}).
 *
 * @param <O> the algorithm's options record
 */
public final class ParamGroup<O> implements Group<O> {

    private final List<Tensor> params;
    private final double initialLr;
    private double lr;
    private double weightDecay;
    private boolean maximize;
    private O options;

    ParamGroup(List<Tensor> params, double lr, double weightDecay, boolean maximize, O options) {
        this.params = List.copyOf(params);
        this.initialLr = lr;
        this.lr = lr;
        this.weightDecay = weightDecay;
        this.maximize = maximize;
        this.options = options;
    }

    /** The parameters of this group. */
    public List<Tensor> params() {
        return params;
    }

    /** The current learning rate. */
    @Override
    public double lr() {
        return lr;
    }

    /** The learning rate the group was created with (PyTorch's {@code initial_lr}, the base of schedules). */
    public double initialLr() {
        return initialLr;
    }

    /**
     * Sets the learning rate (schedules call this; 0 is allowed here, as a schedule may reach it).
     *
     * @throws IllegalArgumentException if negative or not finite
     */
    public void setLr(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("Invalid learning rate: " + lr);
        }
        this.lr = lr;
    }

    /** The weight decay λ. */
    @Override
    public double weightDecay() {
        return weightDecay;
    }

    /** Sets the weight decay; must be ≥ 0. */
    public void setWeightDecay(double weightDecay) {
        Checks.weightDecay(weightDecay);
        this.weightDecay = weightDecay;
    }

    /** Whether the objective is maximized (the gradient's sign is flipped). */
    @Override
    public boolean maximize() {
        return maximize;
    }

    /** Sets maximize. */
    public void setMaximize(boolean maximize) {
        this.maximize = maximize;
    }

    /** The algorithm's options. */
    @Override
    public O options() {
        return options;
    }

    void setOptionsUnchecked(O options) {
        this.options = options;
    }
}
