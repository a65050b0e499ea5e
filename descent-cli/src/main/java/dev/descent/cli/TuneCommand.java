package dev.descent.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;

import dev.descent.tune.Budget;
import dev.descent.tune.GridSampler;
import dev.descent.tune.Pruner;
import dev.descent.tune.RandomSampler;
import dev.descent.tune.Sampler;
import dev.descent.tune.SearchSpace;
import dev.descent.tune.Study;
import dev.descent.tune.TpeSampler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code descent tune}: a hyperparameter search over training options, with pruning, parallel trials,
 * a budget, and a journal from which a killed study resumes.
 */
@Command(name = "tune", mixinStandardHelpOptions = true, abbreviateSynopsis = true, sortOptions = false,
        description = {"Search training options: random, grid or TPE sampling, median or ASHA pruning, parallel trials, a budget.",
                "Each trial is a train run in OUT/trials/NNNN; journal.jsonl records every trial as it happens, so --resume OUT continues a killed study.",
                "Other options (--epochs, --hidden, --optimizer, …) set what the trials do not search."})
public final class TuneCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    SpaceOptions space = new SpaceOptions();

    @Option(names = "--sampler", defaultValue = "tpe", paramLabel = "NAME", description = "tpe, random or grid (default: ${DEFAULT-VALUE})")
    String sampler;

    @Option(names = "--grid-points", defaultValue = "4", paramLabel = "N", description = "grid: points per numeric range (default: ${DEFAULT-VALUE})")
    int gridPoints;

    @Option(names = "--pruner", defaultValue = "median", paramLabel = "NAME", description = "median, asha or none (default: ${DEFAULT-VALUE})")
    String pruner;

    @Option(names = "--reduction-factor", defaultValue = "3", paramLabel = "η", description = "asha: keep the best 1/η at each rung (default: ${DEFAULT-VALUE})")
    int reductionFactor;

    @Option(names = "--trials", defaultValue = "20", paramLabel = "N", description = "trials in all, resumed ones included; 0 for no limit (default: ${DEFAULT-VALUE})")
    int trials;

    @Option(names = "--budget-epochs", defaultValue = "0", paramLabel = "E", description = "stop starting trials after E epochs of training in all; 0 for no limit (default: ${DEFAULT-VALUE})")
    double budgetEpochs;

    @Option(names = "--timeout", paramLabel = "TIME", description = "stop starting trials after this long, e.g. 90s, 10m, 1h30m")
    String timeout;

    @Option(names = "--jobs", defaultValue = "1", paramLabel = "N", description = "trials run in parallel (default: ${DEFAULT-VALUE})")
    int jobs;

    @Option(names = "--metric", defaultValue = "val_accuracy", paramLabel = "NAME", description = "val_accuracy (maximised) or val_loss (minimised) (default: ${DEFAULT-VALUE})")
    String metric;

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
    record Plan(SearchSpace space, List<String> base, TuneMetric metric, Sampler sampler, Pruner pruner, Budget budget, int jobs) {
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
        try (Study study = Study.create(dir, plan.space(), plan.metric().direction, plan.sampler(), plan.pruner(), TuneSession.attrs(argv, plan.metric()))) {
            int code = run(study, plan, d, out);
            if (code == 0 && seeds > 1 && study.best().isPresent()) {
                rerunBest(study, plan, files, out);
            }
            return code;
        }
    }

    /** The best trial's configuration on --seeds seeds: its spread, in STUDY/best-seeds/ and best-seeds.json. */
    private void rerunBest(Study study, Plan plan, dev.descent.data.IdxImages.TrainTest files, PrintWriter out) {
        List<String> args = TuneObjective.args(plan.base(), study.space(), study.params(study.best().orElseThrow()));
        out.printf(Locale.ROOT, "%nre-running the best trial on %d seeds (%d..%d)%n", seeds, train.seed, train.seed + seeds - 1);
        SeedReruns.Runs runs = SeedReruns.run("best", files, data.name(), args, train.seed, seeds, study.dir().resolve("best-seeds"), out);
        dev.descent.train.Comparison.Metric m = SeedReruns.report(List.of(runs), out);
        com.fasterxml.jackson.databind.node.ObjectNode j = TrainingSession.JSON.createObjectNode();
        j.put("trial", study.best().orElseThrow().number());
        j.set("configurations", SeedReruns.json(List.of(runs), m));
        TrainingSession.writePrettyJson(study.dir().resolve("best-seeds.json"), j);
    }

    private int run(Study study, Plan plan, TrainingSession.Data d, PrintWriter out) {
        out.printf(Locale.ROOT, "tuning %d parameter%s with %s sampling and %s pruning, %s, %d job%s -> %s%n", plan.space().params().size(),
                plan.space().params().size() == 1 ? "" : "s", sampler, pruner, describe(plan.budget()), plan.jobs(), plan.jobs() == 1 ? "" : "s", study.dir());
        if (!study.trials().isEmpty()) {
            out.printf(Locale.ROOT, "resuming: %d trials in the journal%n", study.trials().size());
        }
        TuneSession.optimize(study, new TuneObjective(d, plan.base(), study, plan.metric(), reportsPerEpoch), plan.budget(), plan.jobs(), plan.metric(), out);
        JsonNode best = TuneSession.report(study, plan.metric(), plan.base(), out);
        return best == null ? 1 : 0;
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
        TuneMetric m = TuneMetric.parse(metric);
        if (jobs < 1) {
            throw new BadInputException("--jobs must be >= 1, got " + jobs);
        }
        if (reportsPerEpoch < 1) {
            throw new BadInputException("--reports-per-epoch must be >= 1, got " + reportsPerEpoch);
        }
        if (trials < 0 || !(budgetEpochs >= 0)) {
            throw new BadInputException("--trials and --budget-epochs must be >= 0");
        }
        Sampler smp = switch (sampler.toLowerCase(Locale.ROOT)) {
            case "tpe" -> TpeSampler.multivariate(train.seed);
            case "random" -> new RandomSampler(train.seed);
            case "grid" -> {
                if (gridPoints < 1) {
                    throw new BadInputException("--grid-points must be >= 1, got " + gridPoints);
                }
                yield new GridSampler(train.seed, gridPoints);
            }
            default -> throw new BadInputException("--sampler: unknown '" + sampler + "' (known: tpe, random, grid)");
        };
        Pruner pr = switch (pruner.toLowerCase(Locale.ROOT)) {
            case "median" -> Pruner.Median.withDefaults();
            case "asha" -> {
                if (reductionFactor < 2) {
                    throw new BadInputException("--reduction-factor must be >= 2, got " + reductionFactor);
                }
                yield new Pruner.SuccessiveHalving(1, reductionFactor, 0);
            }
            case "none" -> new Pruner.None();
            default -> throw new BadInputException("--pruner: unknown '" + pruner + "' (known: median, asha, none)");
        };
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
        Study.Header h = Study.header(resume);
        List<String> argv = new ArrayList<>();
        h.attrs().path("command_line").forEach(a -> argv.add(a.asText()));
        TuneCommand original = new TuneCommand();
        CommandLine cl = Argv.reparse(original, argv, "--resume " + resume, out);
        original.spec = cl.getCommandSpec();
        Plan plan = original.plan(TuneSession.baseArgs(cl.getParseResult()));
        if (!plan.space().equals(h.space())) {
            throw new BadInputException("--resume " + resume + ": the saved command line gives another search space than the journal's");
        }
        TrainingSession.Data d = TrainingSession.load(original.data, original.train, out);
        try (Study study = Study.open(resume, plan.sampler(), plan.pruner())) {
            return original.run(study, plan, d, out);
        }
    }
}
