package dev.descent.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.descent.train.Evaluation;
import dev.descent.train.KernelWarmup;
import dev.descent.train.RunDir;
import dev.descent.tune.Budget;
import dev.descent.tune.Pruner;
import dev.descent.tune.SearchSpace;
import dev.descent.tune.Study;
import dev.descent.tune.StudyHeader;
import dev.descent.tune.storage.JournalStorage;
import dev.descent.tune.TpeSampler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code descent challenge}: the tutorial's "putting it all together" — train the benchmark model
 * (MLP 200-100-50, Adam lr 1e-3, batch 64, 2 epochs, seed 2021), then search for a better recipe under
 * the same budget of epochs per trial, and compare the two on the test set, class by class.
 */
@Command(name = "challenge", mixinStandardHelpOptions = true, abbreviateSynopsis = true, sortOptions = false,
        description = {"Beat the tutorial's benchmark model: train it, search recipes with the same epochs per trial (TPE + median pruning), "
                + "and compare the best found with the benchmark on the test set.",
                "Writes OUT/benchmark, OUT/study and OUT/challenge.json."})
public final class ChallengeCommand implements Callable<Integer> {

    /** The search when none is given: optimizer, lr, batch size, width and depth, schedule. */
    static final String DEFAULT_SPACE = """
            {"optimizer":  {"type": "categorical", "choices": ["adam", "adamw", "nadam", "rmsprop"]},
             "lr":         {"type": "float", "low": 1e-4, "high": 1e-2, "log": true},
             "batch-size": {"type": "categorical", "choices": [32, 64, 128, 256]},
             "hidden":     {"type": "categorical", "choices": ["200,100,50", "512,256", "1024", "800,400", "512,256,128"]},
             "schedule":   {"type": "categorical", "choices": ["none", "cosine"]}}""";

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--trials", defaultValue = "40", paramLabel = "N", description = "at most N trials (default: ${DEFAULT-VALUE})")
    int trials;

    @Option(names = "--timeout", defaultValue = "11m", paramLabel = "TIME", description = "stop starting trials after this long (default: ${DEFAULT-VALUE})")
    String timeout;

    @Option(names = "--jobs", defaultValue = "2", paramLabel = "N", description = "trials run in parallel (default: ${DEFAULT-VALUE})")
    int jobs;

    @Option(names = "--epochs", defaultValue = "2", paramLabel = "N", description = "epochs of the benchmark and of every trial (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--val-size", defaultValue = "10000", paramLabel = "N", description = "training examples held out for validation (default: ${DEFAULT-VALUE})")
    int valSize;

    @Option(names = "--threads", paramLabel = "N", description = "kernel threads (default: all cores)")
    Integer threads;

    @Option(names = "--out", paramLabel = "DIR", description = "where the benchmark, the study and challenge.json go (default: runs/<timestamp>-challenge)")
    Path out;

    @Option(names = "--seeds", defaultValue = "1", paramLabel = "N",
            description = "re-run the benchmark and the best recipe on N seeds each and test the difference (Welch); 1 for one run each (default: ${DEFAULT-VALUE})")
    int seeds;

    @Mixin
    SpaceOptions space = new SpaceOptions();
    @Mixin
    DataSource data = new DataSource();

