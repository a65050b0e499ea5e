package dev.descent.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import dev.descent.data.Batch;
import dev.descent.nn.Mlp;
import dev.descent.nn.Module;
import dev.descent.optim.Optimizer;
import dev.descent.tensor.F;
import dev.descent.tensor.KeptFloats;
import dev.descent.tensor.Reduction;
import dev.descent.tensor.Tensor;
import dev.descent.tensor.Workspace;
import dev.descent.tensor.kernel.Gemm;
import dev.descent.tensor.kernel.InputMajor;
import dev.descent.tensor.kernel.KernelProvider;
import dev.descent.tensor.kernel.Parallel;
import dev.descent.tensor.kernel.SparseInput;
import dev.descent.tensor.kernel.SparseRows;

/**
 * Forward, loss and backward of one batch, adding the batch's gradient (scaled by 1/k
 * for gradient accumulation over k batches) into the parameters' gradients.
 *
 * <p>With the NLL loss, an {@link Mlp} treats every example independently, so its batch is cut into two fixed shards
 * (rows [0, ⌈n/2⌉) and the rest) that run forward and backward at once, one per kernel thread: one
 * hand-off per step instead of one per matrix product, and the element-wise ops, the softmax and the
 * small layers run on both cores too. Shard 0 works on the model's own parameters; shard 1 on
 * replicas that share their storage but own their gradients; one pass then adds shard 1's gradients
 * into the parameters' ({@code g ← g₀ + g₁}). The shards, and the order of every sum, depend only on
 * the batch size, never on the thread count, so results are bit-identical for any number of threads
 * (on one thread the shards simply run one after the other).
 *
 * <p>The first layer's weight holds most of an MLP's parameters (157,000 of 183,000 in the benchmark
 * model), and it is split the other way: by its rows (output features). Each shard starts from its
 * rows of the first layer's output (a leaf, whose gradient backward fills) and adds their bias
 * gradient ({@link F#linearBiasGrad}). Up to {@link #WHOLE_BATCH_ROWS} rows (or as many as the layer
 * has outputs, when that is more), one {@link F#linear} before the shards computes that output for
 * the whole batch, each thread the outputs of its half of the features, so that each thread reads only
 * the half of the weight its core updates; larger batches have each shard compute its own rows'
 * output (see {@link #wholeBatchForward}). After the
 * shards, {@link F#linearWeightGrad} computes the weight's gradient once for the whole batch, each
 * thread the rows of its features, summing each element over the batch in row order as the plain
 * loop does (the benchmark's rows 0–95 and 96–191, the last 8 shared by columns so that each thread
 * has 6½ vectors of rows), and the optimizer's element-wise update splits the weight into about the
 * same halves (rows 100 and up of the benchmark's 200; the forward cuts on a vector boundary, at
 * 96). So each half of the weight, its gradient and its optimizer state is read and written by one
 * core, but for a few rows:
 * when the VM's two vCPUs sat on distant cores, both shards reading all of it and the optimizer
 * writing it by halves had made a batch-64 epoch 0.87 s, against 0.74 s split (docs/PERFORMANCE.md,
 * section 9). Every element is computed as before (the same products in the same order), so results
 * did not change. With that whole-batch forward, the batch's non-zero inputs are listed once
 * ({@link SparseInput}, where the sparse kernels run) for both the forward and the weight gradient,
 * the two threads sharing the listing. When the batch carries its rows of the data set's kept listing
 * ({@link Batch#rows()}: a sparse data set's, drawn by the trainer's loader), nothing is listed or
 * gathered at all: the forward reads those rows, each shard's own forward (larger batches) its part
 * of them, and each weight-gradient task lists the columns from the rows on its own thread. The loss
 * of a shard is its weighted sum divided by the whole batch's total weight, so the shards add up to
 * the mean over the batch. Each shard's forward and backward, and the first layer's whole-batch
 * output, take their arrays from a {@link Workspace} of their own, the previous step's, still in the
 * caches, rather than fresh memory; nothing the step computes is kept past the next step.
 *
 * <p>On a listed input with the whole-batch forward (AVX-512), and with an element-wise optimizer and no
 * gradient accumulation, the first layer's weight is kept input-major, [in, out], between steps
 * ({@link InputMajorLayout}): its forward and weight gradient ({@link InputMajor}) then read and write it
 * as stored, without the transposing copy of the weight (21–23 µs a thread at batch 64) and the
 * transposed write-back of the gradient (16–18 µs), and the threads split it by bands of inputs (784
 * pixels: 0–391 and 392–783) instead of by outputs: each thread computes the whole batch's output over its
 * band, the shards add the two partial sums and the bias, and each thread writes its band's rows of the
 * gradient, the half of the weight its core then updates. A step after something outside the step read the
 * model (a validation, a listener) computes the same two bands from the weight in the model's layout, so
 * results are the same whichever steps held it, and bit-identical for any thread count; against the step
 * before the bands (the forward one sum over all inputs) the last bits differ. Batch 64, one JVM, epochs
 * alternated (docs/PERFORMANCE.md, section 21): 0.28 → 0.25–0.26 s near, paired 0.87–0.91.
 *
 * <p>Other models and losses (MSE), and batches below {@link #MIN_SHARDED_BATCH} rows, run the plain
 * loop: forward, mean loss, backward (each product split across the threads by columns). Which path
 * a batch takes depends on its size only, so determinism holds either way.
 */
