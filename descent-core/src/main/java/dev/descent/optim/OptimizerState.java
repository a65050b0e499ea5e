package dev.descent.optim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import dev.descent.optim.transform.ParamState;

/**
 * A snapshot of an optimizer (PyTorch's {@code state_dict()}): the groups' hyperparameters, each
 * parameter's state in group order (null where a parameter has none yet) with its name and shape
 * (PyTorch keys state by position only; Descent checks both when loading), the step count, and
 * whether the optimizer was in train mode.
 *
 * @param names  the parameters' names (entries null when unnamed), or null when not recorded
 * @param shapes the parameters' shapes, or null when not recorded (states saved before names were)
 */
public record OptimizerState<O>(String algorithm, long steps, List<Group<O>> groups, List<ParamState> params,
                                List<String> names, List<int[]> shapes, boolean trainMode) {

    /** One group's size and hyperparameters. */
    public record Group<O>(int size, double lr, double weightDecay, boolean maximize, O options) {
    }

    /** Defensive copies of the lists (entries may be null). */
    public OptimizerState {
        groups = List.copyOf(groups);
        params = Collections.unmodifiableList(new ArrayList<>(params));
        names = names == null ? null : Collections.unmodifiableList(new ArrayList<>(names));
        shapes = shapes == null ? null : List.copyOf(shapes.stream().map(int[]::clone).toList());
        if (names != null && names.size() != params.size() || shapes != null && shapes.size() != params.size()) {
            throw new IllegalArgumentException("optimizer state: " + params.size() + " parameters but "
                    + (names == null ? "-" : names.size()) + " names and " + (shapes == null ? "-" : shapes.size()) + " shapes");
        }
    }
}
