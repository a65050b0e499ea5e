package dev.descent.tensor;

/** How a loss combines per-example values, as PyTorch's {@code reduction} argument. */
public enum Reduction {
    /** The (weighted) mean over the batch. */
    MEAN,
    /** The sum over the batch. */
    SUM,
    /** One value per example. */
    NONE
}
