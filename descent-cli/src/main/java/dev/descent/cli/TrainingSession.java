package dev.descent.cli;

import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.descent.Version;
import dev.descent.analysis.SharpnessListener;
import dev.descent.data.DataLoader;
import dev.descent.data.Dataset;
import dev.descent.data.Datasets;
import dev.descent.data.IdxImages;
import dev.descent.data.MnistFamily;
import dev.descent.io.Checkpoint;
import dev.descent.io.OptimizerCheckpoint;
import dev.descent.io.Safetensors;
import dev.descent.nn.Mlp;
import dev.descent.nn.MlpSpec;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerSpec;
import dev.descent.optim.schedule.LrScheduler;
import dev.descent.optim.schedule.ReduceLrOnPlateau;
import dev.descent.plot.RunCharts;
import dev.descent.tensor.Generator;
import dev.descent.tensor.Tensor;
import dev.descent.tensor.kernel.CoreLatency;
import dev.descent.tensor.kernel.Parallel;
import dev.descent.train.Evaluation;
import dev.descent.train.Evaluator;
import dev.descent.train.RunDir;
import dev.descent.train.KernelWarmup;
import dev.descent.train.TrainConfig;
import dev.descent.train.TrainListener;
import dev.descent.train.TrainResult;
import dev.descent.train.Trainer;

/**
 * One training run as the CLI does it: data split, model, optimizer, schedule, listeners, the run
 * directory of DESIGN §5, and the test evaluation at the end. Seeds: the model from {@code seed},
 * the split from {@code seed}, shuffling from {@code seed + 1}, random-search noise from {@code seed + 2}.
 */
final class TrainingSession {

    static final ObjectMapper JSON = new ObjectMapper();

    /** The data of a run: training and validation split, and the test set. */
    record Data(Dataset train, Dataset val, Dataset test, String name) {
    }

    /** What a finished run reports. */
    record Outcome(TrainResult result, Evaluation test, Evaluation val, RunDir dir, Trainer trainer) {
    }

    private TrainingSession() {
    }

    static Data load(DataSource source, TrainOptions t, PrintWriter log) {
        return split(source.load(log), source.name(), t);
    }

    /** Holds {@code t.valSize} training examples out for validation, chosen by {@code t.seed}. */
    static Data split(IdxImages.TrainTest tt, String name, TrainOptions t) {
        int n = tt.train().size();
        if (t.valSize >= n) {
            throw new BadInputException("--val-size " + t.valSize + " leaves no training examples (the training set has " + n + ")");
        }
        if (t.valSize == 0) {
            return new Data(tt.train(), null, tt.test(), name);
        }
        List<Dataset> parts = Datasets.split(tt.train(), t.seed, n - t.valSize, t.valSize);
        return new Data(parts.get(0), parts.get(1), tt.test(), name);
    }

