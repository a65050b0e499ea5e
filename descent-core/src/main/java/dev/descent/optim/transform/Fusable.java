package dev.descent.optim.transform;

/**
 * An algorithm's scaling that can also move the parameters itself in the same pass over memory.
 *
 * <p>Its direction d is what {@link #update} leaves in the update. When the chain holds it followed
 * by {@link Transforms#scaleByLearningRate()} (with at most a {@link Transforms#decoupledWeightDecay()}
 * between), the chain multiplies the parameter by 1 − γλ when there is decay and then calls
 * {@code apply(s, s.param(), γ)}: θ ← (1 − γλ)·θ − γ·d, in PyTorch's order of operations for AdamW
 * ({@code p.mul_(1 − lr·wd)}, then the step).
 *
 * @param <O> the algorithm's options record
 */
public interface Fusable<O> extends Transform<O> {

    /**
     * Advances this parameter's state by one step and writes {@code out ← out − eta·d}. With
     * {@code out} zeros and {@code eta} −1 this leaves d itself, which is what {@link #update} does.
     */
    void apply(Slot<O> s, float[] out, double eta);

    @Override
    default void update(Slot<O> s) {
        float[] d = s.zeros();
        apply(s, d, -1);
        System.arraycopy(d, 0, s.writableUpdate(), 0, d.length);
    }
}
