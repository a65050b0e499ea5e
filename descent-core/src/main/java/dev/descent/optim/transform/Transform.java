package dev.descent.optim.transform;

import java.util.List;

/**
 * One link of an optimizer {@link Chain}, as Optax's {@code GradientTransformation}: it keeps some
 * state per parameter and transforms the update of each parameter that flows down the chain. The
 * update starts as the gradient; links such as maximize, weight decay and clipping change it; the
 * algorithm's scaling (Adam's moments, Muon's orthogonalisation, …) turns it into a direction; the
 * last link moves the parameters ({@link Transforms#scaleByLearningRate()}: θ ← θ − γ·u, or an
 * algorithm that moves them itself, as Schedule-Free does).
 *
 * <p>A link reads its group's hyperparameters ({@link Slot#group()}) at every step, so schedules and
 * per-group options work as in PyTorch. Links are stateless objects; their state lives in the slots,
 * so one link may serve many optimizers.
 *
 * @param <O> the options record the link reads from its group ({@code Object} when it reads none)
 */
public interface Transform<O> {

    /** A short name for chain names and errors, e.g. {@code adam}, {@code clip_by_global_norm(1.0)}. */
    String name();

    /** Names of the per-parameter buffers, PyTorch's names where they exist ({@code exp_avg}, …). */
    default List<String> buffers() {
        return List.of();
    }

    /** The length of buffer {@code i} for a parameter of this shape (its element count unless the link factors it). */
    default int bufferSize(int i, int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** How many double scalars the link keeps per parameter. */
    default int scalarCount() {
        return 0;
    }

    /** Sets up a parameter's fresh state (buffers unallocated, scalars zero) before its first update. */
    default void init(Slot<O> s) {
    }

    /** Checks a group's options; throws {@link IllegalArgumentException} naming the option and value. */
    default void validate(O options) {
    }

    /**
     * Whether this link leaves the update of a parameter in {@code group} as it is (maximize off, no
     * weight decay): the chain may then run the links around it by ranges of elements
     * ({@link ElementwiseFusable}). False unless a link knows it.
     */
    default boolean isIdentity(Group<O> group) {
        return false;
    }

    /**
     * Whether this link treats a parameter's elements independently: each element of its output, and of
     * every buffer it keeps (one value per element of the parameter), computed from the same element of
     * the parameter, the update and its buffers alone, with per-parameter scalars (a step count, bias
     * corrections) the same for all. A chain of such links gives the same steps whatever order a
     * parameter's elements are stored in, as long as its state is stored in the same order
     * ({@code Optimizer.rearrangeState}). False unless a link knows it.
     */
    default boolean elementwise() {
        return false;
    }

    /** Whether this link moves the parameters (only the last link of a chain does). */
    default boolean movesParameters() {
        return false;
    }

    /** Transforms one parameter's update (or, for the last link, moves the parameter). */
    void update(Slot<O> s);
}
