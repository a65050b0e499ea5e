package dev.descent.data;

import dev.descent.tensor.Tensor;

/** A batch: inputs [B, …] and one label per example. */
public record Batch(Tensor x, int[] y) {

    /** The number of examples. */
    public int size() {
        return y.length;
    }
}