final class BatchStep {

    /**
     * Up to this many rows (or the first layer's outputs, when more) a batch's first-layer output is
     * computed for the whole batch, each thread its half of the features, before the shards. The
     * optimizer updates the weight by those halves, one per core: each shard computing its own rows'
     * output read the whole weight, half of it just written by the other core, at every step. The
     * benchmark MLP (784→200), epochs alternated in one JVM (docs/PERFORMANCE.md, section 18): batch
     * 256 near 0.943 paired, with the vCPUs far apart 0.672 (0.360 → 0.241 s); 512 near level, far
     * 0.863; 1024 near 1.01–1.04 and far 0.96–0.99 (about level then). Since the whole-batch forward
     * also lets the step keep the weight input-major ({@link InputMajorLayout}), 1024 rows gain too: on
     * a Zen 5 EPYC with AVX-512 (section 22), fresh JVMs alternated, 0.172–0.178 → 0.146–0.147 s an
     * epoch, and with 256-bit vectors ({@code -XX:UseAVX=2}) 0.213–0.221 → 0.206–0.211 s. Larger
     * batches are not listed ({@link dev.descent.tensor.kernel.SparseInput}) and keep their rows split.
     */
    static final int WHOLE_BATCH_ROWS = 1024;

    /** Batches smaller than this run in one piece: shards of a few rows cost more to hand off than they save. */
    static final int MIN_SHARDED_BATCH = 16;

    /**
     * System property that turns the data-parallel step off ({@code descent.dataParallel=false}): every
     * batch then runs in one piece, its products split across threads by columns. For measuring what
     * the shards gain; results are bit-identical for any thread count either way (but differ between
     * the two settings, whose sums run in different orders).
     */
    public static final String PROPERTY = "descent.dataParallel";

    private static final boolean SHARDED = !"false".equalsIgnoreCase(System.getProperty(PROPERTY, "").trim());

    /**
     * System property that stops the step from listing a batch's non-zero inputs once for the first
     * layer ({@code descent.listInputs=false}; {@link SparseInput}): each product then lists them on its
     * own, on each thread, as before. For measuring what the listing gains; results are bit-identical.
     */
    public static final String LIST_INPUTS_PROPERTY = "descent.listInputs";

    private static final boolean LIST_INPUTS = !"false".equalsIgnoreCase(System.getProperty(LIST_INPUTS_PROPERTY, "").trim());

    /**
     * System property that stops the step from reading batches through the data set's kept listing of
     * its non-zeros ({@code descent.keptRows=false}; {@link dev.descent.data.Dataset#sparseRows()}):
     * batches are then gathered dense and listed at each step, as before. For measuring what the kept
     * listing gains; results are bit-identical.
     */
    public static final String KEPT_ROWS_PROPERTY = "descent.keptRows";

