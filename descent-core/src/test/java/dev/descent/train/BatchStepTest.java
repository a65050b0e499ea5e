package dev.descent.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.descent.data.Batch;
import dev.descent.data.DataLoader;
import dev.descent.data.Dataset;
import dev.descent.data.TensorDataset;
import dev.descent.nn.Activation;
import dev.descent.nn.Mlp;
import dev.descent.nn.MlpSpec;
import dev.descent.optim.Adam;
import dev.descent.optim.Optimizer;
import dev.descent.tensor.F;
import dev.descent.tensor.Generator;
import dev.descent.tensor.Reduction;
import dev.descent.tensor.Tensor;
import dev.descent.tensor.kernel.Parallel;
import dev.descent.tensor.kernel.SparseRows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The data-parallel training step: the same gradients as the plain loop, and bit-identical results for any thread count. */
class BatchStepTest {

    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    private static Batch batch(Generator g, int n, int in, int classes) {
        float[] x = new float[n * in];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = g.nextInt(classes);
            for (int f = 0; f < in; f++) {
                x[i * in + f] = (float) g.nextGaussian();
            }
        }
        return new Batch(Tensor.of(x, n, in), y);
    }

    /**
     * 37 rows: the threads split the first layer by its outputs first; 1030, more than
     * {@link BatchStep#WHOLE_BATCH_ROWS}: each shard computes its rows' first layer.
     */
    @ParameterizedTest(name = "{0} rows")
    @ValueSource(ints = {37, 1030})
    void shardedGradientsAndLossMatchThePlainLoopWithWeightsIgnoredTargetsAndAccumulation(int rows) {
        assertThat(BatchStep.wholeBatchForward(rows, 16)).isEqualTo(rows == 37);
        int h1 = 16;
        Batch b = batch(new Generator(5), rows, 20, 4);
        b.y()[3] = F.IGNORE_INDEX;
        float[] weights = {1f, 0.5f, 2f, 1.5f};
        Mlp sharded = Mlp.of(20, List.of(h1, 8), 4, 11), plain = Mlp.of(20, List.of(h1, 8), 4, 11);
        for (int rep = 0; rep < 2; rep++) { // twice: gradients accumulate, and shard 1's are reset between steps
            BatchStep.Outcome o = new BatchStep(sharded, null).run(b, Loss.NLL, weights, 2);
            Tensor logp = plain.forward(b.x());
            Tensor loss = F.nllLoss(logp, b.y(), weights, Reduction.MEAN, F.IGNORE_INDEX);
            loss.mul(0.5f).backward();
            assertThat(o.loss()).isCloseTo(loss.item(), within(1e-6f));
            int[] pred = logp.argmax(1);
            int correct = 0;
            for (int i = 0; i < pred.length; i++) {
                correct += pred[i] == b.y()[i] ? 1 : 0;
            }
            assertThat(o.correct()).isEqualTo(correct);
        }
        List<Tensor> ps = sharded.parameters(), qs = plain.parameters();
        for (int i = 0; i < ps.size(); i++) {
            float[] g = ps.get(i).gradData(), h = qs.get(i).gradData();
            for (int j = 0; j < g.length; j++) {
                assertThat(g[j]).as("parameter %d element %d", i, j).isCloseTo(h[j], within(1e-6f + 1e-5f * Math.abs(h[j])));
            }
        }
    }

    /** The first layer's weight gradient is computed once per batch; without a bias, or with that weight frozen, too. */
    @ParameterizedTest(name = "{0} rows")
    @ValueSource(ints = {40, 1030})
    void shardsMatchThePlainLoopWithoutBiasAndWithAFrozenFirstWeight(int rows) {
        int h1 = 16;
        Batch b = batch(new Generator(7), rows, 20, 4);
        for (String variant : new String[] {"no bias", "frozen first weight"}) {
            boolean bias = variant.equals("frozen first weight");
            Mlp sharded = new Mlp(new MlpSpec(20, List.of(h1, 8), 4, bias, Activation.RELU), new Generator(13));
            Mlp plain = new Mlp(new MlpSpec(20, List.of(h1, 8), 4, bias, Activation.RELU), new Generator(13));
            if (bias) {
                sharded.parameters().get(0).requiresGrad(false);
                plain.parameters().get(0).requiresGrad(false);
            }
            BatchStep.Outcome o = new BatchStep(sharded, null).run(b, Loss.NLL, null, 1);
            Tensor loss = F.nllLoss(plain.forward(b.x()), b.y());
            loss.backward();
            assertThat(o.loss()).as(variant).isCloseTo(loss.item(), within(1e-6f));
            List<Tensor> ps = sharded.parameters(), qs = plain.parameters();
            for (int i = 0; i < ps.size(); i++) {
                float[] g = ps.get(i).gradData(), h = qs.get(i).gradData();
                if (h == null) {
                    assertThat(g).as("%s: parameter %d", variant, i).isNull();
                    continue;
                }
                for (int j = 0; j < g.length; j++) {
                    assertThat(g[j]).as("%s: parameter %d element %d", variant, i, j).isCloseTo(h[j], within(1e-6f + 1e-5f * Math.abs(h[j])));
                }
            }
        }
    }

    @Test
    void trainingIsBitIdenticalForOneTwoAndThreeThreads() {
        Generator g = new Generator(9);
        Batch all = batch(g, 700, 120, 10);
        TensorDataset data = new TensorDataset(all.x(), all.y(), 10);
        List<float[]> ref = null;
        for (int threads : new int[] {1, 2, 3}) {
            Parallel.setThreads(threads);
            Mlp model = Mlp.of(120, List.of(200, 100), 10, 3);
            Optimizer<Adam.Options> opt = Adam.adam(model.parameters(), 1e-3, 0, Adam.Options.defaults());
            // batch 64 (sharded, the first layer split by its 200 outputs; its products would be split across threads
            // if they ran whole), last batch 60; batch 150 (shards of 75 rows), batch 250 (the first layer still split
            // by outputs), batch 600 (each shard its own first layer) and batch 12 (below the shards' minimum: in one piece)
            TrainConfig cfg = new TrainConfig(2, 1000, 0, 1, 64, 1, 0, null);
            List<float[]> got = new ArrayList<>();
            for (int batch : new int[] {64, 150, 250, 600, 12}) {
                DataLoader loader = new DataLoader(data, batch, true, false, true, new Generator(4));
                Trainer t = new Trainer(model, opt, null, null, loader, null, cfg, List.of());
                t.fit();
                got.add(t.history().trainLoss());
            }
            model.parameters().forEach(p -> got.add(p.toArray()));
            if (ref == null) {
                ref = got;
            } else {
                for (int i = 0; i < ref.size(); i++) {
                    assertThat(Arrays.equals(ref.get(i), got.get(i))).as("tensor %d with %d threads", i, threads).isTrue();
                }
            }
        }
    }

    /** {@code n} MNIST-like examples of {@code in} values, 80% of them zero, with 10 classes. */
    static TensorDataset sparse(Generator g, int n, int in) {
        float[] x = new float[n * in];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = g.nextInt(10);
            for (int f = 0; f < in; f++) {
                x[i * in + f] = g.nextDouble() < 0.2 ? (float) g.nextDouble() : 0f;
            }
        }
        return new TensorDataset(Tensor.of(x, n, in), y, 10);
    }

    /** A data set that hides {@code base}'s kept listing (when {@code listed} is false) and counts its dense copies. */
    private static final class Counted implements Dataset {
        private final TensorDataset base;
        private final boolean listed;
        int gathered;

        Counted(TensorDataset base, boolean listed) {
            this.base = base;
            this.listed = listed;
        }

        @Override
        public int size() {
            return base.size();
        }

        @Override
        public int[] exampleShape() {
            return base.exampleShape();
        }

        @Override
        public int numClasses() {
            return base.numClasses();
        }

        @Override
        public void gather(int[] indices, int from, int count, float[] x, int[] y) {
            gathered++;
            base.gather(indices, from, count, x, y);
        }

        @Override
        public int label(int i) {
            return base.label(i);
        }

        @Override
        public Optional<SparseRows> sparseRows() {
            return listed ? base.sparseRows() : Optional.empty();
        }
    }

    /**
     * On a sparse data set (MNIST-like: 80% zeros) the step reads batches through the data set's kept
     * listing, never copying them dense, and training is bit for bit what dense batches give: batch 64
     * (and its last batch of 60), with gradient accumulation (whose
     * second batch meets a non-zero gradient: the dense kernel, on a batch made from the listing), and
     * batch 250 (wider than the layer, the layer still split by its outputs) and 600 (each shard's forward
     * reads its rows of the listing); on one and two threads.
     */
    @Test
    void batchesOfAKeptListingTrainBitForBitAsDenseBatchesWithoutBeingCopied() {
        int n = 700, in = 784;
        TensorDataset data = sparse(new Generator(21), n, in);
        boolean kept = data.sparseRows().isPresent();
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            for (int accumulate : new int[] {1, 2}) {
                for (int batch : new int[] {64, 250, 600}) {
                    List<float[]> got = new ArrayList<>();
                    int[] copies = new int[2];
                    for (boolean listed : new boolean[] {false, true}) {
                        Counted source = new Counted(data, listed);
                        Mlp model = Mlp.of(in, List.of(200, 100), 10, 3);
                        Optimizer<Adam.Options> opt = Adam.adam(model.parameters(), 1e-3, 0, Adam.Options.defaults());
                        TrainConfig cfg = new TrainConfig(2, 1000, 0, 1, 64, accumulate, 0, null);
                        Trainer t = new Trainer(model, opt, null, null, new DataLoader(source, batch, true, false, true, new Generator(4)), null, cfg, List.of());
                        t.fit();
                        got.add(t.history().trainLoss());
                        model.parameters().forEach(p -> got.add(p.toArray()));
                        copies[listed ? 1 : 0] = source.gathered;
                    }
                    String what = threads + " threads, accumulate " + accumulate + ", batch " + batch;
                    int half = got.size() / 2;
                    for (int i = 0; i < half; i++) {
                        assertThat(Arrays.equals(got.get(i), got.get(half + i))).as("%s: tensor %d", what, i).isTrue();
                    }
                    assertThat(copies[0]).as("%s: dense batches", what).isEqualTo(2 * Math.ceilDiv(n, batch));
                    assertThat(copies[1]).as("%s: batches copied with the listing", what).isEqualTo(kept ? 0 : copies[0]);
                }
            }
        }
    }

    /**
     * Once a pass has run at both of its batch sizes, a pass of batches of 1024 MNIST-like rows (two
     * shards of 512, the first layer in bands of inputs) and its short last batch allocate no arrays of
     * the batch's size: none of the step's arrays, nor the shards' first-layer gradients (400 KB each
     * a step before {@link dev.descent.tensor.Workspace#leaf}), nor the loader's dense inputs (3.2 MB,
     * never read). Such arrays lived long enough to be copied by young collections of 15–58 ms inside
     * the epochs (docs/PERFORMANCE.md, section 30). Counted over all threads, the pool's workers too.
     */
    @Test
    void aWarmPassOfLargeBatchesAllocatesNoArraysOfTheBatchSize() {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        assertThat(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled()).isTrue();
        Parallel.setThreads(2);
        int n = 4 * 1024 + 300, in = 784;
        TensorDataset data = sparse(new Generator(31), n, in);
        Mlp model = Mlp.of(in, List.of(200, 100), 10, 3);
        Optimizer<Adam.Options> opt = Adam.adam(model.parameters(), 1e-3, 0, Adam.Options.defaults());
        TrainConfig cfg = new TrainConfig(1000, 1000, 0, 1, 64, 1, 0, null);
        Trainer t = new Trainer(model, opt, null, null, new DataLoader(data, 1024, true, false, true, new Generator(4)), null, cfg, List.of());
        t.fitEpochs(2);
        // The least of several passes: until the JIT has compiled the kernels, their vector operations
        // allocate (hundreds of MB a pass in a fresh JVM), which is not what this test is about.
        long least = Long.MAX_VALUE;
        for (int pass = 0; pass < 16; pass++) {
            long before = threads.getTotalThreadAllocatedBytes();
            t.fitEpochs(1);
            least = Math.min(least, threads.getTotalThreadAllocatedBytes() - before);
        }
        // With the shards' first-layer gradients made new at each step, a warm pass allocated 6.0 MB; on the
        // dense path (the 256-bit run of this suite) the loader's inputs made new at each pass, 7.5 MB. What
        // is left is small objects (tensors, autograd nodes, the pass's permutation): 0.13-0.18 MB a pass.
        assertThat(least).as("bytes allocated by a warm pass of five steps").isLessThan(4_000_000);
    }

    /**
     * Two accumulated batches of 32 make the update one batch of the same 64 makes, on sparse inputs
     * (the listed paths): the trainer tells the step when the gradients are zero, and the first
     * layer's weight gradient is then written unchecked; were that said of the second batch, its
     * gradient would overwrite the first's and the weights would differ by far more than rounding.
     */
    @Test
    void accumulatedSparseBatchesMatchOneBatchOfTheirRows() {
        int n = 256, in = 784;
        TensorDataset data = sparse(new Generator(23), n, in);
        List<float[]> got = new ArrayList<>();
        for (int[] batchAndK : new int[][] {{64, 1}, {32, 2}}) {
            Mlp model = Mlp.of(in, List.of(200, 100), 10, 3);
            Optimizer<Adam.Options> opt = Adam.adam(model.parameters(), 1e-3, 0, Adam.Options.defaults());
            TrainConfig cfg = new TrainConfig(1, 1000, 0, 1, 64, batchAndK[1], 0, null);
            new Trainer(model, opt, null, null, new DataLoader(data, batchAndK[0], true, false, true, new Generator(4)), null, cfg, List.of()).fit();
            got.add(model.parameters().get(0).toArray());
        }
        float[] one = got.get(0), two = got.get(1);
        for (int j = 0; j < one.length; j++) {
            assertThat(two[j]).as("first weight element %d", j).isCloseTo(one[j], within(1e-6f));
        }
    }

    @Test
    void smallBatchesRunThePlainLoop() {
        for (int n : new int[] {1, BatchStep.MIN_SHARDED_BATCH - 1}) {
            Batch b = batch(new Generator(6), n, 5, 3);
            Mlp m = Mlp.of(5, List.of(4), 3, 2), p = Mlp.of(5, List.of(4), 3, 2);
            BatchStep.Outcome o = new BatchStep(m, null).run(b, Loss.NLL, null, 1);
            Tensor loss = F.nllLoss(p.forward(b.x()), b.y());
            loss.backward();
            assertThat(o.loss()).as("batch %d", n).isEqualTo(loss.item());
            assertThat(m.parameters().get(0).gradData()).as("batch %d", n).containsExactly(p.parameters().get(0).gradData());
        }
    }
}
