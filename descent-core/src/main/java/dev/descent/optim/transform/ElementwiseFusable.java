package dev.descent.optim.transform;

import dev.descent.optim.fused.FusedProvider;
import dev.descent.optim.fused.FusedUpdates;

/**
 * A {@link Fusable} scaling whose step, once prepared, computes each element from that element alone
 * (Adam, Lion, RMSprop, SGD). {@link #prepare} does the per-parameter work on the calling thread
 * (allocating state, bias corrections, a first-step flag) and returns the pass over the elements,
 * made of {@link FusedUpdates} calls only. So the chain may run a whole step's passes by ranges of
 * elements ({@link FusedProvider#runByRanges}): every kernel thread updates its share of every
 * parameter, in one hand-off, and zeroes each piece of the gradient right after reading it, while it
 * is in the core's cache. Results are the same as the whole-array pass's, bit for bit.
 *
 * @param <O> the algorithm's options record
 */
public interface ElementwiseFusable<O> extends Fusable<O> {

    /**
     * Advances this parameter's state by one step, except for its element-wise part, and returns that
     * part: a pass that writes {@code out ← out − eta·d} (and the algorithm's buffers) through
     * {@link FusedUpdates} calls over all elements, run once per step, on all of them or by ranges.
     */
    Runnable prepare(Slot<O> s, float[] out, double eta);

    /** An element-wise pass is element-wise in the sense of {@link Transform#elementwise()}. */
    @Override
    default boolean elementwise() {
        return true;
    }

    @Override
    default void apply(Slot<O> s, float[] out, double eta) {
        prepare(s, out, eta).run();
    }
}
