package dev.descent.data;

import dev.descent.tensor.Generator;
import dev.descent.tensor.Tensor;

/** The tutorial's {@code sample_minibatch}: n examples drawn IID, with replacement. */
public final class Minibatch {

    private Minibatch() {
    }

    /**
     * Draws {@code n} indices uniformly with replacement and returns those rows of {@code x} and
     * {@code y}.
     */
    public static Batch sample(Tensor x, int[] y, int n, Generator rng) {
        if (n < 1) {
            throw new IllegalArgumentException("sample: minibatch size must be positive, got " + n);
        }
        if (x.size(0) != y.length || y.length == 0) {
            throw new IllegalArgumentException("sample: " + x.size(0) + " inputs and " + y.length + " labels");
        }
        int[] idx = new int[n];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = rng.nextInt(y.length);
            labels[i] = y[idx[i]];
        }
        return new Batch(x.indexSelect(idx), labels);
    }

    /** The same from a data set. */
    public static Batch sample(Dataset ds, int n, Generator rng) {
        if (n < 1) {
            throw new IllegalArgumentException("sample: minibatch size must be positive, got " + n);
        }
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = rng.nextInt(ds.size());
        }
        float[] x = new float[n * ds.exampleNumel()];
        int[] y = new int[n];
        ds.gather(idx, 0, n, x, y);
        int[] es = ds.exampleShape();
        int[] shape = new int[es.length + 1];
        shape[0] = n;
        System.arraycopy(es, 0, shape, 1, es.length);
        return new Batch(Tensor.of(x, shape), y);
    }
}
