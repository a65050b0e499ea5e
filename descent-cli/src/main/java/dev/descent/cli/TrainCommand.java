package dev.descent.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;

import dev.descent.train.KernelWarmup;
import dev.descent.train.RunDir;
import dev.descent.train.TrainResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code descent train}: the tutorial's benchmark by default — MLP 784-200-100-50-10, Adam lr 1e-3,
 * batch 64, 2 epochs, seed 2021, 50,000/10,000 split, log and validate every 200 steps.
 */
@Command(name = "train", mixinStandardHelpOptions = true, abbreviateSynopsis = true, sortOptions = false,
        description = {"Train a model. With no options: the tutorial's benchmark (MLP 784-200-100-50-10, Adam lr 1e-3, batch 64, 2 epochs, seed 2021).",
                "Writes config.json, metrics.csv, summary.json, model.safetensors and curves.png/svg to the run directory."})
public final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ModelOptions model = new ModelOptions();
    @Mixin
    OptimizerOptions optimizer = new OptimizerOptions();
    @Mixin
    ScheduleOptions schedule = new ScheduleOptions();
    @Mixin
    TrainOptions train = new TrainOptions();
    @Mixin
    DataSource data = new DataSource();
    @Mixin
    SharpnessOptions sharpness = new SharpnessOptions();

    @Option(names = "--jit-warmup", negatable = true,
            description = {"compile the training step on synthetic data while the data loads, so that the first epoch's time is the training's, "
                    + "not the JIT's (default: on; -D" + KernelWarmup.PROPERTY + "=false turns it off). Off, training starts sooner and its first "
                    + "epoch runs several times slower than the next; results are the same bit for bit"})
    Boolean jitWarmup;

    @Option(names = "--resume", paramLabel = "RUN_DIR", description = "continue an interrupted run from its last checkpoint, with the options it was started with; takes no other option but --debug")
    Path resume;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (resume != null) {
            return resumeRun(out);
        }
        String name = optimizer.name();
        // Bad options are refused before any directory is made or data loaded.
        OptionChecks.beforeData(model, optimizer, List.of(name), schedule, train);
        sharpness.validate(train.config());
        RunDir dir = RunDir.create(train.out != null ? train.out : TrainingSession.defaultOut(name));
        List<String> argv = Argv.forRun(spec.commandLine().getParseResult().originalArgs(), "train");
        return run(out, name, dir, null, argv);
    }

    private int run(PrintWriter out, String name, RunDir dir, TrainingSession.Resume resume, List<String> argv) {
        TrainingSession.Data d;
        // Compile the training step on synthetic data while the data set loads. The warm-up is waited
        // for only once the data and any checkpoint are loaded and checked: bad input is reported at
        // once, not after the warm-up has settled.
        KernelWarmup w = TrainingSession.warmup(model, data, optimizer, name, schedule, train,
                jitWarmup != null ? jitWarmup : KernelWarmup.enabledByDefault());
        TrainingSession.Outcome o;
        try {
            d = TrainingSession.load(data, train, out);
            // The warm-up goes on with the run's short last batches (of an epoch, of a validation).
            w.expect(d.train().size(), d.val() == null ? 0 : d.val().size());
            o = TrainingSession.run(d, model, optimizer, name, schedule, train, sharpness, dir, resume, argv,
                    List.of(new ConsoleProgress(out, System.console() != null)), out, new TrainingSession.Hooks(stepsLeft -> awaitWarmup(w, stepsLeft, out), s -> report(s, dir, out)));
        } catch (RuntimeException | Error e) {
            w.cancel();
            throw e;
        }
        return exitCode(o.result());
    }

    /**
     * Waits for the warm-up, saying so: it can hold the run back for several seconds after the data
     * has loaded, which without a line looked like a hang. With no step left to train (a finished run
     * resumed), stops it instead: it compiled a step that would never run, for 5 s.
     */
    private static void awaitWarmup(KernelWarmup w, int stepsLeft, PrintWriter out) {
        if (!w.enabled() || stepsLeft == 0) {
            w.cancel();
            return;
        }
        out.println("compiling the training step on synthetic data (JIT warm-up; --no-jit-warmup skips it)...");
        out.flush();
        long start = System.nanoTime();
        w.close();
        out.printf(Locale.ROOT, "JIT warm-up done: waited %.1f s, %,d synthetic steps in all%n", (System.nanoTime() - start) / 1e9, w.steps());
    }

    /** The run's last lines: how it ended, its speed, its accuracies. */
    private void report(TrainingSession.Outcome o, RunDir dir, PrintWriter out) {
        TrainResult r = o.result();
        if (!r.message().isEmpty()) {
            out.println(r.message());
            if (r.reason() == TrainResult.Stop.DIVERGED) {
                spec.commandLine().getErr().println("descent: " + r.message());
            }
        }
        // Two decimals under ten seconds: an MNIST epoch takes about 0.2 s.
        out.printf(Locale.ROOT, "%,d steps in " + (r.trainSeconds() < 10 ? "%.2f" : "%.1f") + " s (%,.0f examples/s); run directory %s%n",
                r.steps(), r.trainSeconds(), r.examplesPerSecond(), dir.path());
        if (o.val() != null) {
            out.printf(Locale.ROOT, "validation accuracy %.2f%% (loss %.4f)%n", 100 * o.val().accuracy(), o.val().loss());
        }
        out.printf(Locale.ROOT, "test accuracy %.2f%% (loss %.4f)%n", 100 * o.test().accuracy(), o.test().loss());
    }

    /** 0 for a finished run, 3 for a diverged one (with its one line on stderr), 130 for an interrupted one. */
    static int exitCode(TrainResult r) {
        return switch (r.reason()) {
            case COMPLETED, EARLY_STOPPED -> Main.EXIT_OK;
            case DIVERGED -> Main.EXIT_DIVERGED;
            case INTERRUPTED -> Main.EXIT_INTERRUPTED;
        };
    }

    private int resumeRun(PrintWriter out) {
        Argv.resumeOnly(spec.commandLine().getParseResult(), "its " + RunDir.CONFIG, Set.of());
        RunDir dir = RunDir.existing(resume);
        JsonNode cfg = dir.readJson(RunDir.CONFIG);
        List<String> argv = new ArrayList<>();
        cfg.path("command_line").forEach(a -> argv.add(a.asText()));
        TrainCommand original = new TrainCommand();
        original.spec = Argv.reparse(original, argv, "--resume " + resume, spec.commandLine().getOut()).getCommandSpec();
        original.spec.commandLine().setErr(spec.commandLine().getErr());
        OptionChecks.beforeData(original.model, original.optimizer, List.of(original.optimizer.name()), original.schedule, original.train);
        original.sharpness.validate(original.train.config());
        return original.run(out, original.optimizer.name(), dir, TrainingSession.Resume.read(dir), argv);
    }
}
