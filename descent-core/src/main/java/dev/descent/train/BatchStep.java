package dev.descent.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.descent.data.Batch;
import dev.descent.nn.Mlp;
import dev.descent.nn.Module;
import dev.descent.tensor.F;
import dev.descent.tensor.Reduction;
import dev.descent.tensor.Tensor;
import dev.descent.tensor.kernel.KernelProvider;
import dev.descent.tensor.kernel.Parallel;

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
 * (on one thread the shards simply run one after the other). The first layer's weight, which holds
 * most of an MLP's parameters (157,000 of 183,000 in the benchmark model), is left out of the shards'
 * backward passes: its gradient is computed once for the whole batch from the shards' output
 * gradients ({@link F#linearWeightGrad}, split across the threads by columns), which spares
 * reducing and zeroing a second copy of it, and sums each element over the batch in row order as
 * the plain loop does. The loss of a shard is its weighted sum
 * divided by the whole batch's total weight, so the shards add up to the mean over the batch.
 *
 * <p>Other models and losses (MSE), and batches below {@link #MIN_SHARDED_BATCH} rows, run the plain
 * loop: forward, mean loss, backward (each product split across the threads by columns). Which path
 * a batch takes depends on its size only, so determinism holds either way.
 */
final class BatchStep {

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
    /** The shards' output gradients of the first layer, one after the other: [n, h1]. */
    private float[] firstOutGrad = new float[0];

    BatchStep(Module model) {
        this.model = model;
        this.mlp = SHARDED && model instanceof Mlp m ? m : null;
        this.params = model.parameters();
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
        int n = b.size();
        if (mlp == null || loss != Loss.NLL || n < MIN_SHARDED_BATCH) {
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
        int half = (n + 1) / 2;
        shards[0].prepare(b, 0, half);
        shards[1].prepare(b, half, n);
        Parallel.run(2, s -> shards[s].run(mlp, s == 0 ? shard0 : replicas, weights, scale));
        Tensor w0 = params.get(0);
        if (w0.requiresGrad()) {
            float[] g0 = shards[0].firstOut.gradData(), g1 = shards[1].firstOut.gradData();
            if (firstOutGrad.length != g0.length + g1.length) {
                firstOutGrad = new float[g0.length + g1.length];
            }
            System.arraycopy(g0, 0, firstOutGrad, 0, g0.length);
            System.arraycopy(g1, 0, firstOutGrad, g0.length, g1.length);
            int inDim = mlp.spec().inDim();
            F.linearWeightGrad(Tensor.of(firstOutGrad, n, w0.shape()[0]), b.x().view(n, inDim), w0);
        }
        reduceGradients();
        return new Outcome((float) ((shards[0].lossSum + shards[1].lossSum) / total), shards[0].correct + shards[1].correct);
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

    /** The boundary between the two halves of a range, at a multiple of 64 so that vector loops cover the same elements whatever the split. */
    private static int cut(int len, int t) {
        return t == 0 ? 0 : t == 2 ? len : Math.min(len, (len / 2 + 63) / 64 * 64);
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

    /** One shard's input buffers (reused from step to step) and results. */
    private static final class Shard {
        private float[] x = new float[0];
        private int[] y = new int[0];
        private int[] shape;
        private int from;
        private Batch batch;
        /** The first layer's output of the last run, holding its gradient after backward. */
        Tensor firstOut;
        double lossSum;
        int correct;

        void prepare(Batch b, int from, int to) {
            int rows = to - from, row = b.x().numel() / b.size();
            if (y.length != rows || x.length != rows * row) {
                x = new float[rows * row];
                y = new int[rows];
            }
            int[] s = b.x().shape();
            s[0] = rows;
            shape = s;
            this.from = from;
            this.batch = b;
        }

        void run(Mlp mlp, List<Tensor> ps, float[] weights, float scale) {
            int row = x.length / y.length;
            System.arraycopy(batch.x().data(), from * row, x, 0, x.length);
            System.arraycopy(batch.y(), from, y, 0, y.length);
            // The first layer by hand, its weight without a gradient; its output keeps the gradient
            // (a leaf when nothing before it records one: no bias, or a frozen one).
            Tensor z = F.linear(Tensor.of(x, shape).view(y.length, mlp.spec().inDim()), ps.get(0), mlp.spec().bias() ? ps.get(1) : null);
            firstOut = z.requiresGrad() ? z.retainGrad() : z.detach().requiresGrad(true);
            Tensor logp = mlp.forwardFromFirstLayer(firstOut, ps);
            Tensor sum = F.nllLoss(logp, y, weights, Reduction.SUM, F.IGNORE_INDEX);
            lossSum = sum.item();
            sum.mul(scale).backward();
            correct = correct(logp, y, 0);
        }
    }
}
