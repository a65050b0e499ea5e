package dev.descent.optim;

import java.util.List;

/**
 * A snapshot of an optimizer (PyTorch's {@code state_dict()}): the groups' hyperparameters, each
 * parameter's state in group order (null where a parameter has none yet), the step count, and the
 * rule's own state (random search's generator) or null.
 */
public record OptimizerState<O>(String algorithm, long steps, List<Group<O>> groups, List<ParamState> params, long[] ruleState) {

    /** One group's size and hyperparameters. */
    public record Group<O>(int size, double lr, double weightDecay, boolean maximize, O options) {
    }

    /** Defensive copies of the lists (entries may be null). */
    public OptimizerState {
        groups = List.copyOf(groups);
        params = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(params));
    }
}
