package dev.descent.train;

import java.util.Iterator;
import java.util.List;
import java.util.Locale;

import dev.descent.data.Batch;
import dev.descent.data.DataLoader;
import dev.descent.io.InputException;
import dev.descent.data.Dataset;
import dev.descent.nn.Module;
import dev.descent.optim.Optimizer;
import dev.descent.optim.schedule.LrScheduler;
import dev.descent.optim.schedule.ReduceLrOnPlateau;
import dev.descent.tensor.Tensor;
import dev.descent.tensor.Workspace;
import dev.descent.tensor.kernel.Parallel;

/**
 * The tutorial's training loop: for every epoch, for every shuffled batch — zero the gradients,
 * forward, the loss ({@code nll_loss}, or {@code mse_loss} on one-hot targets), backward, step — recording the loss and accuracy of every step and,
 * every {@code valFreq} steps and at the end of every epoch, an estimate on {@code valBatches}
 * validation batches.
 *
 * <p>Around that core: gradient accumulation over k batches (loss scaled by 1/k), an LR schedule
 * stepped after each optimizer step, ReduceLROnPlateau and early
 * stopping on validation loss, a stop with a clear message when the loss becomes NaN or infinite,
 * and {@link #requestStop()} for an orderly interruption at the next batch boundary. Clipping is a
 * link of the optimizer's chain. The optimizer is put in train mode before every step and in eval
 * mode to validate and when the loop ends, so a Schedule-Free optimizer trains on its y sequence
 * and is evaluated (and checkpointed) at x. Its
 * {@link #state()} with the model, optimizer and history is everything needed to resume bit-exactly.
 */
public final class Trainer {

    private final Module model;
    private final Optimizer<?> optimizer;
    private final LrScheduler scheduler;
    private final ReduceLrOnPlateau plateau;
    private final DataLoader loader;
    private final Dataset val;
    private final TrainConfig cfg;
    private final List<TrainListener> listeners;
    private final History history = new History();
    /** Forward, loss and backward of a batch (data-parallel shards for an MLP). */
    private final BatchStep batchStep;

    private int step;
    private int epoch;
    private int batchInEpoch;
    private long[] epochStartGen;
    /** The epoch whose start {@link #epochStartGen} is. */
    private int epochStartGenEpoch = -1;
    private double bestVal = Double.POSITIVE_INFINITY;
    private int badValidations;
    private double trainSeconds;
    /** The validations' arrays, kept from one validation to the next ({@link Evaluator}). */
    private final Workspace validationSpace = new Workspace();
    private long examples;
    private volatile boolean stopRequested;
    /** The epoch's next batch, drawn during the current step (or null: drawn when needed). */
    private Batch ahead;
    /** The epoch's batches, which {@link #drawAhead} draws from. */
    private Iterator<Batch> pass;
    /** Draws {@link #ahead}: one object for the run rather than a lambda per step. */
    private final Runnable drawAhead = () -> ahead = pass.next();
    /** Whether every gradient is already zero (the last update zeroed them), so the next step need not. */
    private boolean gradsZeroed;
    /**
     * The last step after which something outside the step read the model (a validation, a listener):
     * the step after it runs in the model's layout ({@link BatchStep#run}), so that a reader at every
     * step never has the first layer's weight moved back and forth ({@link InputMajorLayout}).
     */
    private int modelReadAt = -1;

    /**
     * A trainer of {@code model} with {@code optimizer} on the batches of {@code loader}.
     *
     * @param scheduler a per-step LR schedule, or null
     * @param plateau   a plateau schedule fed with the validation loss, or null
     * @param val       the validation set, or null
     */
    public Trainer(Module model, Optimizer<?> optimizer, LrScheduler scheduler, ReduceLrOnPlateau plateau,
                   DataLoader loader, Dataset val, TrainConfig cfg, List<TrainListener> listeners) {
        this.model = model;
        this.optimizer = optimizer;
        this.scheduler = scheduler;
        this.plateau = plateau;
        this.loader = loader;
        this.val = val;
        this.cfg = cfg;
        this.listeners = List.copyOf(listeners);
        this.batchStep = new BatchStep(model, optimizer);
    }

    /**
     * A builder whose defaults are the tutorial's benchmark (Adam lr 1e-3, batch 64, 2 epochs, seed
     * 2021, log and validation every 200 steps): see {@link TrainerBuilder}.
     */
    public static TrainerBuilder builder(Module model, Dataset train) {
        return new TrainerBuilder(model, train);
    }

