package dev.descent.optim.transform;

import java.util.List;

/**
 * A link that needs every parameter's update before it can change any, such as clipping by the
 * global norm. The chain runs the links before it on all parameters first.
 *
 * @param <O> the options record the link reads
 */
public interface GlobalTransform<O> extends Transform<O> {

    /** Transforms the updates of all the parameters stepped together. */
    void updateAll(List<Slot<O>> slots);

    @Override
    default void update(Slot<O> s) {
        updateAll(List.of(s));
    }
}