    private static final boolean KEPT_ROWS = !"false".equalsIgnoreCase(System.getProperty(KEPT_ROWS_PROPERTY, "").trim());

    /** What one batch gave: its mean loss and how many examples were classified correctly. */
    record Outcome(float loss, int correct) {
    }

    private final Module model;
    private final Mlp mlp;
    private final List<Tensor> params;
    /** Shard 0's parameters: the model's own, but the first weight without a gradient (see the class comment). */
    private final List<Tensor> shard0 = new ArrayList<>();
    /** Shard 1's parameters: the model's storage, their own gradients; the first weight without one. */
    private final List<Tensor> replicas = new ArrayList<>();
    private final Shard[] shards = {new Shard(), new Shard()};
    /** The shards' gradients of the first layer's output, one after the other: [n, h1]. */
    private final KeptFloats firstOutGrad = new KeptFloats();
    /** The last batch's listing of its non-zero inputs, whose buffers the next one reuses. */
    private SparseInput listed;
    /** 0, 1, 2, …: a batch's rows in order ({@link #iota}). */
    private int[] iota = new int[0];
    /**
     * Whether a batch of {@code n} rows computes the first layer's output ({@code h1} features) for the
     * whole batch before the shards, the threads splitting the features ({@link #WHOLE_BATCH_ROWS}).
     */
    static boolean wholeBatchForward(int n, int h1) {
        return n <= Math.max(h1, WHOLE_BATCH_ROWS);
    }

    /** The first layer's whole-batch output, the same array from step to step (see {@link Workspace}). */
    private final Workspace firstLayerSpace = new Workspace();
    /** Where the first layer's weight is stored between steps (see the class comment). */
    private final InputMajorLayout layout;
    /** In bands of inputs, the first layer's output for the whole batch from each band: [n, h1] each. */
    private final KeptFloats firstBand = new KeptFloats();
    private final KeptFloats secondBand = new KeptFloats();

    /** The step of {@code model}, whose parameters {@code optimizer} updates (null: none known). */
    BatchStep(Module model, Optimizer<?> optimizer) {
        this.model = model;
        this.mlp = SHARDED && model instanceof Mlp m ? m : null;
        this.params = model.parameters();
        this.layout = mlp != null && !params.isEmpty() ? new InputMajorLayout(params.get(0), optimizer) : null;
        if (mlp != null) {
            for (int i = 0; i < params.size(); i++) {
                Tensor p = params.get(i);
                Tensor replica = i == 0 ? p.detach() : p.detach().requiresGrad(p.requiresGrad());
                replicas.add(replica);
                shard0.add(i == 0 ? replica : p);
            }
        }
    }

    /**
     * Runs forward, {@code loss} and backward of {@code b} with per-class {@code weights} (or null),
     * the loss scaled by 1/{@code k}.
     */
    Outcome run(Batch b, Loss loss, float[] weights, int k) {
        return run(b, loss, weights, k, false, false);
    }

