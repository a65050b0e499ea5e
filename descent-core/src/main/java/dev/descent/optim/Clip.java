package dev.descent.optim;

import java.util.List;

import dev.descent.tensor.Tensor;

/**
 * Gradient clipping, applied between backward() and step(), as {@code torch.nn.utils}'s
 * {@code clip_grad_norm_} and {@code clip_grad_value_}. Parameters without a gradient are skipped.
 */
public final class Clip {

    private Clip() {
    }

    /**
     * Scales all gradients together so that their global L2 norm is at most {@code maxNorm}:
     * {@code g ← g · min(1, maxNorm / (‖g‖ + 1e-6))}.
     *
     * @return the global norm before clipping
     */
    public static double gradNorm(List<Tensor> params, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("Invalid max_norm: " + maxNorm + " (must be positive)");
        }
        double sq = 0;
        for (Tensor p : params) {
            float[] g = p.gradData();
            if (g != null) {
                for (float v : g) {
                    sq += (double) v * v;
                }
            }
        }
        double norm = Math.sqrt(sq);
        double coef = Math.min(1.0, maxNorm / (norm + 1e-6));
        if (coef < 1.0) {
            float c = (float) coef;
            for (Tensor p : params) {
                float[] g = p.gradData();
                if (g != null) {
                    for (int i = 0; i < g.length; i++) {
                        g[i] *= c;
                    }
                }
            }
        }
        return norm;
    }

    /** Clamps every gradient element to [−clipValue, clipValue]. */
    public static void gradValue(List<Tensor> params, double clipValue) {
        if (!(clipValue > 0)) {
            throw new IllegalArgumentException("Invalid clip_value: " + clipValue + " (must be positive)");
        }
        float c = (float) clipValue;
        for (Tensor p : params) {
            float[] g = p.gradData();
            if (g != null) {
                for (int i = 0; i < g.length; i++) {
                    g[i] = Math.max(-c, Math.min(c, g[i]));
                }
            }
        }
    }
}
