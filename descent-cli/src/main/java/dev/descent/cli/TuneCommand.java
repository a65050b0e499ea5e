package dev.descent.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
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
import dev.descent.tune.storage.StudyStorage;
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
                "With --storage postgresql://HOST/DB?user=NAME --study NAME, start it any number of times on any number of machines: each process is a worker",
                "of one shared study, until the study's budget is spent (the first creates the study; the others join it and may leave out its options).",
                "--spark MASTER --workers N runs N such workers as the tasks of one Spark job.",
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

    /** The one option a {@code --resume} takes besides {@code --debug} (its help and {@link Argv#resumeOnly} both read it). */
    static final String RESUME_ALSO_TAKES = "--retry-failed";

    @Option(names = "--resume", paramLabel = "STUDY_DIR", description = "continue a stopped or killed study with the options it was started with; takes no other option but " + RESUME_ALSO_TAKES + " and --debug")
    Path resume;

    @Option(names = "--storage", paramLabel = "URL|DIR",
            description = "run as one worker of a shared study: postgresql://HOST[:PORT]/DB?user=NAME (workers on many machines; the password from PGPASSWORD or ~/.pgpass) or a study directory (processes on one machine)")
    String storage;

    @Option(names = "--study", paramLabel = "NAME", description = "the study's name in the --storage database")
    String study;

    @Option(names = "--heartbeat-timeout", defaultValue = "60s", paramLabel = "TIME",
            description = "a trial whose worker has not beaten for this long is marked failed (and run again under --retry-failed); workers beat 4 times per timeout (default: ${DEFAULT-VALUE})")
    String heartbeatTimeout;

    @Option(names = "--spark", paramLabel = "MASTER", description = "run --workers workers as the tasks of one Spark job: local[N], spark://HOST:PORT, k8s://…; needs --storage")
    String spark;

    @Option(names = "--workers", defaultValue = "2", paramLabel = "N", description = "with --spark: workers, one per Spark task (default: ${DEFAULT-VALUE})")
    int workers;

    /**
     * Options that belong to one worker of a shared study, not to the study: where the worker keeps its
     * runs and its data, how it runs them, how long it goes on.
     */
    static final Set<String> WORKER_OPTIONS = Set.of("--storage", "--study", "--out", "--jobs", "--threads", "--data-dir", "--retry-failed",
            "--heartbeat-timeout", "--timeout", "--spark", "--workers");

    /** The sampler's seed, when it is not the training seed (a worker of a shared study draws its own stream). */
    Long samplerSeed;

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
        if (spark != null) {
            return SparkTune.launch(this, spec.commandLine().getParseResult().originalArgs(), out);
        }
        if (storage != null) {
            if (resume != null) {
                throw new BadInputException("--resume is for a study directory; a worker of --storage joins the study as it is");
            }
            return work(out);
        }
        if (study != null) {
            throw new BadInputException("--study names a study in a --storage database; give --storage too");
        }
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
            study.retryFailed(retryFailed).heartbeat(heartbeat());
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

    /**
     * One worker of a shared study: creates the study from these options if it is not there yet (the
     * first worker to arrive wins), else joins it with the options it was created with, then runs
     * trials until the study's budget is spent.
     */
    private int work(PrintWriter out) {
        StudyLocation where = StudyLocation.parse(storage, study, "--storage");
        List<String> original = spec.commandLine().getParseResult().originalArgs();
        List<String> defining = Argv.forRun(original, "tune", WORKER_OPTIONS.toArray(String[]::new));
        heartbeat();
        try (StudyStorage st = where.open()) {
            boolean created = false;
            if (!st.exists()) {
                Plan mine = plan(TuneSession.baseArgs(spec.commandLine().getParseResult()));
                try {
                    st.create(mine.header(TuneSession.attrs(defining)));
                    created = true;
                } catch (IllegalArgumentException | dev.descent.io.InputException e) {
                    if (!st.exists()) {
                        throw e;
                    }
                    // another worker created it first: join it below
                }
            }
            StudyHeader h = st.read().header();
            List<String> stored = new ArrayList<>();
            h.attrs().path("command_line").forEach(a -> stored.add(a.asText()));
            if (!h.attrs().has("command_line")) {
                throw new BadInputException(where + " was not made by descent tune (it has no command line to rebuild its trials from); drive it with descent study ask/tell");
            }
            if (!defining.isEmpty() && !canonical(defining, out).equals(canonical(stored, out))) {
                throw new BadInputException(where + " was created with other options (" + String.join(" ", stored)
                        + "); leave the study's options out to join it, or give the same ones");
            }
            // The study's options, then this worker's own: as --resume rebuilds a study.
            List<String> argv = new ArrayList<>(stored);
            argv.addAll(workerArgs());
            TuneCommand worker = new TuneCommand();
            CommandLine cl = Argv.reparse(worker, argv, where.toString(), out);
            worker.spec = cl.getCommandSpec();
            worker.samplerSeed = workerSeed(worker.train.seed);
            Plan plan = worker.plan(TuneSession.baseArgs(cl.getParseResult()));
            if (!java.util.Objects.equals(plan.space(), h.space())) {
                throw new BadInputException(where + ": its saved command line gives another search space than the study's");
            }
            Path dir = train.out != null ? train.out : where.database() ? Path.of("runs", where.name()) : where.dir();
            out.printf(Locale.ROOT, "%s %s; this worker (pid %d on %s) keeps its trials' runs in %s%n", created ? "created" : "joined", where,
                    ProcessHandle.current().pid(), dev.descent.tune.TrialOwner.current().host(), dir.resolve("trials"));
            TrainingSession.Data d = TrainingSession.load(worker.data, worker.train, out);
            try (Study s = Study.open(st, plan.sampler(), plan.pruner())) {
                s.retryFailed(retryFailed).heartbeat(heartbeat());
                return worker.run(s, plan, d, dir, out);
            }
        }
    }

    /** The options of this command line that are this worker's own, as words. */
    private List<String> workerArgs() {
        List<String> out = new ArrayList<>();
        for (CommandLine.Model.OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
            if (WORKER_OPTIONS.contains(o.longestName()) && !o.longestName().equals("--spark")) {
                for (String v : o.originalStringValues()) {
                    out.add(o.longestName());
                    out.add(v);
                }
            }
        }
        return out;
    }

    /** The study-defining options of {@code argv}, each as NAME=VALUE, in a set: two spellings of one study compare equal. */
    private static Set<String> canonical(List<String> argv, PrintWriter out) {
        CommandLine cl = Argv.reparse(new TuneCommand(), argv, "tune", out);
        Set<String> s = new TreeSet<>();
        for (CommandLine.Model.OptionSpec o : cl.getParseResult().matchedOptions()) {
            if (!WORKER_OPTIONS.contains(o.longestName())) {
                s.add(o.longestName() + "=" + String.join("\u0000", o.originalStringValues()));
            }
        }
        return s;
    }

    /**
     * A worker's sampler seed: the study's seed mixed with this process and moment, so that workers
     * started together do not draw the same parameters in lockstep.
     */
    private static long workerSeed(long seed) {
        long x = seed ^ ProcessHandle.current().pid() * 0x9E3779B97F4A7C15L ^ System.nanoTime() ^ System.identityHashCode(new Object());
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        x ^= x >>> 33;
        return x;
    }

    /** The heartbeat timeout, checked. */
    Duration heartbeat() {
        Duration d = parseDuration(heartbeatTimeout, "--heartbeat-timeout");
        if (d.toMillis() < 100) {
            throw new BadInputException("--heartbeat-timeout must be at least 100ms, got " + heartbeatTimeout);
        }
        return d;
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
            // A worker of a shared study joins what the others did; a study of its own is being resumed.
            out.printf(Locale.ROOT, study.storage() instanceof JournalStorage && storage == null ? "resuming: %d trials in the journal%n"
                    : "joining: %d trials in the study already%n", before.size());
        }
        TuneSession.warmup(data, d, plan.base(), plan.space());
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
        Sampler smp = search.sampler(samplerSeed != null ? samplerSeed : train.seed);
        Pruner pr = search.pruner();
        if (!m.prunable()) {
            pr = new Pruner.None(); // nothing is reported while a trial trains
        }
        Budget b = new Budget(trials, Math.round(budgetEpochs * reportsPerEpoch), parseDuration(timeout, "--timeout"));
        if (!b.bounded() && smp.capacity(s).isEmpty()) {
            throw new BadInputException("tune needs a budget: --trials, --budget-epochs or --timeout");
        }
        return new Plan(s, base, m, smp, pr, b, jobs);
    }

    /** "90s", "10m", "1h30m", "2h", "500ms" as a duration; null stays null. {@code option} names it in messages. */
    static Duration parseDuration(String text, String option) {
        if (text == null) {
            return null;
        }
        String t = text.trim().toUpperCase(Locale.ROOT);
        try {
            Duration d = t.endsWith("MS") ? Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2))) : Duration.parse("PT" + t);
            if (d.isNegative() || d.isZero()) {
                throw new BadInputException(option + " must be positive, got " + text);
            }
            return d;
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new BadInputException(option + ": '" + text + "' is not a duration such as 90s, 10m or 1h30m");
        }
    }

    private int resumeStudy(PrintWriter out) {
        Argv.resumeOnly(spec.commandLine().getParseResult(), "the study's journal", Set.of(RESUME_ALSO_TAKES));
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
                study.retryFailed(original.retryFailed).heartbeat(heartbeat());
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
