package dev.descent.nn;

import java.util.List;

/**
 * The shape of the tutorial's MLP: {@code in_dim}, {@code hidden_dims}, {@code out_dim},
 * {@code use_bias}, and the hidden activation (ReLU in the tutorial).
 *
 * @param hiddenDims the hidden layer sizes; empty for the linear model
 */
public record MlpSpec(int inDim, List<Integer> hiddenDims, int outDim, boolean bias, Activation activation) {

    /** Validates every size. */
    public MlpSpec {
        hiddenDims = List.copyOf(hiddenDims);
        if (inDim <= 0) {
            throw new IllegalArgumentException("MLP: in_dim must be positive, got " + inDim);
        }
        if (outDim <= 0) {
            throw new IllegalArgumentException("MLP: out_dim must be positive, got " + outDim);
        }
        for (int h : hiddenDims) {
            if (h <= 0) {
                throw new IllegalArgumentException("MLP: hidden sizes must be positive, got " + hiddenDims);
            }
        }
        if (activation == null) {
            throw new IllegalArgumentException("MLP: activation must be given");
        }
    }

    /** The tutorial's MLP: bias on, ReLU. */
    public static MlpSpec of(int inDim, List<Integer> hiddenDims, int outDim) {
        return new MlpSpec(inDim, hiddenDims, outDim, true, Activation.RELU);
    }

    /** All layer widths, input first: {@code [in, h1, …, out]}. */
    public int[] dims() {
        int[] d = new int[hiddenDims.size() + 2];
        d[0] = inDim;
        for (int i = 0; i < hiddenDims.size(); i++) {
            d[i + 1] = hiddenDims.get(i);
        }
        d[d.length - 1] = outDim;
        return d;
    }

    /**
     * The parameters' PyTorch names and shapes, in order: {@code main.0.weight [h1, in]},
     * {@code main.0.bias [h1]}, {@code main.2.weight}, … (Linear layers at even indices of
     * {@code main}, the activations between them). A checkpoint is checked against this before a
     * model is built from it.
     */
    public java.util.LinkedHashMap<String, int[]> parameterShapes() {
        java.util.LinkedHashMap<String, int[]> out = new java.util.LinkedHashMap<>();
        int[] d = dims();
        for (int i = 0; i + 1 < d.length; i++) {
            out.put("main." + 2 * i + ".weight", new int[] {d[i + 1], d[i]});
            if (bias) {
                out.put("main." + 2 * i + ".bias", new int[] {d[i + 1]});
            }
        }
        return out;
    }

    /** Multiply-adds of one forward pass for one example. */
    public long macsPerExample() {
        int[] d = dims();
        long macs = 0;
        for (int i = 0; i + 1 < d.length; i++) {
            macs += (long) d[i] * d[i + 1];
        }
        return macs;
    }
}
