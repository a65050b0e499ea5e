package dev.descent.train;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run recorded, as the tutorial's {@code history} dict: {@code train_loss} and
 * {@code train_acc} per step, and {@code val_idx}, {@code val_loss}, {@code val_acc} per validation;
 * plus named measurements taken at some steps (the sharpness and its threshold 2/lr).
 */
public final class History {

    /** An empty history. */
    public History() {
    }

    /** One named measurement: the steps it was taken at, increasing, and its values. */
    private static final class Series {
        int[] steps = new int[16];
        double[] values = new double[16];
        int n;

        void add(int step, double value) {
            if (n > 0 && step <= steps[n - 1]) {
                throw new IllegalArgumentException("history: measurement at step " + step + " after one at step " + steps[n - 1]);
            }
            if (n == steps.length) {
                steps = Arrays.copyOf(steps, n * 2);
                values = Arrays.copyOf(values, n * 2);
            }
            steps[n] = step;
            values[n] = value;
            n++;
        }
    }

    private final Map<String, Series> metrics = new LinkedHashMap<>();

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

    /** Records the measurement {@code name} taken after step {@code step} (later than its previous one). */
    public void addMetric(String name, int step, double value) {
        metrics.computeIfAbsent(name, k -> new Series()).add(step, value);
    }

    /** The names of the measurements recorded, in the order first recorded. */
    public List<String> metricNames() {
        return List.copyOf(metrics.keySet());
    }

    /** The steps at which {@code name} was measured (empty if never). */
    public int[] metricSteps(String name) {
        Series m = metrics.get(name);
        return m == null ? new int[0] : Arrays.copyOf(m.steps, m.n);
    }

    /** The values of {@code name}, one per {@link #metricSteps} entry. */
    public double[] metricValues(String name) {
        Series m = metrics.get(name);
        return m == null ? new double[0] : Arrays.copyOf(m.values, m.n);
    }

    /** How many times {@code name} was measured (0 if never). */
    public int metricCount(String name) {
        Series m = metrics.get(name);
        return m == null ? 0 : m.n;
    }

    /** The value of {@code name} measured after {@code step}, or NaN if none was. */
    public double metricAt(String name, int step) {
        Series m = metrics.get(name);
        if (m == null) {
            return Double.NaN;
        }
        int i = Arrays.binarySearch(m.steps, 0, m.n, step);
        return i < 0 ? Double.NaN : m.values[i];
    }

    /** Training steps recorded. */
    public int steps() {
        return steps;
    }

    /** Validations recorded. */
    public int validations() {
        return vals;
    }

    /** The training loss of every step ({@code train_loss}). */
    public float[] trainLoss() {
        return Arrays.copyOf(trainLoss, steps);
    }

    /** The training accuracy of every step ({@code train_acc}). */
    public float[] trainAcc() {
        return Arrays.copyOf(trainAcc, steps);
    }

    /** The (1-based) epoch of every step. */
    public int[] trainEpoch() {
        return Arrays.copyOf(trainEpoch, steps);
    }

    /** Step {@code i + 1}'s training loss, accuracy and epoch, without copying the history (for writing it out in blocks). */
    float trainLossAt(int i) {
        return trainLoss[check(i)];
    }

    float trainAccAt(int i) {
        return trainAcc[check(i)];
    }

    int trainEpochAt(int i) {
        return trainEpoch[check(i)];
    }

    /** Validation {@code i}'s step, loss and accuracy, without copying (for the history log's appends). */
    int valIdxAt(int i) {
        return valIdx[checkVal(i)];
    }

    float valLossAt(int i) {
        return valLoss[checkVal(i)];
    }

    float valAccAt(int i) {
        return valAcc[checkVal(i)];
    }

    /** Measurement {@code name}'s {@code i}-th step and value, without copying. */
    int metricStepAt(String name, int i) {
        Series m = series(name, i);
        return m.steps[i];
    }

    double metricValueAt(String name, int i) {
        Series m = series(name, i);
        return m.values[i];
    }

    private Series series(String name, int i) {
        Series m = metrics.get(name);
        if (m == null || i < 0 || i >= m.n) {
            throw new IndexOutOfBoundsException("measurement " + name + " index " + i + " of " + (m == null ? 0 : m.n));
        }
        return m;
    }

    private int checkVal(int i) {
        if (i < 0 || i >= vals) {
            throw new IndexOutOfBoundsException("validation index " + i + " of " + vals);
        }
        return i;
    }

    private int check(int i) {
        if (i < 0 || i >= steps) {
            throw new IndexOutOfBoundsException("step index " + i + " of " + steps);
        }
        return i;
    }

    /** The step of every validation ({@code val_idx}). */
    public int[] valIdx() {
        return Arrays.copyOf(valIdx, vals);
    }

    /** The loss of every validation ({@code val_loss}). */
    public float[] valLoss() {
        return Arrays.copyOf(valLoss, vals);
    }

    /** The accuracy of every validation ({@code val_acc}). */
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
        for (Series m : metrics.values()) {
            while (m.n > 0 && m.steps[m.n - 1] > step) {
                m.n--;
            }
        }
    }
}
