package dev.descent.testing;

import java.util.List;

import dev.descent.data.Dataset;
import dev.descent.data.Datasets;
import dev.descent.data.TensorDataset;
import dev.descent.tensor.Generator;
import dev.descent.tensor.Tensor;

/** Small classification sets for the tests that train: standard normal inputs, uniform labels. */
public final class RandomSets {

    private RandomSets() {
    }

    /**
     * {@code train + val} examples of {@code inDim} inputs and {@code classes} labels drawn from a
     * generator seeded with {@code seed} (the inputs first), split at random (seed 5) into a training
     * and a validation set of those sizes.
     */
    public static List<Dataset> trainAndVal(int inDim, int classes, long seed, int train, int val) {
        Generator g = new Generator(seed);
        int n = train + val;
        float[] x = Matrices.gaussian(g, n * inDim);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = g.nextInt(classes);
        }
        return Datasets.split(new TensorDataset(Tensor.of(x, n, inDim), y, classes), 5, train, val);
    }
}
