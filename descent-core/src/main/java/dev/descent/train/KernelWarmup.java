package dev.descent.train;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.descent.data.DataLoader;
import dev.descent.data.Dataset;
import dev.descent.data.Datasets;
import dev.descent.data.TensorDataset;
import dev.descent.nn.Mlp;
import dev.descent.nn.MlpSpec;
import dev.descent.optim.Optimizer;
import dev.descent.tensor.Generator;
import dev.descent.tensor.Tensor;

/**
 * Trains a throw-away copy of the model's architecture on synthetic data, so that the JIT compiles
 * the training step (kernels, data-parallel step, the optimizer's update) and the validation pass
 * before the real first epoch: until C2 has compiled them, the Vector API's kernels run many times
 * slower, which made a first epoch 1.5–4× a warm one. {@link #start} runs it on a background thread
 * while the caller loads the data set; {@link #close} then waits until it has settled (or a time
 * budget is spent).
 *
 * <p>It runs what a real run runs: a training split and a validation split of one data set
 * ({@link Datasets#split}), the run's loss, class weights, validation batch size and optimizer, and a
 * validation pass in every block of steps. A validation first seen only in the real run (no graph
 * recorded, other product shapes) made the JIT throw away compiled step code there and compile it
 * again, mid-epoch.
 *
 * <p>It owns its model, optimizer, data and generators, and the kernels compute the same values
 * whatever thread runs them, so a run's results are bit-identical with and without a warm-up.
 */
public final class KernelWarmup implements AutoCloseable {

    /** System property that turns the warm-up off ({@code descent.warmup=false}), to measure what it saves. */
    public static final String PROPERTY = "descent.warmup";

    /** The warm-up never holds a run back longer than this. */
    static final long BUDGET_NANOS = 8_000_000_000L;
    /** Steps per timing block; one synthetic epoch, so that every block holds one validation. */
    static final int BLOCK = 25;
    static final int MIN_STEPS = 150;
    /** Batches per synthetic validation, of the run's validation batch size: more than one, as in a real validation. */
    private static final int VAL_BATCHES = 2;

    private final Thread thread;
    private final Trainer trainer;
    private final long deadline;
    private volatile int steps;

    private KernelWarmup(MlpSpec spec, int batchSize, TrainConfig run, Function<Map<String, Tensor>, Optimizer<?>> optimizer) {
        int batch = Math.max(BatchStep.MIN_SHARDED_BATCH, Math.min(batchSize, 64));
        int valBatch = run.valBatchSize();
        Generator g = new Generator(12345);
        int nTrain = BLOCK * batch, nVal = VAL_BATCHES * valBatch, n = nTrain + nVal;
        float[] x = new float[n * spec.inDim()];
        int[] y = new int[n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) g.nextDouble();
        }
        for (int i = 0; i < n; i++) {
            y[i] = g.nextInt(spec.outDim());
        }
        List<Dataset> parts = Datasets.split(new TensorDataset(Tensor.of(x, n, spec.inDim()), y, spec.outDim()), 3, nTrain, nVal);
        Mlp model = new Mlp(spec, new Generator(1));
        Optimizer<?> opt = optimizer.apply(model.namedParameters());
        DataLoader loader = new DataLoader(parts.get(0), batch, true, false, true, new Generator(2));
        TrainConfig cfg = new TrainConfig(1_000_000, Integer.MAX_VALUE, BLOCK, VAL_BATCHES, valBatch, 1, 0, run.classWeights(), run.loss());
        this.trainer = new Trainer(model, opt, null, null, loader, parts.get(1), cfg, List.of(new Settle()));
        this.deadline = System.nanoTime() + BUDGET_NANOS;
        this.thread = new Thread(trainer::fit, "descent-warmup");
        thread.setDaemon(true);
    }

    /**
     * Starts warming the training step of {@code spec} at (up to) {@code batchSize} and the
     * validation pass of {@code run} on a background thread, with an optimizer made by
     * {@code optimizer} for the warm-up's own (named) parameters; when {@code descent.warmup=false}, does
     * nothing and {@link #close} returns at once.
     */
    public static KernelWarmup start(MlpSpec spec, int batchSize, TrainConfig run, Function<Map<String, Tensor>, Optimizer<?>> optimizer) {
        KernelWarmup w = new KernelWarmup(spec, batchSize, run, optimizer);
        if (!"false".equalsIgnoreCase(System.getProperty(PROPERTY, "").trim())) {
            w.thread.start();
        }
        return w;
    }

    /** Steps taken so far. */
    public int steps() {
        return steps;
    }

    /** Validations the warm-up has run so far (valid once it has stopped). */
    int validations() {
        return trainer.history().valIdx().length;
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

    /**
     * Whether a warm-up has settled after {@code step} steps: at least {@link #MIN_STEPS}, the last
     * block no slower than 1.15× the fastest so far, and no compilation finished by the JIT during
     * the last two blocks ({@code compileMillis} of each, -1 where the JVM does not say). A fast
     * block alone was not enough: the step's driver code (the optimizer's update, the batch step)
     * runs a few times per step, so C2 compiled it hundreds of steps into the real epoch, while the
     * kernels' inner loops, compiled early, already made the blocks look settled.
     */
    static boolean settled(int step, long blockNanos, long bestNanos, long compileMillis, long previousCompileMillis) {
        boolean quiet = compileMillis <= 0 && previousCompileMillis <= 0;
        return step >= MIN_STEPS && blockNanos <= bestNanos * 1.15 && quiet;
    }

    /** Stops the loop once {@link #settled}, or at the deadline. */
    private final class Settle implements TrainListener {
        private final CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        private final boolean jitTimed = jit != null && jit.isCompilationTimeMonitoringSupported();
        private long blockStart = System.nanoTime();
        private long best = Long.MAX_VALUE;
        private long compiled = compileMillis();
        private long lastDelta = Long.MAX_VALUE;

        private long compileMillis() {
            return jitTimed ? jit.getTotalCompilationTime() : 0;
        }

        @Override
        public void onStep(Trainer t, StepReport r) {
            steps = r.step();
            if (r.step() % BLOCK != 0) {
                return;
            }
            long now = System.nanoTime(), block = now - blockStart;
            blockStart = now;
            best = Math.min(best, block);
            long c = compileMillis(), delta = jitTimed ? c - compiled : -1;
            compiled = c;
            boolean done = settled(r.step(), block, best, delta, lastDelta);
            lastDelta = delta;
            if (done || now > deadline) {
                t.requestStop();
            }
        }
    }
}
