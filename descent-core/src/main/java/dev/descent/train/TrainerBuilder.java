package dev.descent.train;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.descent.data.DataLoader;
import dev.descent.data.Dataset;
import dev.descent.nn.Module;
import dev.descent.optim.Adam;
import dev.descent.optim.Optimizer;
import dev.descent.optim.schedule.LrScheduler;
import dev.descent.tensor.Generator;

/**
 * A {@link Trainer} whose every default is the tutorial's benchmark, so that only what differs is
 * said:
 *
 * <pre>{@code
 * var trainer = Trainer.builder(model, train).validation(val).build();   // Adam lr 1e-3, batch 64, 2 epochs
 * trainer.fit();                                                         // prints the [TRAIN] / [VALID] lines
 * }</pre>
 *
 * <p>Defaults: Adam (lr 1e-3, PyTorch's betas and ε, no weight decay) over the model's parameters;
 * batches of 64 shuffled by a generator seeded with {@code seed + 1} (seed 2021), no batch dropped;
 * {@link TrainConfig#tutorial 2 epochs}, a [TRAIN] line every 200 steps and a validation every 200
 * steps on 100 batches of 256; the log printed on standard output. With the model built from the
 * same seed ({@code Mlp.of(784, List.of(200, 100, 50), 10, 2021)}) and the split
 * {@code Datasets.split(mnist.train(), 2021, 50_000, 10_000)}, it is exactly {@code descent train}.
 */
public final class TrainerBuilder {

    /** The tutorial's batch size. */
    public static final int BATCH_SIZE = 64;
    /** The tutorial's seed. */
    public static final long SEED = 2021;
    /** The tutorial's number of epochs. */
    public static final int EPOCHS = 2;

    private final Module model;
    private final Dataset train;
    private Dataset validation;
    private Optimizer<?> optimizer;
    private LrScheduler scheduler;
    private int batchSize = BATCH_SIZE;
    private long seed = SEED;
    private TrainConfig config = TrainConfig.tutorial(EPOCHS);
    private PrintStream log = System.out;
    private final List<TrainListener> listeners = new ArrayList<>();

    TrainerBuilder(Module model, Dataset train) {
        this.model = Objects.requireNonNull(model, "model");
        this.train = Objects.requireNonNull(train, "train");
    }

    /** The data set validated on every {@code valFreq} steps and at the end of every epoch (default: none). */
    public TrainerBuilder validation(Dataset val) {
        this.validation = val;
        return this;
    }

    /** The optimizer, built over the model's parameters (default: Adam, lr 1e-3). */
    public TrainerBuilder optimizer(Optimizer<?> opt) {
        this.optimizer = Objects.requireNonNull(opt, "optimizer");
        return this;
    }

    /** A learning-rate schedule stepped after every optimizer step (default: none). */
    public TrainerBuilder scheduler(LrScheduler s) {
        this.scheduler = s;
        return this;
    }

    /** Examples per batch (default 64). */
    public TrainerBuilder batchSize(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("batch size must be positive, got " + n);
        }
        this.batchSize = n;
        return this;
    }

    /** Shuffling is seeded with {@code seed + 1}, as {@code descent train --seed} does (default 2021). */
    public TrainerBuilder seed(long s) {
        this.seed = s;
        return this;
    }

    /** Passes over the training set (default 2); the rest of the loop's settings stay. */
    public TrainerBuilder epochs(int n) {
        TrainConfig c = config;
        this.config = new TrainConfig(n, c.logFreq(), c.valFreq(), c.valBatches(), c.valBatchSize(), c.accumulate(),
                c.earlyStoppingPatience(), c.classWeights(), c.loss());
        return this;
    }

    /** Every setting of the loop at once (log and validation frequency, accumulation, the loss, …); clipping is a link of the optimizer's chain. */
    public TrainerBuilder config(TrainConfig c) {
        this.config = Objects.requireNonNull(c, "config");
        return this;
    }

    /** Where the [TRAIN] / [VALID] lines go (default: standard output); null for nowhere. */
    public TrainerBuilder log(PrintStream out) {
        this.log = out;
        return this;
    }

    /** Adds a listener (a metrics log, a checkpointer, a sharpness probe…). */
    public TrainerBuilder listener(TrainListener l) {
        listeners.add(Objects.requireNonNull(l, "listener"));
        return this;
    }

    /** The trainer. */
    public Trainer build() {
        Optimizer<?> opt = optimizer != null ? optimizer : Adam.adam(model.parameters(), Adam.DEFAULT_LR, 0, Adam.Options.defaults());
        DataLoader loader = new DataLoader(train, batchSize, true, false, true, new Generator(seed + 1));
        List<TrainListener> all = new ArrayList<>(listeners);
        if (log != null) {
            PrintStream out = log;
            all.add(new TrainListener() {
                /** Prints log lines only. */
                @Override
                public boolean readsModel(StepReport report) {
                    return false;
                }

                @Override
                public void onLog(String line) {
                    out.println(line);
                }
            });
        }
        return new Trainer(model, opt, scheduler, null, loader, validation, config, all);
    }
}