    /** The recorded metrics. */
    public History history() {
        return history;
    }

    /** The model being trained. */
    public Module model() {
        return model;
    }

    /** The optimizer. */
    public Optimizer<?> optimizer() {
        return optimizer;
    }

    /** The settings. */
    public TrainConfig config() {
        return cfg;
    }

    /** Steps taken so far. */
    public int step() {
        return step;
    }

    /** Total steps of the whole run. */
    public int totalSteps() {
        return cfg.epochs() * loader.numBatches();
    }

    /** Asks the loop to stop at the next batch boundary (safe to call from another thread). */
    public void requestStop() {
        stopRequested = true;
    }

    /** Where the run stands (valid between steps, e.g. in {@link TrainListener#onStep}). */
    public TrainerState state() {
        return new TrainerState(step, epoch, batchInEpoch, epochStartGen == null ? null : epochStartGen.clone(),
                scheduler == null ? 0 : scheduler.lastEpoch(), plateau == null ? null : plateau.state(),
                bestVal, badValidations, trainSeconds, examples);
    }

    /**
     * Continues from a saved state; the model and optimizer must have been restored already.
     *
     * @throws InputException naming the field of a saved state that does not fit this run (another
     *                        epoch count or batch size, a damaged file)
     */
    public void restore(TrainerState s, History saved) {
        check(s, saved);
        step = s.step();
        epoch = s.epoch();
        batchInEpoch = s.batchInEpoch();
        epochStartGen = s.epochStartGenerator() == null ? null : s.epochStartGenerator().clone();
        epochStartGenEpoch = s.epoch();
        if (scheduler != null) {
            scheduler.loadState(s.schedulerEpoch());
        }
        if (plateau != null && s.plateau() != null) {
            plateau.loadState(s.plateau());
        }
        bestVal = s.bestValLoss();
        badValidations = s.badValidations();
        trainSeconds = s.trainSeconds();
        examples = s.examples();
        float[] loss = saved.trainLoss(), acc = saved.trainAcc();
        int[] ep = saved.trainEpoch();
        for (int i = 0; i < Math.min(step, loss.length); i++) {
            history.addTrain(ep[i], loss[i], acc[i]);
        }
        int[] vi = saved.valIdx();
        float[] vl = saved.valLoss(), va = saved.valAcc();
        for (int i = 0; i < vi.length; i++) {
            if (vi[i] <= step) {
                history.addValidation(vi[i], vl[i], va[i]);
            }
        }
        for (String name : saved.metricNames()) {
            int[] at = saved.metricSteps(name);
            double[] v = saved.metricValues(name);
            for (int i = 0; i < at.length && at[i] <= step; i++) {
                history.addMetric(name, at[i], v[i]);
            }
        }
    }

    private void check(TrainerState s, History saved) {
        int perEpoch = loader.numBatches();
        if (s.step() < 0 || s.step() > totalSteps()) {
            throw new InputException("step " + s.step() + " is outside this run's 0.." + totalSteps());
        }
        if (s.epoch() < 0 || s.batchInEpoch() < 0 || s.batchInEpoch() > perEpoch || (long) s.epoch() * perEpoch + s.batchInEpoch() != s.step()) {
            throw new InputException("epoch " + s.epoch() + ", batch " + s.batchInEpoch() + " do not give step " + s.step() + " at " + perEpoch + " batches per epoch");
        }
        long[] g = s.epochStartGenerator();
        if (g != null && (g.length != 4 || (g[0] | g[1] | g[2] | g[3]) == 0)) {
            throw new InputException("epochStartGenerator must be 4 words, not all zero");
        }
        if (s.schedulerEpoch() < 0 || s.badValidations() < 0 || s.examples() < 0 || !(s.trainSeconds() >= 0)) {
            throw new InputException("schedulerEpoch, badValidations, examples and trainSeconds must be >= 0");
        }
        if (saved.steps() != s.step()) {
            throw new InputException("the history has " + saved.steps() + " steps, the state says " + s.step());
        }
    }

    /** Runs (or continues) the loop until all epochs are done or it stops early. */
    public TrainResult fit() {
        return fitUntil(Integer.MAX_VALUE);
    }

