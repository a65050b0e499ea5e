package dev.descent.tensor;

import java.util.Optional;

import dev.descent.tensor.kernel.SparseInput;

/**
 * The functional API, as {@code torch.nn.functional}: activations, softmax, the linear map and
 * losses. Each function is differentiable.
 */
public final class F {

    /** PyTorch's default {@code ignore_index} for {@code nll_loss}: targets equal to it are skipped. */
    public static final int IGNORE_INDEX = -100;

    private F() {
    }

    /** {@code y = x·Wᵀ + b} with x [N, in], W [out, in], b [out] or null. */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        return LinearAlgebra.linear(x, weight, bias);
    }

    /**
     * {@code y = x·Wᵀ + b} for an input listed by its non-zeros ({@link #sparseInput}), bit for bit
     * what {@link #linear(Tensor, Tensor, Tensor)} gives on the dense input; backward reaches W and b
     * (the input is data, with no gradient).
     */
    public static Tensor linear(SparseInput x, Tensor weight, Tensor bias) {
        return LinearAlgebra.linear(x, weight, bias);
    }

    /**
     * A 2-D input [N, in] listed by its non-zero elements, by rows and by columns, for
     * {@link #linear(SparseInput, Tensor, Tensor)} and {@link #linearWeightGrad(Tensor, SparseInput,
     * Tensor)}: made once, it serves a first layer's forward and weight gradient on every kernel thread
     * (MNIST's pixels are 81% zero). Empty when the kernels would not use it (they do with AVX-512) or
     * more than 30% of x is non-zero; x must not change while the listing is in use.
     *
     * @throws IllegalArgumentException if x is not 2-D
     */
    public static Optional<SparseInput> sparseInput(Tensor x) {
        if (x.dim() != 2) {
            throw new IllegalArgumentException("sparseInput: input must be 2-D [N, in], got " + Shape.str(x.shapeRef()));
        }
        return SparseInput.of(x.data(), 0, x.size(0), x.size(1), null);
    }

    /**
     * The weight-gradient half of {@link #linear}'s backward, on its own: {@code W.grad += dyᵀ·x} for
     * dy [N, out] and x [N, in] (the gradient buffer allocated on first use, like backward's), as
     * {@code torch.nn.grad} offers for convolutions. Data-parallel training uses it to compute the
     * first layer's weight gradient once for a whole batch after its shards' backward passes.
     *
     * @throws IllegalArgumentException if the shapes do not match
     */
    public static void linearWeightGrad(Tensor dy, Tensor x, Tensor weight) {
        LinearAlgebra.linearWeightGrad(dy, x, weight);
    }

    /**
     * {@link #linearWeightGrad(Tensor, Tensor, Tensor)} for an input listed by its non-zeros
     * ({@link #sparseInput}): {@code W.grad += dyᵀ·x}, bit for bit as on the dense input.
     *
     * @throws IllegalArgumentException if the shapes do not match
     */
    public static void linearWeightGrad(Tensor dy, SparseInput x, Tensor weight) {
        LinearAlgebra.linearWeightGrad(dy, x, weight, false);
    }

    /**
     * {@link #linearWeightGrad(Tensor, SparseInput, Tensor)} for a caller that knows {@code W.grad} to be
     * zero (or not yet allocated) when {@code gradIsZero}: the gradient is then written without first
     * being read to check that it is zero (a pass over it; the benchmark's first layer: 627 KB a step).
     * The result is the same; with {@code gradIsZero} true and a gradient that is not zero, the sum is
     * wrong (what the data-parallel step knows, a plain caller rarely does: pass false when in doubt).
     *
     * @throws IllegalArgumentException if the shapes do not match
     */
    public static void linearWeightGrad(Tensor dy, SparseInput x, Tensor weight, boolean gradIsZero) {
        LinearAlgebra.linearWeightGrad(dy, x, weight, gradIsZero);
    }

    /**
     * The bias-gradient half of {@link #linear}'s backward, on its own: {@code bias.grad += Σᵢ dy[i, :]}
     * for dy [N, out] (rows added in order; the buffer allocated on first use). Data-parallel training
     * uses it when each shard starts from the first layer's output computed for the whole batch.
     *
     * @throws IllegalArgumentException if the shapes do not match
     */
    public static void linearBiasGrad(Tensor dy, Tensor bias) {
        LinearAlgebra.linearBiasGrad(dy, bias);
    }

    /** max(x, 0). */
    public static Tensor relu(Tensor x) {
        return x.relu();
    }

    /** x for x > 0, slope·x otherwise (PyTorch's default slope is 0.01). */
    public static Tensor leakyRelu(Tensor x, float slope) {
        return x.leakyRelu(slope);
    }

    /** tanh(x). */
    public static Tensor tanh(Tensor x) {
        return x.tanh();
    }

    /** 1 / (1 + e^−x). */
    public static Tensor sigmoid(Tensor x) {
        return x.sigmoid();
    }

    /** x·Φ(x) = ½x(1 + erf(x/√2)), PyTorch's default (exact) GELU. */
    public static Tensor gelu(Tensor x) {
        return x.gelu();
    }

    /** e^{x_i} / Σ_j e^{x_j} along {@code dim}. */
    public static Tensor softmax(Tensor x, int dim) {
        return x.softmax(dim);
    }

    /** x_i − log Σ_j e^{x_j} along {@code dim}. */
    public static Tensor logSoftmax(Tensor x, int dim) {
        return x.logSoftmax(dim);
    }

    /** Mean negative log-likelihood of {@code targets} under log-probabilities [N, C]. */
    public static Tensor nllLoss(Tensor logp, int[] targets) {
        return Losses.nllLoss(logp, targets, null, Reduction.MEAN, IGNORE_INDEX);
    }

    /** Negative log-likelihood with a reduction. */
    public static Tensor nllLoss(Tensor logp, int[] targets, Reduction reduction) {
        return Losses.nllLoss(logp, targets, null, reduction, IGNORE_INDEX);
    }

    /**
     * Negative log-likelihood with class weights (null for none), a reduction and an ignored target
     * value: {@code ℓ_n = −w[y_n]·logp[n, y_n]}; the mean divides by {@code Σ w[y_n]}.
     */
    public static Tensor nllLoss(Tensor logp, int[] targets, float[] weight, Reduction reduction, int ignoreIndex) {
        return Losses.nllLoss(logp, targets, weight, reduction, ignoreIndex);
    }

    /** Cross-entropy of logits [N, C]: {@code nllLoss(logSoftmax(logits, 1), targets)}. */
    public static Tensor crossEntropy(Tensor logits, int[] targets) {
        return nllLoss(logits.logSoftmax(1), targets);
    }

    /** Cross-entropy with class weights (null for none) and a reduction. */
    public static Tensor crossEntropy(Tensor logits, int[] targets, float[] weight, Reduction reduction) {
        return Losses.nllLoss(logits.logSoftmax(1), targets, weight, reduction, IGNORE_INDEX);
    }

    /**
     * {@code F.mse_loss}: the squared error (input − target)² of every element; MEAN (the default, as
     * PyTorch's) divides the sum by the number of elements — N·C for [N, C] scores, not N.
     */
    public static Tensor mseLoss(Tensor input, Tensor target) {
        return Losses.mseLoss(input, target, Reduction.MEAN);
    }

    /** Squared error with a reduction: MEAN over all elements, SUM, or NONE (element-wise, input's shape). */
    public static Tensor mseLoss(Tensor input, Tensor target, Reduction reduction) {
        return Losses.mseLoss(input, target, reduction);
    }

    /**
     * {@code F.one_hot(targets, numClasses)} as float32 (PyTorch returns int64; a loss needs floats, as
     * {@code F.one_hot(y, C).float()}): row n is 1 at column {@code targets[n]} and 0 elsewhere. A
     * constant: it records no gradient.
     *
     * @throws IllegalArgumentException if a target is outside [0, numClasses)
     */
    public static Tensor oneHot(int[] targets, int numClasses) {
        return Losses.oneHot(targets, numClasses);
    }
}
