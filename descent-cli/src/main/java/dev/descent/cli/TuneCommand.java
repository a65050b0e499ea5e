package dev.descent.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.descent.tune.Budget;
import dev.descent.tune.Pruner;
import dev.descent.tune.Sampler;
import dev.descent.tune.SearchSpace;
import dev.descent.tune.Study;
import dev.descent.tune.StudyHeader;
import dev.descent.tune.TrialRecord;
import dev.descent.tune.TrialState;
import dev.descent.tune.storage.JournalStorage;
import dev.descent.tune.storage.RunLock;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code descent tune}: a hyperparameter search over training options, with one or several objectives,
 * pruning, parallel trials, a budget, and a journal from which a killed study resumes.
 */
@Command(name = "tune", mixinStandardHelpOptions = true, abbreviateSynopsis = true, sortOptions = false,
        description = {"Search training options: TPE, random, grid or NSGA-II sampling, median or ASHA pruning, parallel trials, a budget.",
                "Several metrics (--metric val_accuracy,train_seconds) make a study of several objectives; it keeps their Pareto front.",
                "Each trial is a train run in OUT/trials/NNNN; journal.jsonl records every trial as it happens, so --resume OUT continues a killed study.",
                "Other options (--epochs, --hidden, --optimizer, …) set what the trials do not search."})
