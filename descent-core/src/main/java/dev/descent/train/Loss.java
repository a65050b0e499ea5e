package dev.descent.train;

import java.util.Locale;

import dev.descent.nn.Module;
import dev.descent.tensor.F;
import dev.descent.tensor.Reduction;
import dev.descent.tensor.Tensor;

/**
 * The training criterion, a closed family. {@link #NLL} is the tutorial's; {@link #MSE} is the square
 * loss on one-hot targets that Cohen et al. (ICLR 2021) train with to show the edge of stability
 * (with cross-entropy the sharpness eventually falls as the loss saturates).
 */
public enum Loss {
    /**
     * {@code F.nll_loss(model(x), y)} on the model's log-probabilities (the cross-entropy of its
     * scores), optionally class-weighted; the mean divides by the total weight.
     */
    NLL,
    /**
     * {@code F.mse_loss(scores(x), F.one_hot(y, C).float())}: the mean over all N·C elements
     * (PyTorch's mean reduction; Cohen et al.'s ½·sum-over-classes loss is C/2 times this).
     */
    MSE;

    /** The lower-case name used on the command line and in files: {@code nll}, {@code mse}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** What this loss reads from the model: its log-probabilities ({@link Module#forward}) or its scores. */
    public Tensor output(Module model, Tensor inputs) {
        return this == NLL ? model.forward(inputs) : model.scores(inputs);
    }

    /**
     * The mean loss of a batch of outputs (from {@link #output}).
     *
     * @param classWeights per-class weights for {@link #NLL}, or null; {@link #MSE} takes none
     */
    public Tensor mean(Tensor output, int[] targets, float[] classWeights) {
        return switch (this) {
            case NLL -> F.nllLoss(output, targets, classWeights, Reduction.MEAN, F.IGNORE_INDEX);
            case MSE -> F.mseLoss(output, oneHot(output, targets, classWeights));
        };
    }

    /**
     * One loss per example: the (weighted) negative log-likelihood, or the mean squared error over the
     * example's C scores. Their sum divided by the examples' total weight (their count when there are
     * no weights) is {@link #mean}.
     */
    public float[] perExample(Tensor output, int[] targets, float[] classWeights) {
        if (this == NLL) {
            return F.nllLoss(output, targets, classWeights, Reduction.NONE, F.IGNORE_INDEX).data();
        }
        float[] sq = F.mseLoss(output, oneHot(output, targets, classWeights), Reduction.NONE).data();
        int c = output.size(1);
        float[] per = new float[targets.length];
        for (int i = 0; i < per.length; i++) {
            double s = 0;
            for (int k = 0; k < c; k++) {
                s += sq[i * c + k];
            }
            per[i] = (float) (s / c);
        }
        return per;
    }

    private static Tensor oneHot(Tensor output, int[] targets, float[] classWeights) {
        if (classWeights != null) {
            throw new IllegalArgumentException("mse loss: class weights apply to the nll loss only");
        }
        if (output.dim() != 2) {
            throw new IllegalArgumentException("mse loss: expects scores of shape [N, C], got " + java.util.Arrays.toString(output.shape()));
        }
        return F.oneHot(targets, output.size(1));
    }
}
