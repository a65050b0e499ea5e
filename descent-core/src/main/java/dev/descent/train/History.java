package dev.descent.train;

import java.util.Arrays;

/**
 * What a run recorded, as the tutorial's {@code history} dict: {@code train_loss} and
 * {@code train_acc} per step, and {@code val_idx}, {@code val_loss}, {@code val_acc} per validation.
 */
public final class History {

    private float[] trainLoss = new float[1024], trainAcc = new float[1024];
    private int[] trainEpoch = new int[1024];
    private int steps;
    private int[] valIdx = new int[64];
    private float[] valLoss = new float[64], valAcc = new float[64];
    private int vals;

    /** Records step {@code steps()+1}'s training loss and accuracy. */
    public void addTrain(int epoch, float loss, float acc) {
        if (steps == trainLoss.length) {
            trainLoss = Arrays.copyOf(trainLoss, steps * 2);
            trainAcc = Arrays.copyOf(trainAcc, steps * 2);
            trainEpoch = Arrays.copyOf(trainEpoch, steps * 2);
        }
        trainLoss[steps] = loss;
        trainAcc[steps] = acc;
        trainEpoch[steps] = epoch;
        steps++;
    }

    /** Records a validation after step {@code step}. */
    public void addValidation(int step, float loss, float acc) {
        if (vals == valIdx.length) {
            valIdx = Arrays.copyOf(valIdx, vals * 2);
            valLoss = Arrays.copyOf(valLoss, vals * 2);
            valAcc = Arrays.copyOf(valAcc, vals * 2);
        }
        valIdx[vals] = step;
        valLoss[vals] = loss;
        valAcc[vals] = acc;
        vals++;
    }

    /** Training steps recorded. */
    public int steps() {
        return steps;
    }

    /** Validations recorded. */
    public int validations() {
        return vals;
    }

    public float[] trainLoss() {
        return Arrays.copyOf(trainLoss, steps);
    }

    public float[] trainAcc() {
        return Arrays.copyOf(trainAcc, steps);
    }

    /** The (1-based) epoch of every step. */
    public int[] trainEpoch() {
        return Arrays.copyOf(trainEpoch, steps);
    }

    public int[] valIdx() {
        return Arrays.copyOf(valIdx, vals);
    }

    public float[] valLoss() {
        return Arrays.copyOf(valLoss, vals);
    }

    public float[] valAcc() {
        return Arrays.copyOf(valAcc, vals);
    }

    /** Mean training loss over steps [from, to). */
    public double meanTrainLoss(int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += trainLoss[i];
        }
        return s / Math.max(1, to - from);
    }

    /** Mean training accuracy over steps [from, to). */
    public double meanTrainAcc(int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += trainAcc[i];
        }
        return s / Math.max(1, to - from);
    }

    /** Drops everything after step {@code step} (for resuming from a checkpoint). */
    public void truncate(int step) {
        steps = Math.min(steps, step);
        while (vals > 0 && valIdx[vals - 1] > step) {
            vals--;
        }
    }
}
