package dev.descent.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.descent.data.DataLoader;
import dev.descent.data.Dataset;
import dev.descent.data.Datasets;
import dev.descent.data.TensorDataset;
import dev.descent.io.Directories;
import dev.descent.io.InputException;
import dev.descent.nn.Activation;
import dev.descent.nn.Linear;
import dev.descent.nn.Mlp;
import dev.descent.nn.MlpSpec;
import dev.descent.optim.Optimizer;
import dev.descent.tensor.Generator;
import dev.descent.tensor.Grad;
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
 * <p>The run's last batch of an epoch, and of a validation, is usually shorter than the others
 * (50,000 MNIST examples at batch 64 leave 16; 10,000 at 256 leave 16). Shapes the warm-up never
 * ran took branches C2 had compiled as never taken: the kernels and the batch step were thrown
 * away and compiled again during the first epoch, and the compilations took CPU from the step's two
 * threads; so did the optimizer's first step, which creates its state. So once the data has loaded,
 * {@link #expect} gives the run's sizes, and the warm-up starts over with a fresh model and
 * optimizer on synthetic sets that end in batches of those same short sizes.
 *
 * <p>While it still waits for the run's sizes after its first trainer has settled, it trains a model
 * whose hidden layers are sparse ({@link #sparsifyHidden}), so that the sparse kernels run at the
 * hidden layers' sizes too: a run's hidden layers become sparse as it trains, and the first batch
 * that took those kernels, epochs into a run, threw the compiled kernels away
 * (docs/PERFORMANCE.md, section 24). The run does not wait for this trainer.
 *
 * <p>A caller that will train with several optimizers one after the other ({@code compare}, a
 * study whose trials choose among optimizers) gives them all: after the run's sizes are known, each
 * in turn gets a fresh trainer until it has settled, and the first one more ({@link #rounds}).
 * Warmed with the first alone, the second optimizer's update (and the step's calls into it, which
 * C2 had compiled for the first one's classes only) compiled during its own first epoch, whose time
 * then counted against it.
 *
 * <p>A caller gives the run's listeners too ({@link RunListeners}): each warm-up trainer runs
 * listeners of the same kinds, writing under a scratch directory of the warm-up's own. The run's
 * first checkpoint otherwise loaded its classes, linked its lambdas and generated its method
 * handles' classes at the first validation, and the JIT's compilations that this set off (the
 * class-file generator's alone took 55 ms of C2) ran on the step's two cores through the next
 * hundred steps; and the trainer's calls into its listeners, compiled for the warm-up's one
 * listener, were thrown away at the run's first step (docs/PERFORMANCE.md, section 23).
 *
 * <p>It owns its model, optimizer, data, generators and scratch directory, and the kernels compute
 * the same values whatever thread runs them, so a run's results are bit-identical with and without
 * a warm-up.
 */
public final class KernelWarmup implements AutoCloseable {

    /** System property that turns the warm-up off ({@code descent.warmup=false}), to measure what it saves. */
    public static final String PROPERTY = "descent.warmup";

    /** The warm-up never holds a run back longer than this. */
    static final long BUDGET_NANOS = 8_000_000_000L;
    /** Time allowed for the warm-up with the run's tails, counted from {@link #expect} (data that took long to load used up the first budget). */
    static final long TAILS_BUDGET_NANOS = 4_000_000_000L;
    /** Time added to the tails' budget for each optimizer after the first (its own update; the kernels are compiled by then). */
    static final long PER_OPTIMIZER_NANOS = 2_000_000_000L;
    /** Steps per timing block; one synthetic epoch, so that every block holds one validation. */
    static final int BLOCK = 25;
    static final int MIN_STEPS = 150;
    /** Batches per synthetic validation, of the run's validation batch size: more than one, as in a real validation. */
    private static final int VAL_BATCHES = 2;

    /**
     * The listeners a run will have, made again for each warm-up trainer: the same kinds as the
     * run's, for the warm-up's own model and optimizer, writing only under {@code scratch}, an empty
     * directory of that trainer's inside the warm-up's scratch directory, which the warm-up deletes
     * when it ends. A checkpointing listener should save once per trainer: the first save loads and
     * compiles what the run's first checkpoint would, and later ones would spend the warm-up's time
     * on the disk.
     */
    @FunctionalInterface
    public interface RunListeners {
        /** No listeners: the warm-up's trainers have only their own timing listener. */
        RunListeners NONE = (model, optimizer, scratch) -> List.of();

        /** The listeners for one warm-up trainer of {@code model} and {@code optimizer}, writing under {@code scratch}. */
        List<TrainListener> create(Mlp model, Optimizer<?> optimizer, Path scratch);
    }

    /** The short last batches of the run's epochs and validations, in examples (0: none). */
    record Tails(int train, int val) {
        static final Tails NONE = new Tails(0, 0);
    }

    private final MlpSpec spec;
    private final int batch;
    private final int runBatch;
    private final TrainConfig run;
    private final List<Function<Map<String, Tensor>, Optimizer<?>>> optimizers;
    private final RunListeners runListeners;
    /** Where the run's listeners write during the warm-up; null when there are none, or no warm-up. */
    private final Path scratch;
    /** Trainers made so far, for their scratch directories' names. */
    private int trainersMade;
    /** The synthetic examples every trainer's sets are cut from ({@link #synthetic}). */
    private final float[] pixels;
    private final int[] labels;
    private final Thread thread;
    private final boolean enabled;
    /** Registered as a shutdown hook while the warm-up runs with a scratch directory ({@link #cleanUp}). */
    private final Thread cleanup;
    private volatile long deadline;
    /** The trainer running or last run; null when the warm-up is turned off. */
    private volatile Trainer current;
    /** The trainer with sparse hidden layers, once made ({@link #sparseTrainer}); {@link #close} stops it. */
    private volatile Trainer sparseRound;
    /** Set by {@link #expect} (guarded by this); null until then. */
    private Tails tails;
    private volatile boolean cancelled;
    /** Set by {@link #close}: no tails will come. */
    private boolean closing;
    /** Steps and validations of the trainers that have finished (the one with the run's tails follows the first). */
    private volatile int stepsBefore;
    private volatile int validationsBefore;
    private volatile int steps;

    private KernelWarmup(MlpSpec spec, int batchSize, TrainConfig run, List<Function<Map<String, Tensor>, Optimizer<?>>> optimizers,
                         RunListeners runListeners, boolean enabled) {
        if (optimizers.isEmpty()) {
            throw new IllegalArgumentException("a warm-up needs at least one optimizer");
        }
        this.spec = spec;
        this.batch = Math.max(BatchStep.MIN_SHARDED_BATCH, Math.min(batchSize, 64));
        this.runBatch = batchSize;
        this.run = run;
        this.optimizers = List.copyOf(optimizers);
        this.runListeners = runListeners;
        this.enabled = enabled;
        this.scratch = enabled && runListeners != RunListeners.NONE ? scratchDirectory() : null;
        // Enough examples for the longest sets: every tail is shorter than its batch. Turned off, it
        // makes neither them nor a trainer (140-180 ms of a cold JVM that --no-jit-warmup would spend).
        int most = enabled ? (BLOCK + 1) * batch + (VAL_BATCHES + 1) * run.valBatchSize() : 0;
        this.pixels = new float[most * spec.inDim()];
        this.labels = new int[most];
        synthetic(pixels, labels, spec);
        this.current = enabled ? trainer(Tails.NONE, 0, false) : null;
        this.deadline = System.nanoTime() + BUDGET_NANOS;
        this.thread = new Thread(this::warm, "descent-warmup");
        thread.setDaemon(true);
        this.cleanup = new Thread(this::cleanUp, "descent-warmup-cleanup");
    }

    /**
     * At the JVM's exit while the warm-up still runs (Ctrl-C while the data loads): stops it and
     * deletes its scratch directory, which the warm-up's own thread, a daemon, would not live to do.
     */
    void cleanUp() {
        cancel();
        Directories.deleteTreeQuietly(scratch);
    }

    /**
     * A trainer of a fresh model and optimizer on a synthetic training and validation set whose last
     * batches are {@code tails} long, with the optimizer made by the {@code opt}-th factory. Fresh, so
     * that the later trainers' first step creates the optimizer's state as the run's first step will:
     * code compiled during the first trainer had never seen that branch taken. With
     * {@code sparseHidden}, the model's hidden layers are made sparse ({@link #sparsifyHidden}) and
     * the optimizer's learning rate scaled by {@link #SPARSE_LR_SCALE}.
     */
    private Trainer trainer(Tails t, int opt, boolean sparseHidden) {
        Mlp model = new Mlp(spec, new Generator(1));
        if (sparseHidden) {
            sparsifyHidden(model, Tensor.of(Arrays.copyOf(pixels, CALIBRATION_ROWS * spec.inDim()), CALIBRATION_ROWS, spec.inDim()));
        }
        Optimizer<?> optimizer = optimizers.get(opt).apply(model.namedParameters());
        if (sparseHidden) {
            // The same update at a thousandth of the step: at the run's rate the hidden layers were
            // half non-zero again within 100 steps, before the JIT had profiled their sparse kernels.
            for (var group : optimizer.paramGroups()) {
                group.setLr(group.lr() * SPARSE_LR_SCALE);
            }
        }
        int valBatch = run.valBatchSize();
        int nTrain = BLOCK * batch + t.train(), nVal = VAL_BATCHES * valBatch + t.val(), n = nTrain + nVal;
        float[] x = Arrays.copyOf(pixels, n * spec.inDim());
        int[] y = Arrays.copyOf(labels, n);
        List<Dataset> parts = Datasets.split(new TensorDataset(Tensor.of(x, n, spec.inDim()), y, spec.outDim()), 3, nTrain, nVal);
        DataLoader loader = new DataLoader(parts.get(0), batch, true, false, true, new Generator(2));
        int valBatches = VAL_BATCHES + (t.val() > 0 ? 1 : 0);
        // The run's log frequency, so that the steps after which the run logs take no branch the JIT has never seen taken.
        TrainConfig cfg = new TrainConfig(1_000_000, run.logFreq(), BLOCK, valBatches, valBatch, 1, 0, run.classWeights(), run.loss());
        List<TrainListener> listeners = new ArrayList<>(listenersFor(model, optimizer));
        listeners.add(new Settle());
        return new Trainer(model, optimizer, null, null, loader, parts.get(1), cfg, listeners);
    }

    /**
     * Fills {@code x} and {@code y} with synthetic examples, once per warm-up: mostly zeros, and the
     * first and last eighth of the inputs always zero, as in images with blank borders: the GEMM
     * kernels skip packed k steps that are all zero, and a warm-up on dense inputs would leave that
     * branch unprofiled, to be compiled again mid-run on MNIST. Drawn once, not for each trainer:
     * the loop drawn again for the last trainer was compiled by C2 (on-stack replacement, 80 ms)
     * after the loop had ended, while the run's first steps ran.
     */
    private static void synthetic(float[] x, int[] y, MlpSpec spec) {
        Generator g = new Generator(12345);
        int in = spec.inDim(), border = in / 8;
        for (int i = 0; i < x.length; i++) {
            int col = i % in;
            boolean blank = col < border || col >= in - border || g.nextDouble() < 0.7;
            x[i] = blank ? 0f : (float) g.nextDouble();
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = g.nextInt(spec.outDim());
        }
    }

    /** Share of a hidden layer's outputs left non-zero by {@link #sparsifyHidden}: below the sparse kernels' 30%. */
    static final double SPARSE_HIDDEN = 0.15;
    /** The learning rate's factor in the trainer whose hidden layers are made sparse: they stay so. */
    static final double SPARSE_LR_SCALE = 1e-3;
    /** Synthetic examples the hidden layers' biases are set from. */
    private static final int CALIBRATION_ROWS = 256;

    /**
     * Lowers the biases of a fresh ReLU model's hidden layers so that about {@link #SPARSE_HIDDEN} of
     * each one's outputs on {@code x} are non-zero, layer after layer (each bias by the same amount,
     * the layer's pre-activations' matching quantile). The warm-up's sparse round runs on such a model.
     *
     * <p>Why: a layer's input at most 30% non-zero goes to the sparse kernels (SparseGemm), and a
     * fresh model's hidden layers are half non-zero. A run's hidden layers become sparser as it
     * trains, and the first batch whose hidden outputs crossed the 30% (in the benchmark's runs, in
     * the fifth to tenth epoch) took the sparse kernels at the hidden layers' sizes for the first time:
     * branches the JIT had compiled as never taken threw the kernels away, and compiling them again
     * took 300–400 ms of C2 time on the step's cores (docs/PERFORMANCE.md, section 24).
     */
    static void sparsifyHidden(Mlp model, Tensor x) {
        MlpSpec spec = model.spec();
        if (spec.activation() != Activation.RELU || !spec.bias()) {
            return;
        }
        List<Linear> layers = model.linears();
        try (Grad.Scope off = Grad.off()) {
            Tensor h = x;
            for (int i = 0; i + 1 < layers.size(); i++) {
                Linear layer = layers.get(i);
                float[] z = layer.forward(h).toArray();
                Arrays.sort(z);
                float cut = z[(int) ((1 - SPARSE_HIDDEN) * (z.length - 1))];
                float[] b = layer.bias().data();
                for (int j = 0; j < b.length; j++) {
                    b[j] -= cut;
                }
                h = layer.forward(h).relu();
            }
        }
    }

    /** A new temporary directory for the run's listeners to write in, or null if the system has none to give. */
    private static Path scratchDirectory() {
        try {
            return Files.createTempDirectory("descent-warmup-");
        } catch (IOException | UnsupportedOperationException e) {
            return null; // the warm-up goes on without the run's listeners
        }
    }

    /** The run's listeners for a new trainer, in a scratch directory of its own; none without a scratch directory. */
    private List<TrainListener> listenersFor(Mlp model, Optimizer<?> optimizer) {
        if (scratch == null) {
            return List.of();
        }
        try {
            return runListeners.create(model, optimizer, Files.createDirectory(scratch.resolve("trainer-" + trainersMade++)));
        } catch (IOException | UncheckedIOException | InputException e) {
            // A scratch directory that cannot be made or written (a full disk, say): this trainer
            // warms without the run's listeners; the run reports trouble with its own directory itself.
            return List.of();
        }
    }

    /**
     * The thread's work: the warm-up on evenly divided sets with the first optimizer, then, once
     * {@link #expect} has given them, with the run's tails and each optimizer in turn, and last a
     * fresh trainer with the first optimizer again ({@link #rounds}).
     */
    private void warm() {
        try {
            Trainer done = current;
            done.fit();
            Trainer sparse = sparseTrainer();
            if (sparse != null) {
                sparse.fit();
                done = sparse;
            }
            Tails t = awaitTails();
            for (int r = 0; r < rounds(optimizers.size()) && t != null; r++) {
                int i = r % optimizers.size();
                if (cancelled || System.nanoTime() >= deadline) {
                    return;
                }
                retire(done);
                Trainer next = trainer(t, i, false);
                current = next;
                // cancel() stops whichever trainer it finds; one stopped before fit() returns at once.
                if (cancelled) {
                    return;
                }
                next.fit();
                done = next;
            }
        } catch (UncheckedIOException e) {
            // The run's listeners could not write in the scratch directory (a full disk, say): the
            // warm-up ends there; the run reports trouble with its own directory itself.
        } finally {
            Directories.deleteTreeQuietly(scratch);
            if (scratch != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(cleanup);
                } catch (IllegalStateException exiting) {
                    // the JVM is exiting: the hook runs, and finds nothing left to delete
                }
            }
        }
    }

    /** Counts a trainer that has stopped, before the next one replaces it as the current one. */
    private void retire(Trainer done) {
        stepsBefore += done.step();
        validationsBefore += done.history().valIdx().length;
    }

    /**
     * After the first trainer has stopped: a trainer whose hidden layers are sparse
     * ({@link #sparsifyHidden}), made the current one, when the run's sizes have not come yet (the
     * warm-up is waiting for its data); otherwise null. Under the lock, so that {@link #expect} stops
     * it if it comes after.
     */
    private synchronized Trainer sparseTrainer() {
        if (tails != null || cancelled || closing) {
            return null;
        }
        retire(current);
        sparseRound = trainer(Tails.NONE, 0, true);
        current = sparseRound;
        return sparseRound;
    }

    /**
     * Trainers the warm-up runs with the run's tails, for {@code optimizers} optimizers: one each, then
     * one more with the first. The run's first step creates the optimizer's state, a branch that a
     * trainer's first step takes while the optimizer's step is still interpreted or in C1's code; C2
     * compiles that step later in the trainer, from a profile that never saw the branch taken. When
     * the warm-up ended with the trainers of the run's optimizers, the run's first step met that
     * compiled code, which was thrown away there ({@code Chain.step}: "made not entrant: uncommon
     * trap") and ran in C1's code until C2 had compiled it again, 57–114 ms into the run: the first
     * 250 steps of a one-epoch run took 600–780 µs against 320–350 after (docs/PERFORMANCE.md,
     * section 18). The last trainer's first step now meets that compiled code inside the warm-up,
     * which settles again after it.
     */
    static int rounds(int optimizers) {
        return optimizers + 1;
    }

    /** After the first trainer has stopped (settled, or stopped by {@link #expect}): the run's tails, or null when none will come. */
    private synchronized Tails awaitTails() {
        try {
            while (tails == null && !cancelled && !closing) {
                wait();
            }
        } catch (InterruptedException e) {
            return null;
        }
        return tails;
    }

    /**
     * Starts warming the training step of {@code spec} at (up to) {@code batchSize} and the
     * validation pass of {@code run} on a background thread, with an optimizer made by
     * {@code optimizer} for the warm-up's own (named) parameters; when {@code descent.warmup=false}, does
     * nothing and {@link #close} returns at once.
     */
    public static KernelWarmup start(MlpSpec spec, int batchSize, TrainConfig run, Function<Map<String, Tensor>, Optimizer<?>> optimizer) {
        return start(spec, batchSize, run, List.of(optimizer));
    }

    /**
     * The same for runs that will train with several optimizers, in this order: the first warms the
     * step, and once {@link #expect} has given the run's sizes each gets a fresh trainer of its own
     * until it has settled ({@link #PER_OPTIMIZER_NANOS} more budget for each after the first), and
     * the first a fresh trainer once more ({@link #rounds}).
     *
     * @throws IllegalArgumentException if {@code optimizers} is empty
     */
    public static KernelWarmup start(MlpSpec spec, int batchSize, TrainConfig run, List<Function<Map<String, Tensor>, Optimizer<?>>> optimizers) {
        return start(spec, batchSize, run, optimizers, RunListeners.NONE);
    }

    /**
     * The same, each warm-up trainer running the run's listeners too, made by {@code listeners} for
     * it ({@link RunListeners}).
     *
     * @throws IllegalArgumentException if {@code optimizers} is empty
     */
    public static KernelWarmup start(MlpSpec spec, int batchSize, TrainConfig run, List<Function<Map<String, Tensor>, Optimizer<?>>> optimizers,
                                     RunListeners listeners) {
        return start(spec, batchSize, run, optimizers, listeners, enabledByDefault());
    }

    /**
     * The same, turned on or off by the caller rather than by {@code descent.warmup}: turned off
     * ({@code enabled} false), it starts nothing, {@link #expect} and {@link #close} return at once and
     * {@link #enabled} says so. Off, a run starts sooner and its first epoch pays for the JIT instead;
     * on two cores the warm-up waited longer than the JIT's work inside that epoch took
     * (docs/PERFORMANCE.md, section 29).
     *
     * @throws IllegalArgumentException if {@code optimizers} is empty
     */
    public static KernelWarmup start(MlpSpec spec, int batchSize, TrainConfig run, List<Function<Map<String, Tensor>, Optimizer<?>>> optimizers,
                                     RunListeners listeners, boolean enabled) {
        KernelWarmup w = new KernelWarmup(spec, batchSize, run, optimizers, listeners, enabled);
        if (enabled) {
            if (w.scratch != null) {
                Runtime.getRuntime().addShutdownHook(w.cleanup);
            }
            w.thread.start();
        }
        return w;
    }

    /** Whether the warm-up is on unless a caller says otherwise: yes, but for {@code -Ddescent.warmup=false} ({@link #PROPERTY}). */
    public static boolean enabledByDefault() {
        return !"false".equalsIgnoreCase(System.getProperty(PROPERTY, "").trim());
    }

    /** Whether this warm-up runs: false when it was turned off, and {@link #close} then returns at once. */
    public boolean enabled() {
        return enabled;
    }

    /**
     * The run's data has loaded: {@code trainExamples} to train on, {@code valExamples} to validate on
     * (0 for none). The warm-up starts over with a fresh model and optimizer (each of the run's
     * optimizers in turn) on sets that end in
     * batches of the sizes the run's do (the training one only when the warm-up runs at the run's
     * batch size, at most 64), so that the run's first epoch meets no shape, and its first step no
     * branch, that the JIT has not seen. Without this call the warm-up stays on its first sets.
     *
     * @throws IllegalArgumentException if a count is negative
     */
    public void expect(int trainExamples, int valExamples) {
        if (trainExamples < 0 || valExamples < 0) {
            throw new IllegalArgumentException("example counts must be >= 0, got " + trainExamples + " and " + valExamples);
        }
        Tails t = tails(trainExamples, valExamples, batch, runBatch, run);
        synchronized (this) {
            if (tails != null) {
                return;
            }
            // Under the lock: until tails is set, the thread cannot have made a trainer with the
            // tails, so the one stopped here is the first or the sparse one (sparseTrainer).
            deadline = Math.max(deadline, System.nanoTime() + TAILS_BUDGET_NANOS + (optimizers.size() - 1) * PER_OPTIMIZER_NANOS);
            if (current != null) {
                current.requestStop();
            }
            tails = t;
            notifyAll();
        }
    }

    /** The short batches a run of these sizes ends its epochs and validations with, as far as the warm-up can run them. */
    static Tails tails(int trainExamples, int valExamples, int warmupBatch, int runBatch, TrainConfig run) {
        int train = warmupBatch == runBatch ? trainExamples % runBatch : 0;
        int valBatch = run.valBatchSize();
        // A validation that stops before the end of the set (--val-batches) never reaches its short batch.
        boolean reachesEnd = run.valFreq() > 0 && (long) run.valBatches() * valBatch >= valExamples;
        int val = reachesEnd ? valExamples % valBatch : 0;
        return new Tails(train, val);
    }

    /** Steps taken so far. */
    public int steps() {
        return steps;
    }

    /** Validations the warm-up has run so far (valid once it has stopped). */
    int validations() {
        return validationsBefore + (current == null ? 0 : current.history().valIdx().length);
    }

    /**
     * Stops the warm-up: the run will not start (its data did not load), and its error should not
     * wait. Waits only until the warm-up's trainer has stopped at its next step and its scratch
     * directory is deleted (at most a second), so that nothing of it is left behind.
     */
    public void cancel() {
        cancelled = true;
        synchronized (this) {
            notifyAll();
        }
        if (current != null) {
            current.requestStop();
        }
        if (thread.isAlive() && thread != Thread.currentThread()) {
            try {
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits until the step time has settled or the budget is spent, then stops the warm-up. */
    @Override
    public void close() {
        synchronized (this) {
            closing = true;
            notifyAll();
            // Only the run's later epochs need it: the run does not wait for it to settle.
            if (current == sparseRound && current != null) {
                current.requestStop();
            }
        }
        if (!thread.isAlive()) {
            return;
        }
        try {
            thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            cancel();
        } catch (InterruptedException e) {
            cancel();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Whether a warm-up has settled after {@code step} steps: at least {@link #MIN_STEPS}, the last
     * block no slower than 1.15× the fastest so far, no compilation finished by the JIT during
     * the last two blocks ({@code compileMillis} of each, -1 where the JVM does not say), and its
     * compiler threads idle through the last block ({@code compilerTicks} of CPU, -1 where the
     * system does not say). A fast block alone was not enough: the step's driver code (the
     * optimizer's update, the batch step) runs a few times per step, so C2 compiled it hundreds of
     * steps into the real epoch, while the kernels' inner loops, compiled early, already made the
     * blocks look settled. Nor were two blocks without a finished compilation: one long C2
     * compilation spans several, and the warm-up stopped inside it.
     */
    static boolean settled(int step, long blockNanos, long bestNanos, long compileMillis, long previousCompileMillis, long compilerTicks) {
        boolean quiet = compileMillis <= 0 && previousCompileMillis <= 0 && compilerTicks <= 0;
        return step >= MIN_STEPS && blockNanos <= bestNanos * 1.15 && quiet;
    }

    /** Stops the loop once {@link #settled}, or at the deadline. */
    private final class Settle implements TrainListener {
        private final CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        private final boolean jitTimed = jit != null && jit.isCompilationTimeMonitoringSupported();
        private long compilerTicks = JitActivity.compilerTicks();
        private long blockStart = System.nanoTime();
        private long best = Long.MAX_VALUE;
        private long compiled = compileMillis();
        private long lastDelta = Long.MAX_VALUE;

        private long compileMillis() {
            return jitTimed ? jit.getTotalCompilationTime() : 0;
        }

        /**
         * After each validation, where a run's checkpoints read the model: the warm-up's own
         * checkpointer saves only once per trainer, and the step compiled from a profile that never
         * saw a listener read the model was thrown away at the next trainer's save (an uncommon trap
         * on {@code readsModel}), and compiled again during the run's first epoch (40 ms of C2). The
         * validation has just restored the model's layout, so reading it costs nothing more.
         */
        @Override
        public boolean readsModel(StepReport report) {
            return report.validation() != null;
        }

        @Override
        public void onStep(Trainer t, StepReport r) {
            steps = stepsBefore + r.step();
            if (r.step() % BLOCK != 0) {
                return;
            }
            long now = System.nanoTime(), block = now - blockStart;
            blockStart = now;
            best = Math.min(best, block);
            long c = compileMillis(), delta = jitTimed ? c - compiled : -1;
            compiled = c;
            long ticks = JitActivity.compilerTicks();
            long busy = ticks >= 0 && compilerTicks >= 0 ? ticks - compilerTicks : -1;
            compilerTicks = ticks;
            boolean done = settled(r.step(), block, best, delta, lastDelta, busy);
            lastDelta = delta;
            if (done || now > deadline) {
                t.requestStop();
            }
        }
    }
}