    /**
     * Runs (or continues) the loop for {@code count} more epochs, the current one counted if it is under
     * way, or until all of the configuration's epochs are done or it stops early: for a caller that runs
     * other work between epochs with the same trainer ({@code descent bench} interleaves its peers'
     * epochs). Calls in turn train as one {@link #fit} would, bit for bit; each is a fit to its listeners.
     *
     * @throws IllegalArgumentException if {@code count < 1}
     */
    public TrainResult fitEpochs(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("fitEpochs: count must be >= 1, got " + count);
        }
        return fitUntil((int) Math.min(Integer.MAX_VALUE, (long) epoch + count));
    }

    private TrainResult fitUntil(int endEpoch) {
        listeners.forEach(l -> l.onStart(this));
        TrainResult result;
        try {
            result = loop(endEpoch);
        } finally {
            // However the loop ended, the model leaves in its own layout.
            batchStep.restoreLayout(gradsZeroed);
        }
        optimizer.eval();
        listeners.forEach(l -> l.onEnd(this, result));
        return result;
    }

    /**
     * Makes ready what the first step would otherwise make: the training set's listing of its non-zero
     * inputs ({@link dev.descent.data.Dataset#sparseRows()}) when the step reads batches through it.
     * Optional (the first epoch makes it otherwise, outside {@code train_seconds} but not outside the
     * wall clock); {@code train} calls it while its kernel warm-up finishes. Idempotent.
     */
    public void prepareData() {
        if (batchStep.readsListedRows(loader.batchSize(), cfg.loss())) {
            loader.dataset().sparseRows();
        }
    }

    private TrainResult loop(int endEpoch) {
        int k = cfg.accumulate();
        int perEpoch = loader.numBatches();
        // Zeroed here, not inside the first step: a warm-up's steps find them zeroed by the previous
        // update, and the run's first step taking that branch threw the loop's compiled code away.
        // PyTorch 1.13's zero_grad(): zero in place, keeping the buffers (no allocation per step).
        if (step % k == 0 && !gradsZeroed) {
            optimizer.zeroGrad(false);
            gradsZeroed = true;
        }
        for (; epoch < Math.min(cfg.epochs(), endEpoch); epoch++, batchInEpoch = 0) {
            if (loader.generator() != null) {
                if (epochStartGen != null && epochStartGenEpoch == epoch) {
                    // The epoch was begun before (a stop, or the checkpoint a resume restored): its order
                    // is drawn again from the same state. Not only when mid-epoch: a stop between epochs
                    // comes after the next epoch's order was drawn, and its checkpoint says batch 0.
                    loader.generator().setState(epochStartGen);
                } else {
                    epochStartGen = loader.generator().state();
                    epochStartGenEpoch = epoch;
                }
            }
            pass = loader.iterator(batchInEpoch, batchStep.readsListedRows(loader.batchSize(), cfg.loss()));
            ahead = null;
            while (ahead != null || pass.hasNext()) {
                // Here, not in trainStep: a warm-up trainer is stopped, and a branch taken there only
                // then threw the step's compiled code away just before the run's first step.
                if (stopRequested) {
                    return result(TrainResult.Stop.INTERRUPTED, "interrupted at step " + step + " (epoch " + (epoch + 1) + ")");
                }
                TrainResult stop = trainStep(k, perEpoch);
                if (stop != null) {
                    return stop;
                }
            }
        }
        return result(TrainResult.Stop.COMPLETED, "");
    }

    /**
     * One step of {@link #loop}: draws the batch, runs the data-parallel step and the update, records
     * and reports it, validates when due. Returns null to go on, or why the run stops.
     *
     * <p>A method of its own, called once a step, so that the JIT compiles it (with the step it
     * drives) from its call count during the kernel warm-up. Inside the loop it was compiled only by
     * on-stack replacement after some 4,000 steps, in the run's third to fifth epoch: 330–410 ms of C2
     * time on one of the step's two cores (docs/PERFORMANCE.md, section 24).
     */
    private TrainResult trainStep(int k, int perEpoch) {
        long t0 = System.nanoTime();
        optimizer.train();
        Batch b = ahead != null ? ahead : pass.next();
        ahead = null;
        // The next batch is drawn while the first layer's forward keeps the other thread busy
        // (Parallel.whileWaiting); the loader's buffers alternate, so it leaves this one intact.
        if (pass.hasNext()) {
            Parallel.whileWaiting(drawAhead);
        }
        BatchStep.Outcome o;
        try {
            // A step that starts an accumulation finds the gradients zero: zeroed above before the
            // first, and by the previous step's update after it.
            o = batchStep.run(b, cfg.loss(), cfg.classWeights(), k, step % k == 0, modelReadAt != step);
        } finally {
            Parallel.whileWaiting(null);
        }
        gradsZeroed = false;
        float lv = o.loss();
        if (!Float.isFinite(lv)) {
            return result(TrainResult.Stop.DIVERGED, String.format(Locale.ROOT,
                    "the loss became %s at step %d (epoch %d): training diverged; try a smaller learning rate (--lr) or gradient clipping (--clip-norm)",
                    Float.isNaN(lv) ? "NaN" : "infinite", step + 1, epoch + 1));
        }
        float acc = (float) o.correct() / b.size();
        step++;
        batchInEpoch++;
        // The run's last step updates even inside an accumulation; asked only then, because a
        // warm-up never reaches its last epoch: code compiled without that comparison ever
        // true was thrown away at the first step of a run's last epoch (of a one-epoch run, its first).
        boolean last = ahead == null && !pass.hasNext();
        boolean update = step % k == 0 || (epoch == cfg.epochs() - 1 && last);
        if (update) {
            // The update leaves the gradients at zero for the next step (one pass over memory fewer).
            optimizer.stepAndZeroGrad();
            gradsZeroed = true;
            if (scheduler != null) {
                scheduler.step();
            }
        }
        trainSeconds += (System.nanoTime() - t0) / 1e9;
        examples += b.size();
        history.addTrain(epoch + 1, lv, acc);
        if (step % cfg.logFreq() == 0) {
            log(String.format(Locale.ROOT, "[TRAIN] Epoch %d | Iter %6d | Loss: %.4f | Acc: %6.2f%%", epoch + 1, step,
                    history.meanTrainLoss(step - cfg.logFreq(), step), 100 * history.meanTrainAcc(step - cfg.logFreq(), step)));
        }
        Evaluation ev = null;
        // Every valFreq steps, and once more at the end of each epoch, so that every curve ends
        // on a validation point whatever the frequency.
        if (val != null && cfg.valFreq() > 0 && (step % cfg.valFreq() == 0 || last)) {
            ev = validate();
        }
        TrainListener.StepReport r = new TrainListener.StepReport(step, epoch + 1, batchInEpoch, perEpoch, lv, acc,
                optimizer.paramGroups().get(0).lr(), ev, examples / Math.max(trainSeconds, 1e-9), update);
        if (readsModel(r)) {
            batchStep.restoreLayout(gradsZeroed);
            modelReadAt = step;
        }
        listeners.forEach(l -> l.measure(this, r));
        listeners.forEach(l -> l.onStep(this, r));
        if (ev != null && cfg.earlyStoppingPatience() > 0 && badValidations >= cfg.earlyStoppingPatience()) {
            return result(TrainResult.Stop.EARLY_STOPPED, String.format(Locale.ROOT,
                    "early stopping at step %d: the validation loss has not improved on %.4f for %d validations", step, bestVal, badValidations));
        }
        return null;
    }

    /** The data-parallel step (for tests of the layout it keeps). */
    BatchStep batchStep() {
        return batchStep;
    }

    /** Whether a listener reads the model at this step ({@link TrainListener#readsModel}). */
    private boolean readsModel(TrainListener.StepReport r) {
        for (TrainListener l : listeners) {
            if (l.readsModel(r)) {
                return true;
            }
        }
        return false;
    }

    private Evaluation validate() {
        batchStep.restoreLayout(gradsZeroed);
        modelReadAt = step;
        optimizer.eval();
        Evaluation ev = Evaluator.evaluate(model, val, cfg.valBatchSize(), cfg.valBatches(), cfg.classWeights(), cfg.loss(), validationSpace);
        history.addValidation(step, (float) ev.loss(), (float) ev.accuracy());
        log(String.format(Locale.ROOT, "[VALID] Epoch %d | Iter %6d | Loss: %.4f | Acc: %6.2f%%", epoch + 1, step, ev.loss(), 100 * ev.accuracy()));
        if (ev.loss() < bestVal) {
            bestVal = ev.loss();
            badValidations = 0;
        } else {
            badValidations++;
        }
        if (plateau != null) {
            plateau.step(ev.loss());
        }
        return ev;
    }

    private void log(String line) {
        listeners.forEach(l -> l.onLog(line));
    }

    private TrainResult result(TrainResult.Stop reason, String message) {
        return new TrainResult(reason, message, step, trainSeconds, examples / Math.max(trainSeconds, 1e-9));
    }
}
