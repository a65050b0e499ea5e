package dev.descent.tensor;

import java.util.Arrays;

/** The losses: negative log-likelihood over log-probabilities, and mean squared error. */
final class Losses {

    private Losses() {
    }

    /**
     * {@code nll_loss}: per example {@code ℓ_n = −w[y_n]·logp[n, y_n]}; MEAN is {@code Σ ℓ_n / Σ w[y_n]}
     * over examples whose target is not {@code ignoreIndex}, SUM is {@code Σ ℓ_n}, NONE keeps them.
     */
    static Tensor nllLoss(Tensor logp, int[] targets, float[] weight, Reduction reduction, int ignoreIndex) {
        int[] s = logp.shapeRef();
        if (s.length != 2) {
            throw new IllegalArgumentException("nll_loss: expects log-probabilities of shape [N, C], got " + Shape.str(s));
        }
        int n = s[0], c = s[1];
        if (targets.length != n) {
            throw new IllegalArgumentException("nll_loss: " + targets.length + " targets for input of shape " + Shape.str(s));
        }
        if (weight != null && weight.length != c) {
            throw new IllegalArgumentException("nll_loss: " + weight.length + " class weights for " + c + " classes");
        }
        for (int i = 0; i < n; i++) {
            int t = targets[i];
            if (t != ignoreIndex && (t < 0 || t >= c)) {
                throw new IllegalArgumentException("nll_loss: target " + t + " at position " + i + " is out of range for " + c + " classes");
            }
        }
        float[] lp = logp.data();
        float[] w = new float[n];
        double wsum = 0;
        for (int i = 0; i < n; i++) {
            int t = targets[i];
            w[i] = t == ignoreIndex ? 0f : weight == null ? 1f : weight[t];
            wsum += w[i];
        }
        int[] tg = targets.clone();
        if (reduction == Reduction.NONE) {
            float[] y = new float[n];
            for (int i = 0; i < n; i++) {
                y[i] = w[i] == 0f ? 0f : -w[i] * lp[i * c + tg[i]];
            }
            return Autograd.record(Tensor.wrap(y, new int[] {n}), "nll_loss", g -> {
                float[] gx = logp.gradBuffer();
                for (int i = 0; i < n; i++) {
                    if (w[i] != 0f) {
                        gx[i * c + tg[i]] -= w[i] * g[i];
                    }
                }
            }, logp);
        }
        double total = 0;
        for (int i = 0; i < n; i++) {
            if (w[i] != 0f) {
                total -= (double) w[i] * lp[i * c + tg[i]];
            }
        }
        // PyTorch returns NaN for a mean over zero total weight (0/0); so do we.
        double scale = reduction == Reduction.MEAN ? 1.0 / wsum : 1.0;
        Tensor out = Tensor.wrap(new float[] {(float) (total * scale)}, new int[0]);
        return Autograd.record(out, "nll_loss", g -> {
            float[] gx = logp.gradBuffer();
            double gs = g[0] * scale;
            for (int i = 0; i < n; i++) {
                if (w[i] != 0f) {
                    gx[i * c + tg[i]] -= (float) (w[i] * gs);
                }
            }
        }, logp);
    }

    /** One row per target, 1 in the target's column. */
    static Tensor oneHot(int[] targets, int numClasses) {
        if (numClasses < 1) {
            throw new IllegalArgumentException("one_hot: the number of classes must be positive, got " + numClasses);
        }
        float[] y = new float[targets.length * numClasses];
        for (int i = 0; i < targets.length; i++) {
            int t = targets[i];
            if (t < 0 || t >= numClasses) {
                throw new IllegalArgumentException("one_hot: target " + t + " at position " + i + " is out of range for " + numClasses + " classes");
            }
            y[i * numClasses + t] = 1f;
        }
        return Tensor.wrap(y, new int[] {targets.length, numClasses});
    }

    /** {@code mse_loss}: (input − target)², reduced by mean, sum or not at all; shapes must agree. */
    static Tensor mseLoss(Tensor input, Tensor target, Reduction reduction) {
        if (!Arrays.equals(input.shapeRef(), target.shapeRef())) {
            throw new IllegalArgumentException("mse_loss: input of shape " + Shape.str(input.shapeRef()) + " and target of shape " + Shape.str(target.shapeRef()) + " differ");
        }
        Tensor sq = input.sub(target).pow(2f);
        return switch (reduction) {
            case MEAN -> sq.mean();
            case SUM -> sq.sum();
            case NONE -> sq;
        };
    }
}
