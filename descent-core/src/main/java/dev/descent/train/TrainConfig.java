package dev.descent.train;

/**
 * The training loop's settings (the tutorial's defaults: 2 epochs, log and validate every 200 steps
 * on 100 batches of 256).
 *
 * @param epochs                passes over the training set
 * @param logFreq               steps between [TRAIN] lines
 * @param valFreq               steps between validations ([VALID] lines), which also run at the end of every
 *                              epoch; 0 for none during training
 * @param valBatches            batches per validation estimate
 * @param valBatchSize          examples per validation batch
 * @param accumulate            batches whose gradients are summed per optimizer step (loss scaled by 1/k)
 * @param earlyStoppingPatience stop after this many validations without a lower validation loss; 0 for never
 * @param classWeights          per-class loss weights (the nll loss only), or null
 * @param loss                  the training criterion (and the validation loss)
 */
public record TrainConfig(int epochs, int logFreq, int valFreq, int valBatches, int valBatchSize, int accumulate,
                          int earlyStoppingPatience, float[] classWeights, Loss loss) {

    /** Validates every setting, naming the bad one. */
    public TrainConfig {
        positive("epochs", epochs);
        positive("log frequency", logFreq);
        if (valFreq < 0) {
            throw new IllegalArgumentException("validation frequency must be >= 0, got " + valFreq);
        }
        positive("validation batches", valBatches);
        positive("validation batch size", valBatchSize);
        positive("gradient accumulation", accumulate);
        if (earlyStoppingPatience < 0) {
            throw new IllegalArgumentException("early-stopping patience must be >= 0, got " + earlyStoppingPatience);
        }
        if (loss == null) {
            loss = Loss.NLL;
        }
        if (classWeights != null && loss != Loss.NLL) {
            throw new IllegalArgumentException("class weights apply to the nll loss only, not " + loss.label());
        }
        if (classWeights != null) {
            classWeights = classWeights.clone();
            for (float w : classWeights) {
                if (!(w >= 0) || Float.isInfinite(w)) {
                    throw new IllegalArgumentException("class weights must be >= 0 and finite, got " + w);
                }
            }
        }
    }

    /** The same settings with the nll loss. */
    public TrainConfig(int epochs, int logFreq, int valFreq, int valBatches, int valBatchSize, int accumulate,
                       int earlyStoppingPatience, float[] classWeights) {
        this(epochs, logFreq, valFreq, valBatches, valBatchSize, accumulate, earlyStoppingPatience, classWeights, Loss.NLL);
    }

    /** The same settings with another loss. */
    public TrainConfig withLoss(Loss other) {
        return new TrainConfig(epochs, logFreq, valFreq, valBatches, valBatchSize, accumulate, earlyStoppingPatience, classWeights, other);
    }

    private static void positive(String name, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be positive, got " + v);
        }
    }

    /** The tutorial's loop for {@code epochs} epochs. */
    public static TrainConfig tutorial(int epochs) {
        return new TrainConfig(epochs, 200, 200, 100, 256, 1, 0, null);
    }
}