    @Override
    public Integer call() throws Exception {
        PrintWriter log = spec.commandLine().getOut();
        SearchSpace s = space.params.isEmpty() && space.file == null
                ? dev.descent.tune.SearchSpaceJson.read(TrainingSession.JSON.readTree(DEFAULT_SPACE)) : space.space();
        List<String> base = new ArrayList<>(List.of("--epochs", Integer.toString(epochs), "--val-size", Integer.toString(valSize)));
        if (threads != null) {
            base.addAll(List.of("--threads", threads.toString()));
        }
        TrialOptions bench = TrialOptions.parse(base, "").check();
        TrialOptions.checkSpace(s, base);
        if (valSize < 1) {
            throw new BadInputException("--val-size must be positive: the search compares recipes on the validation set");
        }
        if (jobs < 1 || trials < 1) {
            throw new BadInputException("--jobs and --trials must be >= 1");
        }
        Budget budget = new Budget(trials, 0, TuneCommand.parseDuration(timeout, "--timeout"));
        Path dir = out != null ? out : TrainingSession.defaultOut("challenge");
        Path studyDir = dir.resolve("study");
        if (Study.exists(studyDir)) {
            throw new BadInputException("--out " + dir + " already holds a challenge; choose another directory");
        }
        long t0 = System.nanoTime();
        if (seeds < 1) {
            throw new BadInputException("--seeds must be >= 1, got " + seeds);
        }
        // The benchmark's time is reported beside the best recipe's: the step, and the update of every
        // optimizer the search can pick, are compiled while the data loads, not during the benchmark's
        // first epoch (TuneSession.warmup says why it matters for trials).
        KernelWarmup warmup = TrainingSession.warmup(bench.model, data, bench.optimizer,
                TuneSession.optimizers(s, bench.optimizer.name()), bench.schedule, bench.train);
        dev.descent.data.IdxImages.TrainTest files;
        TrainingSession.Data d;
        TrainingSession.Outcome b;
        try {
            files = data.load(log);
            d = TrainingSession.split(files, data.name(), bench.train);
            warmup.expect(d.train().size(), d.val() == null ? 0 : d.val().size());
            log.printf(Locale.ROOT, "benchmark: the tutorial's MLP 200-100-50, Adam lr 1e-3, batch 64, %d epochs, seed %d%n", epochs, bench.train.seed);
            List<String> benchArgv = new ArrayList<>(base);
            benchArgv.addAll(List.of("--out", dir.resolve("benchmark").toString()));
            b = TrainingSession.run(d, bench.model, bench.optimizer, bench.optimizer.name(), bench.schedule, bench.train, new SharpnessOptions(),
                    RunDir.create(dir.resolve("benchmark")), null, benchArgv, List.of(), new PrintWriter(java.io.Writer.nullWriter()), TrainingSession.Hooks.beforeFit(stepsLeft -> warmup.close()));
        } finally {
            // A no-op once the benchmark has waited for it; stops it when loading or the run failed first.
            warmup.cancel();
        }
        log.printf(Locale.ROOT, "benchmark: validation accuracy %.2f%%, test accuracy %.2f%% (%.1f s)%n%n", 100 * b.val().accuracy(), 100 * b.test().accuracy(),
                b.result().trainSeconds());

        TuneObjectives objectives = TuneObjectives.parse("val_accuracy", null);
        List<String> argv = Argv.forRun(spec.commandLine().getParseResult().originalArgs(), "challenge");
        log.printf(Locale.ROOT, "searching %d parameters with TPE and median pruning: at most %d trials, %s, %d jobs, %d epochs each%n", s.params().size(), trials,
                timeout, jobs, epochs);
        JsonNode best;
        try (Study study = Study.create(JournalStorage.inDirectory(studyDir), new StudyHeader(s, objectives.directions(), objectives.labels(), 0,
                TuneSession.attrs(argv)), TpeSampler.multivariate(bench.train.seed), Pruner.Median.withDefaults())) {
            TuneSession.optimize(study, new TuneObjective(d, base, study, studyDir, objectives, 4), budget, jobs, objectives, log);
            best = TuneSession.report(study, objectives, base, studyDir, log);
            if (best == null) {
                return 1;
            }
            ArrayNode reruns = null;
            if (seeds > 1) {
                log.printf(Locale.ROOT, "%nre-running the benchmark and the best recipe on %d seeds each (%d..%d)%n", seeds, bench.train.seed, bench.train.seed + seeds - 1);
                List<String> bestArgs = TuneObjective.args(base, s, study.params(study.best().orElseThrow()));
                List<SeedReruns.Runs> runs = List.of(
                        SeedReruns.run("benchmark", files, data.name(), base, bench.train.seed, seeds, dir.resolve("seeds").resolve("benchmark"), log),
                        SeedReruns.run("best found", files, data.name(), bestArgs, bench.train.seed, seeds, dir.resolve("seeds").resolve("best"), log));
                reruns = SeedReruns.json(runs, SeedReruns.report(runs, log));
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            return compare(log, dir, studyDir, b, best, study, seconds, reruns);
        }
    }

    private int compare(PrintWriter log, Path dir, Path studyDir, TrainingSession.Outcome benchmark, JsonNode best, Study study, double seconds, ArrayNode reruns) {
        Evaluation bt = benchmark.test();
        double bestAcc = best.path("test_accuracy").asDouble();
        double delta = 100 * (bestAcc - bt.accuracy());
        log.printf(Locale.ROOT, "%n%-22s %10s %10s%n", "", "benchmark", "best found");
        log.printf(Locale.ROOT, "%-22s %9.2f%% %9.2f%%%n", "test accuracy", 100 * bt.accuracy(), 100 * bestAcc);
        log.printf(Locale.ROOT, "%-22s %10.4f %10.4f%n", "test loss", bt.loss(), best.path("test_loss").asDouble());
        double[] perClass = bt.perClassAccuracy();
        JsonNode found = best.path("test_per_class_accuracy");
        for (int c = 0; c < perClass.length; c++) {
            log.printf(Locale.ROOT, "%-22s %9.2f%% %9.2f%%  %+.2f%n", "class " + c, 100 * perClass[c], 100 * found.path(c).asDouble(),
                    100 * (found.path(c).asDouble() - perClass[c]));
        }
        boolean beat = bestAcc > bt.accuracy();
        log.printf(Locale.ROOT, "%n%s: %s %.2f%% vs the benchmark's %.2f%% (%+.2f points) in %.1f min%n", beat ? "beaten" : "not beaten",
                "the best recipe reaches", 100 * bestAcc, 100 * bt.accuracy(), delta, seconds / 60);

        ObjectNode j = TrainingSession.JSON.createObjectNode();
        ObjectNode bj = j.putObject("benchmark");
        bj.put("test_accuracy", bt.accuracy());
        bj.put("test_loss", bt.loss());
        bj.set("test_per_class_accuracy", TrainingSession.JSON.valueToTree(perClass));
        bj.put("run_dir", dir.resolve("benchmark").toString());
        ObjectNode fj = j.putObject("best");
        fj.put("test_accuracy", bestAcc);
        fj.put("test_loss", best.path("test_loss").asDouble());
        fj.set("test_per_class_accuracy", found);
        fj.put("trial", study.best().orElseThrow().number());
        fj.set("params", TrainingSession.JSON.valueToTree(study.params(study.best().orElseThrow())));
        fj.put("run_dir", TuneObjective.trialDir(studyDir, study.best().orElseThrow().number()).toString());
        j.put("beaten", beat);
        j.put("improvement_points", delta);
        j.put("trials", study.trials().size());
        j.put("seconds", seconds);
        if (reruns != null) {
            j.set("seeds", reruns);
        }
        ArrayNode cmd = j.putArray("command_line");
        spec.commandLine().getParseResult().originalArgs().forEach(cmd::add);
        TrainingSession.writePrettyJson(dir.resolve("challenge.json"), j);
        return 0;
    }
}
