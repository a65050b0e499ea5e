package dev.descent.optim.transform;

import java.util.List;
import java.util.Locale;

/**
 * Gradient clipping as a link, placed first in a chain: {@code torch.nn.utils.clip_grad_norm_} and
 * {@code clip_grad_value_} applied to the updates rather than to {@code p.grad}. A closed family.
 */
public sealed interface Clip extends Transform<Object> permits Clip.ByValue, Clip.ByGlobalNorm {

    /** Clamps every element of the update to [−value, value]. */
    record ByValue(double value) implements Clip {
        /** @throws IllegalArgumentException unless value is positive and finite */
        public ByValue {
            if (!(value > 0) || Double.isInfinite(value)) {
                throw new IllegalArgumentException("Invalid clip_value: " + value + " (must be positive and finite)");
            }
        }

        @Override
        public String name() {
            return String.format(Locale.ROOT, "clip_by_value(%s)", value);
        }

        @Override
        public boolean elementwise() {
            return true;
        }

        @Override
        public void update(Slot<Object> s) {
            float c = (float) value;
            float[] u = s.writableUpdate();
            for (int i = 0; i < u.length; i++) {
                u[i] = Math.max(-c, Math.min(c, u[i]));
            }
        }
    }

    /**
     * Scales all updates together so that their global L2 norm is at most {@code maxNorm}:
     * {@code u ← u · min(1, maxNorm / (‖u‖ + 1e-6))}, the norm taken over every parameter stepped.
     */
    record ByGlobalNorm(double maxNorm) implements Clip, GlobalTransform<Object> {
        /** @throws IllegalArgumentException unless maxNorm is positive and finite */
        public ByGlobalNorm {
            if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) {
                throw new IllegalArgumentException("Invalid max_norm: " + maxNorm + " (must be positive and finite)");
            }
        }

        @Override
        public String name() {
            return String.format(Locale.ROOT, "clip_by_global_norm(%s)", maxNorm);
        }

        @Override
        public void update(Slot<Object> s) {
            updateAll(List.of(s));
        }

        @Override
        public void updateAll(List<Slot<Object>> slots) {
            double norm = Math.sqrt(sumOfSquares(slots));
            double coef = maxNorm / (norm + 1e-6);
            if (coef < 1.0) {
                float c = (float) coef;
                for (Slot<Object> s : slots) {
                    float[] u = s.writableUpdate();
                    for (int i = 0; i < u.length; i++) {
                        u[i] *= c;
                    }
                }
            }
        }

        /** Σ u² over every slot, accumulated in double. */
        static double sumOfSquares(List<? extends Slot<?>> slots) {
            double sq = 0;
            for (Slot<?> s : slots) {
                for (float v : s.update()) {
                    sq += (double) v * v;
                }
            }
            return sq;
        }
    }
}
