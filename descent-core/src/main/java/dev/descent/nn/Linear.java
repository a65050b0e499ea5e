package dev.descent.nn;

import dev.descent.tensor.F;
import dev.descent.tensor.Generator;
import dev.descent.tensor.Tensor;

/**
 * {@code y = x·Wᵀ + b}, with W of shape [out, in] and b of shape [out], as {@code torch.nn.Linear}.
 *
 * <p>Initialisation is PyTorch's default: W by {@code kaiming_uniform_(a=√5)}, which is
 * U(−1/√in, 1/√in), and b by U(−1/√in, 1/√in).
 */
public final class Linear extends Module {

    private final int inFeatures;
    private final int outFeatures;
    private final Tensor weight;
    private final Tensor bias;

    /**
     * A layer from {@code inFeatures} to {@code outFeatures}, initialised as PyTorch does.
     *
     * @param bias whether the layer has a bias
     * @param gen  the generator the initial values are drawn from
     */
    public Linear(int inFeatures, int outFeatures, boolean bias, Generator gen) {
        if (inFeatures <= 0 || outFeatures <= 0) {
            throw new IllegalArgumentException("Linear: in_features and out_features must be positive, got " + inFeatures + " and " + outFeatures);
        }
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        float bound = (float) (1.0 / Math.sqrt(inFeatures));
        this.weight = registerParameter("weight", Tensor.uniform(gen, -bound, bound, outFeatures, inFeatures));
        this.bias = bias ? registerParameter("bias", Tensor.uniform(gen, -bound, bound, outFeatures)) : null;
    }

    @Override
    public Tensor forward(Tensor input) {
        return F.linear(input, weight, bias);
    }

    @Override
    protected String extraRepr() {
        return "in_features=" + inFeatures + ", out_features=" + outFeatures + ", bias=" + (bias != null ? "True" : "False");
    }

    /** The weight, [out, in]. */
    public Tensor weight() {
        return weight;
    }

    /** The bias, [out], or null. */
    public Tensor bias() {
        return bias;
    }

    /** The input size. */
    public int inFeatures() {
        return inFeatures;
    }

    /** The output size. */
    public int outFeatures() {
        return outFeatures;
    }
}
