package dev.descent.train;

import java.util.List;

import dev.descent.data.DataLoader;
import dev.descent.data.TensorDataset;
import dev.descent.nn.Mlp;
import dev.descent.nn.MlpSpec;
import dev.descent.optim.Adam;
import dev.descent.optim.Optimizer;
import dev.descent.tensor.Generator;
import dev.descent.tensor.Tensor;

/**
 * Trains a throw-away copy of the model's architecture on synthetic data, so that the JIT compiles
 * the training step (kernels, data-parallel step, Adam) before the real first epoch: until C2 has
 * compiled them, the Vector API's kernels run many times slower, which made a first epoch 1.5–4×
 * a warm one. {@link #start} runs it on a background thread while the caller loads the data set;
 * {@link #close} then waits until the step time has settled (or a time budget is spent).
 *
 * <p>It owns its model, optimizer, data and generators, and the kernels compute the same values
 * whatever thread runs them, so a run's results are bit-identical with and without a warm-up.
 */
public final class KernelWarmup implements AutoCloseable {

    /** System property that turns the warm-up off ({@code descent.warmup=false}), to measure what it saves. */
    public static final String PROPERTY = "descent.warmup";

    /** The warm-up never holds a run back longer than this. */
    static final long BUDGET_NANOS = 8_000_000_000L;
    /** Steps per timing block; warm when a block is no slower than 1.15× the fastest one so far. */
    private static final int BLOCK = 25;
    private static final int MIN_STEPS = 150;

    private final Thread thread;
    private final Trainer trainer;
    private final long deadline;
    private volatile int steps;

    private KernelWarmup(MlpSpec spec, int batchSize) {
        int batch = Math.max(BatchStep.MIN_SHARDED_BATCH, Math.min(batchSize, 64));
        Generator g = new Generator(12345);
        int n = 4 * batch;
        float[] x = new float[n * spec.inDim()];
        int[] y = new int[n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) g.nextDouble();
        }
        for (int i = 0; i < n; i++) {
            y[i] = g.nextInt(spec.outDim());
        }
        Mlp model = new Mlp(spec, new Generator(1));
        Optimizer<Adam.Options> opt = Adam.adam(model.parameters(), 1e-3, 0, Adam.Options.defaults());
        DataLoader loader = new DataLoader(new TensorDataset(Tensor.of(x, n, spec.inDim()), y, spec.outDim()), batch, true, false, true, new Generator(2));
        TrainConfig cfg = new TrainConfig(1_000_000, Integer.MAX_VALUE, 0, 1, batch, 1, 0, null);
        this.trainer = new Trainer(model, opt, null, null, loader, null, cfg, List.of(new Settle()));
        this.deadline = System.nanoTime() + BUDGET_NANOS;
        this.thread = new Thread(trainer::fit, "descent-warmup");
        thread.setDaemon(true);
    }

    /**
     * Starts warming the training step of {@code spec} at (up to) {@code batchSize} on a background
     * thread; when {@code descent.warmup=false}, does nothing and {@link #close} returns at once.
     */
    public static KernelWarmup start(MlpSpec spec, int batchSize) {
        KernelWarmup w = new KernelWarmup(spec, batchSize);
        if (!"false".equalsIgnoreCase(System.getProperty(PROPERTY, "").trim())) {
            w.thread.start();
        }
        return w;
    }

    /** Runs a warm-up on the calling thread until it settles (for recording the JVM's AOT cache). */
    public static int run(MlpSpec spec, int batchSize) {
        KernelWarmup w = new KernelWarmup(spec, batchSize);
        w.trainer.fit();
        return w.steps;
    }

    /** Steps taken so far. */
    public int steps() {
        return steps;
    }

    /** Stops the warm-up without waiting for it: the run will not start (its data did not load), and its error should not wait. */
    public void cancel() {
        trainer.requestStop();
    }

    /** Waits until the step time has settled or the budget is spent, then stops the warm-up. */
    @Override
    public void close() {
        if (!thread.isAlive()) {
            return;
        }
        try {
            thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            trainer.requestStop();
            thread.join(1000);
        } catch (InterruptedException e) {
            trainer.requestStop();
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the loop once the last block was as fast as the best one (the JIT has caught up), or at the deadline. */
    private final class Settle implements TrainListener {
        private long blockStart = System.nanoTime();
        private long best = Long.MAX_VALUE;

        @Override
        public void onStep(Trainer t, StepReport r) {
            steps = r.step();
            if (r.step() % BLOCK != 0) {
                return;
            }
            long now = System.nanoTime(), block = now - blockStart;
            blockStart = now;
            best = Math.min(best, block);
            boolean settled = r.step() >= MIN_STEPS && block <= best * 1.15;
            if (settled || now > deadline) {
                t.requestStop();
            }
        }
    }
}