    /** Writes {@code node} as indented JSON to {@code file}, atomically. */
    static void writePrettyJson(Path file, com.fasterxml.jackson.databind.JsonNode node) {
        try {
            dev.descent.io.AtomicFiles.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A run directory's checkpoint, read and parsed before the data set loads and the kernel warm-up
     * starts (which together take seconds), so that a damaged file is reported at once; {@link #run}
     * checks it against the run's model and optimizer.
     */
    record Resume(Mlp model, Safetensors.Contents optimizer, RunDir.Saved state) {
        static Resume read(RunDir dir) {
            return new Resume(Checkpoint.load(dir.file(RunDir.MODEL)), Safetensors.read(dir.file(RunDir.OPTIMIZER)), dir.readState());
        }
    }

    static Path defaultOut(String optimizer) {
        return Path.of("runs", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)) + "-" + optimizer);
    }

    /**
     * Trains one model.
     *
     * @param argv   the command line, kept in config.json so that --resume can rebuild the run
     * @param resume the checkpoint of {@code dir} to continue, or null for a new run
     */
    static Outcome run(Data data, ModelOptions m, OptimizerOptions o, String optimizerName, ScheduleOptions s, TrainOptions t,
                       RunDir dir, Resume resume, List<String> argv, List<TrainListener> extra, PrintWriter log) {
        return run(data, m, o, optimizerName, s, t, new SharpnessOptions(), dir, resume, argv, extra, log, Hooks.NONE);
    }

    /**
     * What a command runs at two moments of {@link #run}.
     *
     * @param beforeFit runs once the model, optimizer and any checkpoint are loaded and checked, just
     *                  before training starts, with the number of steps left to train (0 when a resumed
     *                  run had already finished): train waits for its kernel warm-up there, so a damaged
     *                  checkpoint is reported at once, and stops it unwaited for when no step is left
     * @param report    runs once the run's files are written, with its outcome, before a Ctrl-C or
     *                  SIGTERM lets the JVM exit: what it prints is printed however the run ended
     */
    record Hooks(java.util.function.IntConsumer beforeFit, java.util.function.Consumer<Outcome> report) {
        static final Hooks NONE = new Hooks(stepsLeft -> { }, o -> { });

        static Hooks beforeFit(java.util.function.IntConsumer beforeFit) {
            return new Hooks(beforeFit, o -> { });
        }
    }

    /** The same, measuring the sharpness as {@code sh} asks, with a command's {@code hooks}. */
    static Outcome run(Data data, ModelOptions m, OptimizerOptions o, String optimizerName, ScheduleOptions s, TrainOptions t, SharpnessOptions sh,
                       RunDir dir, Resume resume, List<String> argv, List<TrainListener> extra, PrintWriter log, Hooks hooks) {
        TrainConfig cfg = t.config();
        sh.validate(cfg);
        if (t.threads != null) {
            Parallel.setThreads(t.threads);
        }
        MlpSpec spec = m.spec(data.train().exampleNumel(), data.train().numClasses());
        if (cfg.classWeights() != null && cfg.classWeights().length != spec.outDim()) {
            throw new BadInputException("--class-weights has " + cfg.classWeights().length + " values for " + spec.outDim() + " classes");
        }
        OptimizerSpec<?> os = optimizerSpec(o, optimizerName, s, t);
        Mlp model = new Mlp(spec, new Generator(t.seed));
        Optimizer<?> opt = os.create(model.namedParameters());
        DataLoader loader = new DataLoader(data.train(), t.batchSize, true, false, true, new Generator(t.seed + 1));
        int total = cfg.epochs() * loader.numBatches();
        LrScheduler sched = s.scheduler(opt, os.lr(), Math.ceilDiv(total, cfg.accumulate()));
        ReduceLrOnPlateau plateau = s.plateau(opt);

        List<TrainListener> watchers = new ArrayList<>(extra);
        SharpnessListener sharp = sh.enabled() ? sh.listener(model, data.train(), cfg, t.seed) : null;
        List<String> columns = sharp == null ? List.of() : SharpnessListener.COLUMNS;
        if (sharp != null) {
            watchers.add(sharp);
        }
        Trainer trainer = new Trainer(model, opt, sched, plateau, loader, data.val(), cfg, listeners(watchers, dir, columns, model, opt, Integer.MAX_VALUE));

        if (resume != null) {
            Mlp saved = resume.model();
            if (!saved.spec().equals(spec)) {
                throw new BadInputException("--resume " + dir.path() + ": the checkpoint is a " + describe(saved.spec()) + ", the options give a " + describe(spec));
            }
            model.loadStateDict(saved.stateDict());
            OptimizerCheckpoint.load(resume.optimizer(), dir.file(RunDir.OPTIMIZER).toString(), opt);
            RunDir.Saved st = resume.state();
            try {
                trainer.restore(st.state(), st.history());
            } catch (dev.descent.io.InputException e) {
                throw new BadInputException("--resume " + dir.path() + ": " + dir.file(RunDir.STATE) + " does not fit the run: " + e.getMessage(), e);
            }
            dir.writeMetrics(trainer.history(), columns);
            log.printf(Locale.ROOT, "resuming %s at step %d of %d%n", dir.path(), st.state().step(), trainer.totalSteps());
        } else {
            ObjectNode c = config(data, spec, os, optimizerName, s, t, cfg, dir, argv);
            c.put("track_sharpness", sh.enabled() ? sh.every : 0);
            if (sharp != null) {
                c.put("sharpness_examples", sharp.examples());
            }
            dir.writeJson(RunDir.CONFIG, c);
            log.printf(Locale.ROOT, "training %s on %s: %,d train / %,d val / %,d test examples, %s lr %s, %d epochs of %d steps -> %s%n",
                    describe(spec), data.name(), data.train().size(), data.val() == null ? 0 : data.val().size(), data.test().size(),
                    optimizerName, fmt(os.lr()), cfg.epochs(), loader.numBatches(), dir.path());
        }

        // On Ctrl-C / SIGTERM: ask the loop to stop at the next batch, then hold the JVM open until the
        // checkpoint, summary and charts below are written.
        java.util.concurrent.CountDownLatch written = new java.util.concurrent.CountDownLatch(1);
        Thread hook = new Thread(() -> {
            trainer.requestStop();
            try {
                written.await(60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "descent-stop");
        // The training set's listing of its non-zeros, before the first step rather than in it (MNIST's
        // 60,000 training images, of which the split selects its 50,000: 0.13-0.99 s beside the last of
        // train's kernel warm-up, 0.05 s on its own once compiled; docs/PERFORMANCE.md, section 15).
        trainer.prepareData();
        hooks.beforeFit().accept(Math.max(0, trainer.totalSteps() - trainer.step()));
        Runtime.getRuntime().addShutdownHook(hook);
        Outcome outcome;
        try {
            TrainResult result;
            Evaluation test, val;
            result = trainer.fit();
            // Where the VM had the two threads' cores when the run ended: a first epoch measured far
            // apart takes about 1.4 times as long as near (docs/PERFORMANCE.md, sections 8 and 16).
            double coreToCore = Parallel.threads() > 1 ? CoreLatency.roundTripNanos() : Double.NaN;
            boolean diverged = result.reason() == TrainResult.Stop.DIVERGED;
            if (!diverged && trainer.step() % cfg.accumulate() == 0) {
                dir.checkpoint(model, opt, trainer);
            }
            if (diverged && java.nio.file.Files.exists(dir.file(RunDir.MODEL))) {
                // Evaluate what the last good checkpoint holds, not the NaN weights.
                model.loadStateDict(Checkpoint.load(dir.file(RunDir.MODEL)).stateDict());
            }
            test = Evaluator.evaluate(model, data.test(), 1000, Integer.MAX_VALUE, null, cfg.loss());
            val = data.val() == null ? null : Evaluator.evaluate(model, data.val(), 1000, Integer.MAX_VALUE, null, cfg.loss());
            ObjectNode sum = summary(result, test, val, cfg, t, trainer);
            if (!Double.isNaN(coreToCore)) {
                sum.put("core_to_core_ns", Math.round(coreToCore));
            }
            if (sharp != null) {
                sum.put("sharpness_measurements", sharp.measurements());
                sum.put("sharpness_seconds", sharp.seconds());
                double[] values = trainer.history().metricValues(SharpnessListener.SHARPNESS);
                if (values.length > 0) {
                    sum.put("final_sharpness", values[values.length - 1]);
                }
                log.printf(Locale.ROOT, "sharpness: %d measurements on %,d examples (%,d Hessian-vector products) took %.1f s%s%n", sharp.measurements(),
                        sharp.examples(), sharp.products(), sharp.seconds(), values.length == 0 ? ""
                                : String.format(Locale.ROOT, "; last %.4g against 2/lr = %.4g", values[values.length - 1],
                                        trainer.history().metricValues(SharpnessListener.TWO_OVER_LR)[values.length - 1]));
            }
            dir.writeJson(RunDir.SUMMARY, sum);
            if (trainer.history().steps() > 0) {
                RunCharts.curves(trainer.history(), cfg.loss()).saveAll(dir.file("curves"));
            }
            outcome = new Outcome(result, test, val, dir, trainer);
            // Before the latch: on Ctrl-C the JVM exits as soon as the hook returns.
            hooks.report().accept(outcome);
            log.flush();
        } finally {
            written.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The JVM is exiting (Ctrl-C / SIGTERM): everything above has been written.
            }
        }
        return outcome;
    }

    static String describe(MlpSpec s) {
        StringBuilder sb = new StringBuilder("MLP ").append(s.inDim());
        for (int h : s.hiddenDims()) {
            sb.append('-').append(h);
        }
        return sb.append('-').append(s.outDim()).toString();
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%g", v).replaceAll("\\.?0+(e|$)", "$1");
    }

    private static ObjectNode config(Data data, MlpSpec spec, OptimizerSpec<?> os, String optimizerName, ScheduleOptions s, TrainOptions t,
                                     TrainConfig cfg, RunDir dir, List<String> argv) {
        ObjectNode c = JSON.createObjectNode();
        ArrayNode args = c.putArray("command_line");
        argv.forEach(args::add);
        c.put("dataset", data.name());
        c.put("in_dim", spec.inDim());
        c.set("hidden", JSON.valueToTree(spec.hiddenDims()));
        c.put("out_dim", spec.outDim());
        c.put("bias", spec.bias());
        c.put("activation", spec.activation().name().toLowerCase(Locale.ROOT));
        c.put("optimizer", optimizerName);
        c.put("optimizer_class", os.name());
        c.put("lr", os.lr());
        c.put("weight_decay", os.weightDecay());
        c.set("optimizer_options", JSON.valueToTree(os.options()));
        c.put("schedule", s.schedule);
        c.put("warmup_steps", s.warmupSteps);
        c.put("epochs", cfg.epochs());
        c.put("batch_size", t.batchSize);
        c.put("seed", t.seed);
        c.put("val_size", t.valSize);
        c.put("log_freq", cfg.logFreq());
        c.put("val_freq", cfg.valFreq());
        c.put("val_batches", cfg.valBatches());
        c.put("threads", Parallel.threads());
        c.put("grad_accum", cfg.accumulate());
        c.put("clipping", t.clipping() == null ? "none" : t.clipping().name());
        c.put("early_stopping", cfg.earlyStoppingPatience());
        c.set("class_weights", JSON.valueToTree(cfg.classWeights()));
        c.put("loss", cfg.loss().label());
        c.put("out", dir.path().toString());
        c.put("descent_version", Version.get());
        return c;
    }

    private static ObjectNode summary(TrainResult r, Evaluation test, Evaluation val, TrainConfig cfg, TrainOptions t, Trainer trainer) {
        ObjectNode s = JSON.createObjectNode();
        s.put("test_accuracy", test.accuracy());
        s.put("test_loss", test.loss());
        if (val != null) {
            s.put("val_accuracy", val.accuracy());
            s.put("val_loss", val.loss());
        }
        s.put("epochs", cfg.epochs());
        s.put("steps", r.steps());
        s.put("train_seconds", r.trainSeconds());
        s.put("examples_per_second", r.examplesPerSecond());
        s.put("seed", t.seed);
        s.put("stop_reason", r.reason().name().toLowerCase(Locale.ROOT));
        if (!r.message().isEmpty()) {
            s.put("message", r.message());
        }
        s.set("test_per_class_accuracy", JSON.valueToTree(test.perClassAccuracy()));
        s.set("test_worst_classes", JSON.valueToTree(test.worstClasses(3)));
        s.set("test_confusion", JSON.valueToTree(test.confusion()));
        float[] vl = trainer.history().valLoss();
        if (vl.length > 0) {
            float best = Float.POSITIVE_INFINITY;
            for (float v : vl) {
                best = Math.min(best, v);
            }
            s.put("best_val_loss", best);
        }
        s.put("descent_version", Version.get());
        return s;
    }

    /**
     * A run's listeners: the command's {@code watchers}, then the one that writes {@code metrics.csv}
     * (with the history's measurements named by {@code columns}) and the one that checkpoints, at
     * most {@code checkpoints} times.
     */
    static List<TrainListener> listeners(List<TrainListener> watchers, RunDir dir, List<String> columns, Mlp model, Optimizer<?> opt,
                                                 int checkpoints) {
        List<TrainListener> all = new ArrayList<>(watchers);
        all.add(dir.metricsLog(columns));
        all.add(new Checkpointer(dir, model, opt, checkpoints));
        return all;
    }

    /**
     * Starts compiling this run's training step on synthetic data ({@link KernelWarmup}), to be done
     * while the caller loads the data: until the JIT has compiled it, a first epoch runs several times
     * slower (docs/PERFORMANCE.md, "The first epoch" and section 7). The caller gives it the loaded
     * data's sizes ({@link KernelWarmup#expect}), waits for it ({@link KernelWarmup#close}) just before
     * the first fit, and cancels it if loading fails. It warms the run's own optimizer and validation
     * settings, from a fresh optimizer spec, so it shares no state with the run; and the run's
     * listeners, of the kinds {@link #run} gives a run (a progress line printing nowhere, the metrics
     * log, the checkpoints, once per warm-up trainer), writing in the warm-up's scratch directory.
     */
    static KernelWarmup warmup(ModelOptions m, DataSource data, OptimizerOptions o, String optimizerName, ScheduleOptions s, TrainOptions t,
                               boolean enabled) {
        return warmup(m, data, o, List.of(optimizerName), s, t, enabled);
    }

    /** The same for runs with several optimizers, in the order they will train (each one's update is warmed too), on unless {@code -Ddescent.warmup=false}. */
    static KernelWarmup warmup(ModelOptions m, DataSource data, OptimizerOptions o, List<String> optimizerNames, ScheduleOptions s, TrainOptions t) {
        return warmup(m, data, o, optimizerNames, s, t, KernelWarmup.enabledByDefault());
    }

    private static KernelWarmup warmup(ModelOptions m, DataSource data, OptimizerOptions o, List<String> optimizerNames, ScheduleOptions s, TrainOptions t,
                                       boolean enabled) {
        MnistFamily fam = data.family();
        List<Function<Map<String, Tensor>, Optimizer<?>>> factories = new ArrayList<>();
        for (String name : optimizerNames) {
            factories.add(named -> optimizerSpec(o, name, s, t).create(named));
        }
        return KernelWarmup.start(m.spec(28 * 28, fam != null ? fam.numClasses() : 10), t.batchSize, t.config(), factories, warmupListeners(), enabled);
    }

    /**
     * The listeners a warm-up trainer runs: of the kinds {@link #run} gives a run (train's progress,
     * printing nowhere; the metrics log; the checkpoints, saved once), writing in its scratch directory.
     */
    static KernelWarmup.RunListeners warmupListeners() {
        return (model, opt, scratch) -> listeners(List.of(new ConsoleProgress(new PrintWriter(Writer.nullWriter()), false)), RunDir.create(scratch),
                List.of(), model, opt, 1);
    }

    /** The run's optimizer: the named preset with its options and schedule, and the run's clipping first. */
    static OptimizerSpec<?> optimizerSpec(OptimizerOptions o, String optimizerName, ScheduleOptions s, TrainOptions t) {
        OptimizerSpec<?> os = o.spec(optimizerName, t.seed + 2, s);
        return t.clipping() != null ? os.prepend(t.clipping()) : os;
    }

    /** Checkpoints at every validation and epoch end, at optimizer-step boundaries only, up to a number of times. */
    private static final class Checkpointer implements TrainListener {
        private final RunDir dir;
        private final Mlp model;
        private final Optimizer<?> opt;
        private int left;

        Checkpointer(RunDir dir, Mlp model, Optimizer<?> opt, int saves) {
            this.dir = dir;
            this.model = model;
            this.opt = opt;
            this.left = saves;
        }

        /** Reads the model and the optimizer at the steps it saves them. */
        @Override
        public boolean readsModel(StepReport r) {
            return saves(r);
        }

        @Override
        public void onStep(Trainer trainer, StepReport r) {
            if (saves(r)) {
                dir.checkpoint(model, opt, trainer);
                left--;
            }
        }

        /** After each validation and at each epoch's end, when the optimizer has just stepped and the loss is finite. */
        private boolean saves(StepReport r) {
            boolean epochEnd = r.batchInEpoch() == r.batchesPerEpoch();
            return left > 0 && (r.validation() != null || epochEnd) && r.updated() && Float.isFinite(r.loss());
        }
    }
}