public final class TuneCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    SpaceOptions space = new SpaceOptions();

    @Mixin
    SearchOptions search = new SearchOptions();

    @Option(names = "--trials", defaultValue = "20", paramLabel = "N", description = "trials in all, resumed ones included; 0 for no limit (default: ${DEFAULT-VALUE})")
    int trials;

    @Option(names = "--budget-epochs", defaultValue = "0", paramLabel = "E", description = "stop starting trials after E epochs of training in all; 0 for no limit (default: ${DEFAULT-VALUE})")
    double budgetEpochs;

    @Option(names = "--timeout", paramLabel = "TIME", description = "stop starting trials after this long, e.g. 90s, 10m, 1h30m")
    String timeout;

    @Option(names = "--jobs", defaultValue = "1", paramLabel = "N", description = "trials run in parallel (default: ${DEFAULT-VALUE})")
    int jobs;

    @Option(names = "--metric", defaultValue = "val_accuracy", paramLabel = "NAME[,NAME…]",
            description = "what to optimise: val_accuracy (maximised), val_loss, train_seconds, parameters (minimised); several for a Pareto front; NAME:max or NAME:min sets a direction (default: ${DEFAULT-VALUE})")
    String metric;

    @Option(names = "--prune-on", paramLabel = "NAME", description = "the metric pruning decides on (default: the first of val_accuracy, val_loss among --metric)")
    String pruneOn;

    @Option(names = "--retry-failed", defaultValue = "0", paramLabel = "N",
            description = "run the parameters of a trial whose process died again, up to N times (default: ${DEFAULT-VALUE}); also with --resume")
    int retryFailed;

    @Option(names = "--reports-per-epoch", defaultValue = "4", paramLabel = "N", description = "validations per epoch reported to the pruner (default: ${DEFAULT-VALUE})")
    int reportsPerEpoch;

    @Option(names = "--seeds", defaultValue = "1", paramLabel = "N", description = "re-run the best trial on N seeds (--seed, --seed+1, …) and report its spread; 1 for none (default: ${DEFAULT-VALUE})")
    int seeds;

    @Option(names = "--resume", paramLabel = "STUDY_DIR", description = "continue a stopped or killed study with the options it was started with")
    Path resume;

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

    /** What the options say to do, checked. */
    record Plan(SearchSpace space, List<String> base, TuneObjectives objectives, Sampler sampler, Pruner pruner, Budget budget, int jobs) {
        StudyHeader header(ObjectNode attrs) {
            return new StudyHeader(space, objectives.directions(), objectives.labels(), objectives.pruneIndex(), attrs);
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (resume != null) {
            return resumeStudy(out);
        }
        List<String> argv = Argv.forRun(spec.commandLine().getParseResult().originalArgs(), "tune");
        Plan plan = plan(TuneSession.baseArgs(spec.commandLine().getParseResult()));
        Path dir = train.out != null ? train.out : TrainingSession.defaultOut("tune");
        if (Study.exists(dir)) {
            throw new BadInputException("--out " + dir + " already holds a study; continue it with --resume " + dir + " or choose another directory");
        }
        if (seeds < 1) {
            throw new BadInputException("--seeds must be >= 1, got " + seeds);
        }
        dev.descent.data.IdxImages.TrainTest files = data.load(out);
        TrainingSession.Data d = TrainingSession.split(files, data.name(), train);
        try (Study study = Study.create(JournalStorage.inDirectory(dir), plan.header(TuneSession.attrs(argv)), plan.sampler(), plan.pruner());
             RunLock lock = lock(dir)) {
            study.retryFailed(retryFailed);
            int code = run(study, plan, d, dir, out);
            if (code == 0 && seeds > 1 && !plan.objectives().multi() && study.best().isPresent()) {
                rerunBest(study, plan, files, dir, out);
            }
            return code;
        }
    }

    /** The best trial's configuration on --seeds seeds: its spread, in STUDY/best-seeds/ and best-seeds.json. */
    private void rerunBest(Study study, Plan plan, dev.descent.data.IdxImages.TrainTest files, Path dir, PrintWriter out) {
        List<String> args = TuneObjective.args(plan.base(), study.space(), study.params(study.best().orElseThrow()));
        out.printf(Locale.ROOT, "%nre-running the best trial on %d seeds (%d..%d)%n", seeds, train.seed, train.seed + seeds - 1);
        SeedReruns.Runs runs = SeedReruns.run("best", files, data.name(), args, train.seed, seeds, dir.resolve("best-seeds"), out);
        dev.descent.train.Comparison.Metric m = SeedReruns.report(List.of(runs), out);
        com.fasterxml.jackson.databind.node.ObjectNode j = TrainingSession.JSON.createObjectNode();
        j.put("trial", study.best().orElseThrow().number());
        j.set("configurations", SeedReruns.json(List.of(runs), m));
        TrainingSession.writePrettyJson(dir.resolve("best-seeds.json"), j);
    }

    /** The lock that keeps a second {@code tune} off a running study. */
    private static RunLock lock(Path dir) {
        return RunLock.tryAcquire(dir).orElseThrow(() -> new BadInputException("study " + dir + " is running in another process"
                + RunLock.holder(dir).map(pid -> " (pid " + pid + ")").orElse("") + "; wait for it to finish or stop it"));
    }

    private int run(Study study, Plan plan, TrainingSession.Data d, Path dir, PrintWriter out) {
        out.printf(Locale.ROOT, "tuning %d parameter%s for %s with %s sampling and %s pruning, %s, %d job%s -> %s%n", plan.space().params().size(),
                plan.space().params().size() == 1 ? "" : "s", String.join(", ", plan.objectives().labels()), search.sampler, plan.objectives().prunable() ? search.pruner : "no",
                describe(plan.budget()), plan.jobs(), plan.jobs() == 1 ? "" : "s", dir);
        List<TrialRecord> before = study.trials();
        if (!before.isEmpty()) {
            out.printf(Locale.ROOT, "resuming: %d trials in the journal%n", before.size());
        }
        TuneSession.optimize(study, new TuneObjective(d, plan.base(), study, dir, plan.objectives(), reportsPerEpoch), plan.budget(), plan.jobs(), plan.objectives(), out);
        List<TrialRecord> all = study.trials();
        long complete = all.stream().filter(t -> t.state() == TrialState.COMPLETE).count();
        TuneSession.report(study, plan.objectives(), plan.base(), dir, out);
        return complete == 0 ? 1 : 0;
    }

    private static String describe(Budget b) {
        List<String> parts = new ArrayList<>();
        if (b.trials() > 0) {
            parts.add(b.trials() + " trials");
        }
        if (b.steps() > 0) {
            parts.add(b.steps() + " reports of training");
        }
        if (b.time() != null) {
            parts.add(b.time().toString().substring(2).toLowerCase(Locale.ROOT) + " of time");
        }
        return parts.isEmpty() ? "until the grid is done" : "at most " + String.join(", ", parts);
    }

    /** Checks every option, and every value the space can give, before any data is loaded. */
    Plan plan(List<String> base) {
        SearchSpace s = space.space();
        TrialOptions.parse(base, "").check();
        TrialOptions.checkSpace(s, base);
        if (train.valSize <= 0) {
            throw new BadInputException("tune needs a validation set: --val-size must be positive");
        }
        TuneObjectives m = TuneObjectives.parse(metric, pruneOn);
        if (retryFailed < 0) {
            throw new BadInputException("--retry-failed must be >= 0, got " + retryFailed);
        }
        if (jobs < 1) {
            throw new BadInputException("--jobs must be >= 1, got " + jobs);
        }
        if (reportsPerEpoch < 1) {
            throw new BadInputException("--reports-per-epoch must be >= 1, got " + reportsPerEpoch);
        }
        if (trials < 0 || !(budgetEpochs >= 0)) {
            throw new BadInputException("--trials and --budget-epochs must be >= 0");
        }
        Sampler smp = search.sampler(train.seed);
        Pruner pr = search.pruner();
        if (!m.prunable()) {
            pr = new Pruner.None(); // nothing is reported while a trial trains
        }
        Budget b = new Budget(trials, Math.round(budgetEpochs * reportsPerEpoch), parseDuration(timeout));
        if (!b.bounded() && smp.capacity(s).isEmpty()) {
            throw new BadInputException("tune needs a budget: --trials, --budget-epochs or --timeout");
        }
        return new Plan(s, base, m, smp, pr, b, jobs);
    }

    /** "90s", "10m", "1h30m", "2h" as a duration; null stays null. */
    static Duration parseDuration(String text) {
        if (text == null) {
            return null;
        }
        try {
            Duration d = Duration.parse("PT" + text.trim().toUpperCase(Locale.ROOT));
            if (d.isNegative() || d.isZero()) {
                throw new BadInputException("--timeout must be positive, got " + text);
            }
            return d;
        } catch (DateTimeParseException e) {
            throw new BadInputException("--timeout: '" + text + "' is not a duration such as 90s, 10m or 1h30m");
        }
    }

    private int resumeStudy(PrintWriter out) {
        StudyHeader h;
        try {
            h = Study.header(resume);
        } catch (dev.descent.io.InputException e) {
            throw new BadInputException("--resume " + resume + ": " + e.getMessage());
        }
        try (RunLock lock = lock(resume)) {
            List<String> argv = new ArrayList<>();
            h.attrs().path("command_line").forEach(a -> argv.add(a.asText()));
            TuneCommand original = new TuneCommand();
            CommandLine cl = Argv.reparse(original, argv, "--resume " + resume, out);
            original.spec = cl.getCommandSpec();
            if (spec.commandLine().getParseResult().hasMatchedOption("--retry-failed")) {
                original.retryFailed = retryFailed;
            }
            Plan plan = original.plan(TuneSession.baseArgs(cl.getParseResult()));
            if (!plan.space().equals(h.space())) {
                throw new BadInputException("--resume " + resume + ": the saved command line gives another search space than the journal's");
            }
            TrainingSession.Data d = TrainingSession.load(original.data, original.train, out);
            JournalStorage storage = JournalStorage.inDirectory(resume);
            List<TrialRecord> before = storage.read().trials();
            try (Study study = Study.open(storage, plan.sampler(), plan.pruner())) {
                study.retryFailed(original.retryFailed);
                List<TrialRecord> now = study.trials();
                for (TrialRecord t : before) {
                    if (t.state() == TrialState.RUNNING && now.get(t.number()).state() == TrialState.FAIL) {
                        out.printf(Locale.ROOT, "trial %d was cut off (%s): marked failed%s%n", t.number(), now.get(t.number()).message(),
                                original.retryFailed > 0 ? "; its parameters run again (--retry-failed " + original.retryFailed + ")" : "; --retry-failed N runs its parameters again");
                    }
                }
                return original.run(study, plan, d, resume, out);
            }
        }
    }
}