    /**
     * As {@link #run(Batch, Loss, float[], int)}; {@code gradsZero} says the parameters' gradients are
     * zero (the first batch of an accumulation, after the trainer's zeroing or update): the first
     * layer's weight gradient is then written without first being checked for zero. With
     * {@code mayHoldLayout} the step may leave the first layer's weight input-major for the next
     * ({@link InputMajorLayout}; the caller {@link #restoreLayout restores} it before anything else
     * reads the model); without, it runs in the model's layout.
     */
    Outcome run(Batch b, Loss loss, float[] weights, int k, boolean gradsZero, boolean mayHoldLayout) {
        int n = b.size();
        if (mlp == null || loss != Loss.NLL || n < MIN_SHARDED_BATCH) {
            restoreLayout(gradsZero);
            Tensor out = loss.output(model, b.x());
            Tensor mean = loss.mean(out, b.y(), weights);
            (k > 1 ? mean.mul(1f / k) : mean).backward();
            return new Outcome(mean.item(), correct(out, b.y(), 0));
        }
        double total = 0;
        for (int i = 0; i < n; i++) {
            int t = b.y()[i];
            total += t == F.IGNORE_INDEX ? 0 : weights == null ? 1 : weights[t];
        }
        // PyTorch's mean over zero total weight is NaN (0/0); so is ours.
        float scale = (float) (1.0 / (total * k));
        int half = (n + 1) / 2, in = mlp.spec().inDim();
        Tensor w0 = params.get(0);
        int h1 = w0.shape()[0];
        // No record: the first layer's weight and bias enter without gradients (see the class comment).
        Tensor w = replicas.get(0), bias = mlp.spec().bias() ? params.get(1).detach() : null;
        // Up to WHOLE_BATCH_ROWS rows the threads split the first layer's weight (computing the output
        // for the whole batch first); above, each shard computes its own rows' output (wholeBatchForward).
        // Listed once, the input's non-zeros serve the forward and the weight gradient on both threads;
        // a batch that carries its rows' part of the data set's listing is neither gathered nor listed
        // (then, on the larger batches, each shard's own forward reads its rows of that listing too).
        boolean whole = wholeBatchForward(n, h1);
        Optional<SparseRows> rows = LIST_INPUTS ? b.rows() : Optional.empty();
        SparseInput sx = null;
        if (rows.isPresent()) {
            sx = SparseInput.of(rows.get(), listed).orElse(null);
        } else if (whole && LIST_INPUTS) {
            sx = SparseInput.of(b.x().data(), 0, n, in, listed).orElse(null);
        }
        if (sx != null) {
            listed = sx;
        }
        // A step on the listed input with the whole batch's forward, and no accumulation, computes the first
        // layer's output in two bands of inputs; it then keeps the weight input-major when the caller lets it
        // (InputMajor's kernels read and write it as stored) and otherwise computes the same bands from the
        // weight in the model's layout: the same bits either way, so results never depend on which steps held it.
        boolean banded = layout.usable() && whole && sx != null && gradsZero && k == 1;
        boolean inputMajor = banded && mayHoldLayout;
        if (inputMajor) {
            layout.take();
        } else {
            layout.restore(gradsZero);
        }
        // Both shards list their rows (no short circuit), or both read the dense batch.
        boolean shardsListed = !whole && sx != null && shards[0].listRows(rows.get(), 0, half, iota(n)) & shards[1].listRows(rows.get(), half, n, iota(n));
        // Gathered here, on the caller, whenever a product will read the dense batch.
        Tensor x = sx == null || (!whole && !shardsListed) ? b.x().view(n, in) : null;
        float[] z = banded ? firstLayerByBands(sx, w, n, in, h1) : whole ? firstLayer(sx, x, w, bias) : null;
        // In bands, each shard adds its rows of the two bands' sums and the bias.
        float[] second = banded ? secondBand.ofLength(n * h1) : null, biasData = banded && bias != null ? bias.data() : null;
        shards[0].prepare(b, 0, half, shardsListed, second, biasData);
        shards[1].prepare(b, half, n, shardsListed, second, biasData);
        // Each shard leaves its rows of the first layer's output gradient here, on its own thread.
        float[] dzAll = w0.requiresGrad() ? firstOutGrad.ofLength(n * h1) : null;
        Parallel.run(2, s -> shards[s].run(mlp, s == 0 ? shard0 : replicas, w, bias, z, weights, scale, dzAll));
        if (dzAll != null && inputMajor) {
            // Each thread its band of the weight's rows (fresh: the gradient is zero, in this layout too).
            SparseInput listedInput = sx;
            float[] g = w0.ensureGrad();
            int band = layout.band();
            Parallel.run(2, t -> InputMajor.weightGrad(dzAll, listedInput, t == 0 ? 0 : band, t == 0 ? band : in, g));
        } else if (dzAll != null) {
            Tensor dz = Tensor.of(dzAll, n, h1);
            if (sx != null) {
                F.linearWeightGrad(dz, sx, w0, gradsZero);
            } else {
                F.linearWeightGrad(dz, x, w0);
            }
        }
        reduceGradients();
        return new Outcome((float) ((shards[0].lossSum + shards[1].lossSum) / total), shards[0].correct + shards[1].correct);
    }

