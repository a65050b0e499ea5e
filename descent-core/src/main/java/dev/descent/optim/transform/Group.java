package dev.descent.optim.transform;

/**
 * The hyperparameters of one parameter group that links read at every step: the learning rate
 * (which a schedule may change between steps), the weight decay λ, the maximize flag and the
 * algorithm's own options. {@code dev.descent.optim.ParamGroup} is the implementation.
 *
 * @param <O> the algorithm's options record
 */
public interface Group<O> {

    /** The current learning rate γ. */
    double lr();

    /** The weight decay λ. */
    double weightDecay();

    /** Whether the objective is maximized. */
    boolean maximize();

    /** The algorithm's options. */
    O options();
}
