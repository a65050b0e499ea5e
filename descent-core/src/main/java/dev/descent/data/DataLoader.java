package dev.descent.data;

import java.util.Iterator;
import java.util.NoSuchElementException;

import dev.descent.tensor.Generator;
import dev.descent.tensor.KeptFloats;
import dev.descent.tensor.Tensor;
import dev.descent.tensor.kernel.SparseRows;

/**
 * Batches of a data set, as {@code torch.utils.data.DataLoader}: in order, or shuffled by a
 * generator that advances with every pass, so epoch k's order depends on the seed and k. Each
 * {@link #iterator()} is one pass (an epoch).
 *
 * <p>With {@code reuseBuffers}, batches are written into two sets of arrays in turn: no allocation per
 * batch, and a batch stays valid while the next one is drawn, until the one after it (a training loop
 * draws its next batch during the current step). The sets are the loader's, kept from pass to pass (an
 * epoch's arrays lived through it, and young collections copied them: 7.3 MB an epoch at batch 1024 on
 * MNIST), and one of each length is kept, so that a pass's short last batch allocates only once; so
 * draw from one pass of such a loader at a time. Without it, each batch owns its arrays.
 */
public final class DataLoader implements Iterable<Batch> {

    private final Dataset dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final boolean dropLast;
    private final boolean reuseBuffers;
    private final Generator gen;
    /** With reused buffers: the batches drawn so far, whose parity picks the next batch's set. */
    private long drawn;
    /** The two sets of arrays that batches use in turn when buffers are reused (see the class comment). */
    private final KeptFloats[] xBufs = {new KeptFloats(), new KeptFloats()};
    private final int[][] yBufs = new int[2][];
    private final SparseRows[] rowsBufs = new SparseRows[2];

    /**
     * A loader over {@code dataset} in batches of {@code batchSize}.
     *
     * @param gen the shuffling generator (may be null when not shuffling); the loader advances it
     * @throws IllegalArgumentException if {@code batchSize < 1}
     */
    public DataLoader(Dataset dataset, int batchSize, boolean shuffle, boolean dropLast, boolean reuseBuffers, Generator gen) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch_size should be a positive integer value, but got batch_size=" + batchSize);
        }
        if (shuffle && gen == null) {
            throw new IllegalArgumentException("DataLoader: shuffling needs a generator");
        }
        this.dataset = dataset;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.dropLast = dropLast;
        this.reuseBuffers = reuseBuffers;
        this.gen = gen;
    }

    /** A loader that shuffles with a generator seeded by {@code seed} and keeps the last partial batch. */
    public static DataLoader shuffled(Dataset dataset, int batchSize, long seed) {
        return new DataLoader(dataset, batchSize, true, false, false, new Generator(seed));
    }

    /** A loader in data-set order. */
    public static DataLoader ordered(Dataset dataset, int batchSize) {
        return new DataLoader(dataset, batchSize, false, false, false, null);
    }

    /** Batches per pass. */
    public int numBatches() {
        int n = dataset.size();
        return dropLast ? n / batchSize : Math.ceilDiv(n, batchSize);
    }

    /** The data set. */
    public Dataset dataset() {
        return dataset;
    }

    /** The batch size. */
    public int batchSize() {
        return batchSize;
    }

    /** The shuffling generator (its state is part of a resumable run), or null. */
    public Generator generator() {
        return gen;
    }

    @Override
    public Iterator<Batch> iterator() {
        return iterator(0);
    }

    /**
     * A pass that starts at batch {@code startBatch}: the same permutation is drawn as for a full
     * pass, the first batches are skipped without being gathered (for resuming mid-epoch).
     */
    public Iterator<Batch> iterator(int startBatch) {
        return iterator(startBatch, false);
    }

    /**
     * As {@link #iterator(int)}; with {@code listedRows}, when the data set keeps its inputs listed by
     * their non-zeros ({@link Dataset#sparseRows()}), each batch carries its examples' part of that
     * listing ({@link Batch#rows()}) and gathers its dense inputs only if {@link Batch#x()} is called.
     * For a consumer whose first layer reads the listing (the trainer's step on an MLP): at batch 64
     * on MNIST, the copy of 200 KB of scattered images and a listing at every step are saved.
     */
    public Iterator<Batch> iterator(int startBatch, boolean listedRows) {
        int n = dataset.size();
        int[] order = shuffle ? gen.permutation(n) : identity(n);
        Pass p = new Pass(order, listedRows ? dataset.sparseRows().orElse(null) : null);
        p.next = Math.max(0, Math.min(startBatch, p.batches));
        return p;
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    private final class Pass implements Iterator<Batch> {
        private final int[] order;
        private final int batches = numBatches();
        private int next;
        /** The data set's listing, when batches carry their part of it; else null. */
        private final SparseRows listing;

        Pass(int[] order, SparseRows listing) {
            this.order = order;
            this.listing = listing;
        }

        /** Set {@code set}'s array of {@code n} inputs when buffers are reused (made on first need), else a new one. */
        private float[] inputs(int set, int n) {
            if (!reuseBuffers) {
                return new float[n];
            }
            return xBufs[set].ofLength(n);
        }

        /** As {@link #inputs}, for the labels. */
        private int[] labels(int set, int n) {
            if (!reuseBuffers) {
                return new int[n];
            }
            if (yBufs[set] == null || yBufs[set].length != n) {
                yBufs[set] = new int[n];
            }
            return yBufs[set];
        }

        @Override
        public boolean hasNext() {
            return next < batches;
        }

        @Override
        public Batch next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            int from = next * batchSize;
            int count = Math.min(batchSize, order.length - from);
            int set = (int) (drawn++ & 1);
            next++;
            int row = dataset.exampleNumel();
            int[] y = labels(set, count);
            int[] es = dataset.exampleShape();
            int[] shape = new int[es.length + 1];
            shape[0] = count;
            System.arraycopy(es, 0, shape, 1, es.length);
            if (listing != null) {
                for (int k = 0; k < count; k++) {
                    y[k] = dataset.label(order[from + k]);
                }
                SparseRows rows = listing.select(order, from, count, reuseBuffers ? rowsBufs[set] : null);
                if (reuseBuffers) {
                    rowsBufs[set] = rows;
                }
                // The inputs' array is taken only if the batch is gathered: a first layer that reads the
                // listing never asks (at batch 1024, 3.2 MB twice a pass that lived through it).
                return new Batch(y, rows, () -> {
                    float[] into = inputs(set, count * row);
                    dataset.gather(order, from, count, into, y);
                    return into;
                }, shape);
            }
            float[] x = inputs(set, count * row);
            dataset.gather(order, from, count, x, y);
            return new Batch(Tensor.of(x, shape), y);
        }
    }
}