    /**
     * The first layer's output for the whole batch in two partial sums, one per band of inputs
     * ({@link #firstBand}, {@link #secondBand}; the bias is added by the shards): with the weight held
     * input-major, each thread one band; in the model's layout, each thread both bands of its outputs
     * ({@link Gemm#ntBands}), bit for bit the same.
     */
    private float[] firstLayerByBands(SparseInput sx, Tensor w, int n, int in, int h1) {
        float[] wd = w.data(), a = firstBand.ofLength(n * h1), c = secondBand.ofLength(n * h1);
        int band = layout.band();
        if (layout.held()) {
            Parallel.run(2, t -> InputMajor.forward(sx, t == 0 ? 0 : band, t == 0 ? band : in, wd, h1, t == 0 ? a : c));
        } else {
            Gemm.ntBands(sx, h1, wd, 0, band, a, c);
        }
        return a;
    }

    /**
     * Puts the first layer's weight back in the model's layout, if the step holds it input-major
     * ({@link InputMajorLayout}); its gradient too, unless {@code gradsZero} says the gradients are zero.
     */
    void restoreLayout(boolean gradsZero) {
        if (layout != null) {
            layout.restore(gradsZero);
        }
    }

    /** Where the first layer's weight is kept between steps, or null on the plain loop's models. */
    InputMajorLayout layout() {
        return layout;
    }

    /** The first layer's output for the whole batch (listed, or dense), into the array of the previous step's. */
    private float[] firstLayer(SparseInput sx, Tensor x, Tensor w, Tensor bias) {
        try (Workspace ws = firstLayerSpace.open()) {
            return sx != null ? F.linear(sx, w, bias).data() : F.linear(x, w, bias).data();
        }
    }

    /**
     * Whether {@link #run} reads a batch of {@code batchSize} rows through the data set's listing of its
     * non-zeros when the batch carries it ({@link Batch#rows()}, {@link dev.descent.data.DataLoader#iterator(int,
     * boolean)}): on the data-parallel path (the NLL loss, at least {@link #MIN_SHARDED_BATCH} rows), unless
     * {@link #KEPT_ROWS_PROPERTY} or {@link #LIST_INPUTS_PROPERTY} turns it off.
     */
    boolean readsListedRows(int batchSize, Loss loss) {
        return mlp != null && loss == Loss.NLL && LIST_INPUTS && KEPT_ROWS && batchSize >= MIN_SHARDED_BATCH;
    }

    /** 0, 1, …, n − 1 (at least): a batch's rows in order, for selecting a shard's part of its listing. */
    private int[] iota(int n) {
        if (iota.length < n) {
            iota = new int[n];
            Arrays.setAll(iota, i -> i);
        }
        return iota;
    }

    /** {@code p.grad += replica.grad; replica.grad = 0} for every parameter, the elements split across the threads. */
    private void reduceGradients() {
        Parallel.run(2, t -> {
            for (int i = 0; i < params.size(); i++) {
                float[] from = replicas.get(i).gradData();
                if (from == null) {
                    continue;
                }
                int len = from.length, lo = cut(len, t), hi = cut(len, t + 1);
                KernelProvider.kernels().addInto(from, lo, params.get(i).gradData(), lo, hi - lo);
                Arrays.fill(from, lo, hi, 0f);
            }
        });
    }

    /**
     * The boundary of half {@code t} of a range: {@link Parallel#cut} at multiples of 64, so that vector
     * loops cover the same elements whatever the split, and each thread reduces the part of every
     * gradient that its core then updates in the optimizer's step ({@code Split}'s shares).
     */
    private static int cut(int len, int t) {
        return Parallel.cut(len, t, 2, 64);
    }

    private static int correct(Tensor logp, int[] y, int from) {
        int[] pred = logp.argmax(1);
        int c = 0;
        for (int i = 0; i < pred.length; i++) {
            if (pred[i] == y[from + i]) {
                c++;
            }
        }
        return c;
    }

