package dev.descent.train;

import dev.descent.data.Batch;
import dev.descent.data.DataLoader;
import dev.descent.data.Dataset;
import dev.descent.nn.Module;
import dev.descent.tensor.Grad;
import dev.descent.tensor.Tensor;
import dev.descent.tensor.Workspace;

/**
 * The tutorial's {@code eval_model}: mean loss and accuracy over at most {@code maxBatches} batches
 * of a data set in order, with no graph recorded and the model in evaluation mode; plus per-class
 * accuracy and the confusion matrix. The loss is the mean over examples of the (class-weighted)
 * negative log-likelihood, or of the training {@link Loss}.
 */
public final class Evaluator {

    private Evaluator() {
    }

    /** Evaluates on every example of {@code ds}. */
    public static Evaluation evaluate(Module model, Dataset ds, int batchSize) {
        return evaluate(model, ds, batchSize, Integer.MAX_VALUE, null);
    }

    /**
     * Evaluates on the first {@code maxBatches} batches of {@code ds} with the nll loss.
     *
     * @param classWeights per-class loss weights as in training, or null
     */
    public static Evaluation evaluate(Module model, Dataset ds, int batchSize, int maxBatches, float[] classWeights) {
        return evaluate(model, ds, batchSize, maxBatches, classWeights, Loss.NLL);
    }

    /**
     * Evaluates on the first {@code maxBatches} batches of {@code ds} with the training loss.
     *
     * @param classWeights per-class loss weights as in training, or null
     */
    public static Evaluation evaluate(Module model, Dataset ds, int batchSize, int maxBatches, float[] classWeights, Loss loss) {
        return evaluate(model, ds, batchSize, maxBatches, classWeights, loss, null);
    }

    /**
     * As {@link #evaluate(Module, Dataset, int, int, float[], Loss)}, each batch's forward taking its
     * arrays from {@code space} (null: new arrays). A trainer validates with one workspace from
     * validation to validation: the 40 MB that ten batches of 1,000 MNIST images allocated otherwise
     * filled the young generation, and the collection it then needed fell in the next training steps.
     */
    static Evaluation evaluate(Module model, Dataset ds, int batchSize, int maxBatches, float[] classWeights, Loss loss, Workspace space) {
        int k = ds.numClasses();
        int[][] confusion = new int[k][k];
        double lossSum = 0, weightSum = 0;
        int correct = 0, n = 0, batches = 0;
        boolean wasTraining = model.isTraining();
        model.eval();
        try (var off = Grad.off()) {
            for (Batch b : new DataLoader(ds, batchSize, false, false, true, null)) {
                if (batches++ >= maxBatches) {
                    break;
                }
                float[] per;
                int[] pred;
                // Nothing of the batch's forward is kept past it, as a workspace requires.
                try (Workspace ws = space == null ? null : space.open()) {
                    Tensor out = loss.output(model, b.x());
                    if (out.shape()[1] != k) {
                        throw new IllegalArgumentException("evaluate: the model gives " + out.shape()[1] + " outputs, the data set has " + k + " classes");
                    }
                    per = loss.perExample(out, b.y(), classWeights);
                    pred = out.argmax(1);
                }
                for (int i = 0; i < b.size(); i++) {
                    lossSum += per[i];
                    weightSum += classWeights == null ? 1 : classWeights[b.y()[i]];
                    confusion[b.y()[i]][pred[i]]++;
                    if (pred[i] == b.y()[i]) {
                        correct++;
                    }
                }
                n += b.size();
            }
        } finally {
            model.train(wasTraining);
        }
        double[] perClass = new double[k];
        for (int c = 0; c < k; c++) {
            int support = 0;
            for (int p = 0; p < k; p++) {
                support += confusion[c][p];
            }
            perClass[c] = support == 0 ? Double.NaN : (double) confusion[c][c] / support;
        }
        return new Evaluation(lossSum / weightSum, n == 0 ? Double.NaN : (double) correct / n, n, perClass, confusion);
    }
}
