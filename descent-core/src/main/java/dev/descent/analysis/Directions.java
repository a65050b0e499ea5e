package dev.descent.analysis;

import java.util.List;

import dev.descent.nn.Mlp;
import dev.descent.tensor.Generator;
import dev.descent.tensor.Tensor;

/**
 * Directions in parameter space for loss-landscape slices.
 *
 * <p>Filter normalisation (Li et al., "Visualizing the Loss Landscape of Neural Nets", 2018): a
 * Gaussian direction is rescaled filter by filter — here each row of a weight matrix, one output
 * unit — to the norm of the same row of the weights, so that a step of 1 along it is comparable
 * across layers of different scales. Bias directions are zero, as in the paper.
 */
public final class Directions {

    private Directions() {
    }

    /** A random filter-normalised direction for {@code model}, as a flat vector in parameter order. */
    public static double[] filterNormalized(Mlp model, Generator gen) {
        List<Tensor> ps = model.parameters();
        int total = 0;
        for (Tensor p : ps) {
            total += p.numel();
        }
        double[] d = new double[total];
        int off = 0;
        for (Tensor p : ps) {
            float[] w = p.data();
            if (p.dim() == 2) {
                int rows = p.size(0), cols = p.size(1);
                for (int r = 0; r < rows; r++) {
                    double wn = 0, dn = 0;
                    for (int c = 0; c < cols; c++) {
                        double g = gen.nextGaussian();
                        d[off + r * cols + c] = g;
                        dn += g * g;
                        wn += (double) w[r * cols + c] * w[r * cols + c];
                    }
                    double scale = dn == 0 ? 0 : Math.sqrt(wn / dn);
                    for (int c = 0; c < cols; c++) {
                        d[off + r * cols + c] *= scale;
                    }
                }
            }
            off += p.numel();
        }
        return d;
    }

    /** {@code b − a}: the direction from one solution to another. */
    public static double[] between(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("between: vectors of " + a.length + " and " + b.length + " values");
        }
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = b[i] - a[i];
        }
        return d;
    }
}