    /** One shard's buffers (reused from step to step) and results. */
    private static final class Shard {
        private final KeptFloats x = new KeptFloats();
        private float[] z;
        private final KeptFloats firstOutput = new KeptFloats();
        private int[] y = new int[0];
        private int from;
        private Batch batch;
        /** This shard's rows of the batch's kept listing, and the listing of them its forward reads (or null: dense). */
        private SparseRows ownRows;
        private SparseInput input;
        private SparseInput recycled;
        /** In bands of inputs: the second band's partial sums [n, h1] to add to the first's, and the bias (or null). */
        private float[] secondBand;
        private float[] biasData;
        /** The shard's rows of the first layer's output: a leaf, holding their gradient after backward. */
        Tensor firstOut;
        /** The arrays of this shard's forward and backward, the same from step to step. */
        private final Workspace space = new Workspace();
        double lossSum;
        int correct;

        /**
         * Lists rows [from, to) of a batch's kept listing for this shard's own first-layer forward;
         * false when they are too dense for the sparse path (the shard then reads the dense batch).
         */
        boolean listRows(SparseRows batchRows, int from, int to, int[] iota) {
            ownRows = batchRows.select(iota, from, to - from, ownRows);
            input = SparseInput.of(ownRows, recycled).orElse(null);
            if (input != null) {
                recycled = input;
            }
            return input != null;
        }

        void prepare(Batch b, int from, int to, boolean listedRows, float[] secondBand, float[] biasData) {
            this.secondBand = secondBand;
            this.biasData = biasData;
            if (y.length != to - from) {
                y = new int[to - from];
            }
            this.from = from;
            this.batch = b;
            if (!listedRows) {
                input = null;
            }
        }

        /**
         * Forward from the first layer's output, loss and backward: this shard's rows of {@code all}
         * [n, h1] (in bands of inputs, plus the second band's and the bias: {@link #prepare}), or when
         * that is null, {@code x·wᵀ + bias} for its own rows of the batch; the gradient of those rows is
         * copied into its rows of {@code firstOutGrad} [n, h1] (unless null).
         */
        void run(Mlp mlp, List<Tensor> ps, Tensor w, Tensor bias, float[] all, float[] weights, float scale, float[] firstOutGrad) {
            try (Workspace ws = space.open()) {
                runOpen(mlp, ps, w, bias, all, weights, scale, firstOutGrad);
            }
        }

        /** {@link #run}, with this shard's workspace open: none of the step's tensors outlives the next step. */
        private void runOpen(Mlp mlp, List<Tensor> ps, Tensor w, Tensor bias, float[] all, float[] weights, float scale, float[] firstOutGrad) {
            int rows = y.length, in = mlp.spec().inDim(), h1 = w.shape()[0];
            if (all != null) {
                z = firstOutput.ofLength(rows * h1);
                if (secondBand != null) {
                    InputMajor.addPartials(all, secondBand, biasData, from, from + rows, h1, z);
                } else {
                    System.arraycopy(all, from * h1, z, 0, z.length);
                }
            } else if (input != null) {
                z = F.linear(input, w, bias).data();
            } else {
                float[] own = x.ofLength(rows * in);
                System.arraycopy(batch.x().data(), from * in, own, 0, own.length);
                z = F.linear(Tensor.of(own, rows, in), w, bias).data();
            }
            System.arraycopy(batch.y(), from, y, 0, rows);
            firstOut = Workspace.leaf(z, rows, h1);
            Tensor logp = mlp.forwardFromFirstLayer(firstOut, ps);
            Tensor sum = F.nllLoss(logp, y, weights, Reduction.SUM, F.IGNORE_INDEX);
            lossSum = sum.item();
            sum.mul(scale).backward();
            Tensor ownBias = mlp.spec().bias() ? ps.get(1) : null;
            if (ownBias != null && ownBias.requiresGrad()) {
                // This shard's share of the first bias's gradient, into its own copy (reduced after).
                F.linearBiasGrad(firstOut.grad(), ownBias);
            }
            if (firstOutGrad != null) {
                System.arraycopy(firstOut.gradData(), 0, firstOutGrad, from * h1, rows * h1);
            }
            correct = correct(logp, y, 0);
        }
    }
}
