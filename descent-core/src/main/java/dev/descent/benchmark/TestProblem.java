package dev.descent.benchmark;

import dev.descent.optim.OptimizerSpec;

/**
 * A benchmark test problem: a model, its data and loss, and its budgets. Implement it to add a
 * problem to a {@link Benchmark}; every run must be a function of the optimizer and the seed alone.
 */
public interface TestProblem {

    /** The name in reports and on the command line, DeepOBS style ("mnist_mlp"). */
    String name();

    /** One line on what is trained on what. */
    String description();

    /** Whether the validation metric is an accuracy (higher is better) rather than a loss. */
    boolean hasAccuracy();

    /** What the validation metric is, for reports ("validation accuracy"). */
    default String metric() {
        return hasAccuracy() ? "validation accuracy" : "validation loss";
    }

    /** The epochs and batch size at {@code scale}. */
    Budget budget(Scale scale);

    /**
     * Trains from the seed's initial state with {@code optimizer}, evaluating at least at the end of
     * every epoch; stops early, marked diverged, when the loss stops being finite.
     */
    ProblemRun run(OptimizerSpec<?> optimizer, Budget budget, long seed);
}
