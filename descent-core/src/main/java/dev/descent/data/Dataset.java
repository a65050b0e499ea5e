package dev.descent.data;

import java.util.Optional;

import dev.descent.tensor.Tensor;
import dev.descent.tensor.kernel.SparseRows;

/**
 * A finite, indexable set of labelled examples, as {@code torch.utils.data.Dataset}. Examples are
 * copied in bulk into caller-owned arrays by {@link #gather}: a batch is a copy of rows, never a
 * list of per-example objects.
 */
public interface Dataset {

    /** The number of examples. */
    int size();

    /** The shape of one example, e.g. {@code [1, 28, 28]}. */
    int[] exampleShape();

    /** The number of classes (labels lie in [0, numClasses)). */
    int numClasses();

    /**
     * Copies examples {@code indices[from .. from+count)} into {@code x} (row-major, one example after
     * another) and their labels into {@code y}.
     */
    void gather(int[] indices, int from, int count, float[] x, int[] y);

    /** Values per example. */
    default int exampleNumel() {
        int n = 1;
        for (int d : exampleShape()) {
            n *= d;
        }
        return n;
    }

    /**
     * The examples' inputs listed by their non-zeros, one row per example, kept for the data set's
     * life, when the data set keeps such a listing and the inputs are sparse enough for the kernels to
     * use it ({@link SparseRows#of}); empty otherwise (the default). Batches drawn with it
     * ({@link DataLoader#iterator(int, boolean)}) skip the dense copy when their first layer reads the
     * listing. The first call may take a while (a pass over every input).
     */
    default Optional<SparseRows> sparseRows() {
        return Optional.empty();
    }

    /** The label of example {@code i}. */
    int label(int i);

    /** Example {@code i} as a tensor and its label (a convenience; batches use {@link #gather}). */
    default Example get(int i) {
        float[] x = new float[exampleNumel()];
        int[] y = new int[1];
        gather(new int[] {i}, 0, 1, x, y);
        return new Example(Tensor.of(x, exampleShape()), y[0]);
    }

    /** One example. */
    record Example(Tensor x, int label) {
    }
}
