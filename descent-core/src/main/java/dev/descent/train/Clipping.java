package dev.descent.train;

import java.util.List;

import dev.descent.optim.Clip;
import dev.descent.tensor.Tensor;

/** How gradients are clipped before each optimizer step: a closed family. */
public sealed interface Clipping {

    /** Applies the clipping to the parameters' gradients. */
    void apply(List<Tensor> params);

    /** No clipping. */
    record None() implements Clipping {
        @Override
        public void apply(List<Tensor> params) {
        }
    }

    /** Rescale so that the global L2 norm is at most {@code maxNorm}. */
    record Norm(double maxNorm) implements Clipping {
        /** Checks every value, naming the one out of range. */
        public Norm {
            if (!(maxNorm > 0)) {
                throw new IllegalArgumentException("clip norm must be positive, got " + maxNorm);
            }
        }

        @Override
        public void apply(List<Tensor> params) {
            Clip.gradNorm(params, maxNorm);
        }
    }

    /** Clamp every element to [−value, value]. */
    record Value(double value) implements Clipping {
        /** Checks every value, naming the one out of range. */
        public Value {
            if (!(value > 0)) {
                throw new IllegalArgumentException("clip value must be positive, got " + value);
            }
        }

        @Override
        public void apply(List<Tensor> params) {
            Clip.gradValue(params, value);
        }
    }
}
