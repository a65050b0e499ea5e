package dev.descent.optim;

/**
 * One optimization algorithm's math: the state it keeps per parameter and its update of one
 * parameter's flat arrays. The loop over groups and parameters, gradient preprocessing (maximize,
 * coupled weight decay) and state bookkeeping live once, in {@link Optimizer}.
 *
 * @param <O> the algorithm's own options (a record), per parameter group
 */
public interface UpdateRule<O> {

    /** PyTorch's class name, e.g. "Adam"; used in errors and state dicts. */
    String name();

    /** Names of the per-parameter float buffers, PyTorch's names where they exist ("exp_avg", …). */
    String[] bufferNames();

    /** Number of per-parameter double scalars the rule keeps (e.g. NAdam's μ product). */
    default int scalarCount() {
        return 0;
    }

    /** Initialises a fresh state's buffers and scalars (all zero already). */
    default void init(ParamState state, O options) {
    }

    /**
     * Whether {@link Optimizer} adds {@code weightDecay·p} to the gradient before {@link #update}
     * (PyTorch's L2 form). Decoupled rules (AdamW, Lion) return false and apply decay themselves.
     */
    default boolean coupledWeightDecay() {
        return true;
    }

    /** Whether the rule reads gradients: random search does not, so it updates parameters without one. */
    default boolean needsGradient() {
        return true;
    }

    /**
     * Updates one parameter in place.
     *
     * @param p     the parameter's values
     * @param g     its gradient after maximize and coupled weight decay (do not modify); null only
     *              when {@link #needsGradient()} is false
     * @param state this parameter's state; {@code state.step()} already counts this step
     * @param group the parameter's group: lr, weight decay and {@code options}
     */
    void update(float[] p, float[] g, ParamState state, ParamGroup<O> group);

    /** Validates options; throws {@link IllegalArgumentException} naming the option and value. */
    default void validate(O options) {
    }

    /** State of the rule itself, beyond per-parameter state (random search's generator), or null. */
    default long[] ruleState() {
        return null;
    }

    /** Restores {@link #ruleState()}. */
    default void loadRuleState(long[] state) {
    }
}
