package dev.descent.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.descent.data.IdxImages;
import dev.descent.plot.RunCharts;
import dev.descent.train.Comparison;
import dev.descent.train.History;
import dev.descent.train.KernelWarmup;
import dev.descent.train.RunDir;
import dev.descent.train.TrainResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code descent compare}: trains one model per optimizer and seed — at a given seed every optimizer
 * starts from the same initial weights, split and batch order — then prints the statistics of every
 * column over the seeds ({@link Comparison}: mean ± std, Student-t 95% interval, Welch's test
 * against the best) and draws the mean curves with bands.
 */
@Command(name = "compare", mixinStandardHelpOptions = true, abbreviateSynopsis = true, sortOptions = false,
        description = "Train several optimizers from the same initial weights and seeds; over --seeds N seeds one table with mean ± std, "
                + "95%% CIs and Welch's test against the best, mean curves with bands (compare.png/svg), and compare.json.")
public final class CompareCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--optimizers", required = true, split = ",", paramLabel = "A,B,…", description = "optimizers to compare, e.g. sgd,momentum,rmsprop,adam")
    List<String> optimizers;

    @Option(names = "--seeds", defaultValue = "1", paramLabel = "N", description = "seeds per optimizer: --seed, --seed+1, …; 3 or more allow a test (default: ${DEFAULT-VALUE})")
    int seeds;

    @Option(names = "--target", defaultValue = "0.9", paramLabel = "ACC", description = "validation accuracy for the steps-to-target column (default: ${DEFAULT-VALUE})")
    double target;

    @Option(names = "--per-seed", description = "draw every seed's curve faintly beside the mean and its band")
    boolean perSeed;

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

    /** One run's numbers, as compare.json keeps them. */
    record SeedRun(long seed, double testAccuracy, double testLoss, double valAccuracy, double bestValLoss, double trainSeconds,
                   Integer stepsToTarget, Path dir, History history) {
    }

    /** The columns of the table: JSON key, heading, which way is better, how a value prints. */
    private record Column(String key, String heading, Comparison.Better better, boolean percent) {
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<String> names = new ArrayList<>();
        for (String o : optimizers) {
            optimizer.optimizer = o;
            String n = optimizer.name();
            if (names.contains(n)) {
                throw new BadInputException("--optimizers lists " + n + " twice");
            }
            names.add(n);
        }
        if (seeds < 1) {
            throw new BadInputException("--seeds must be >= 1, got " + seeds);
        }
        if (!(target > 0 && target <= 1)) {
            throw new BadInputException("--target is a validation accuracy in (0, 1], got " + target);
        }
        OptionChecks.beforeData(model, optimizer, names, schedule, train);
        Path root = train.out != null ? train.out : TrainingSession.defaultOut("compare");
        // The step, and every optimizer's update, is compiled before the first run, so that no run's
        // time is charged with the JIT's work: otherwise the optimizer listed first trained its first
        // epoch several times slower than the others, and a later one its own first epoch somewhat
        // slower, and the time column ranked them by their place in --optimizers.
        KernelWarmup warmup = TrainingSession.warmup(model, data, optimizer, names, schedule, train);
        RunDir top;
        Map<String, List<SeedRun>> runs;
        try {
            IdxImages.TrainTest files = data.load(out);
            top = RunDir.create(root);
            runs = runAll(names, files, root, warmup, out);
        } finally {
            // A no-op once the first run has waited for it; stops it when loading or a run failed first.
            warmup.cancel();
        }
        if (runs == null) {
            return Main.EXIT_INTERRUPTED;
        }
        long first = train.seed;
        Map<String, List<History>> histories = new LinkedHashMap<>();
        runs.forEach((n, l) -> histories.put(n, l.stream().map(SeedRun::history).toList()));
        RunCharts.overlay(root.resolve("compare"), histories, perSeed);

        List<Column> columns = columns();
        Map<String, Comparison.Metric> metrics = new LinkedHashMap<>();
        for (Column c : columns) {
            Map<String, double[]> v = new LinkedHashMap<>();
            runs.forEach((n, l) -> v.put(n, l.stream().mapToDouble(r -> value(r, c.key())).toArray()));
            metrics.put(c.key(), Comparison.of(c.key(), c.better(), v));
        }
        out.println();
        if (seeds == 1) {
            printSingle(out, runs);
        } else {
            printStats(out, columns, metrics, first);
        }
        top.writeJson("compare.json", json(columns, metrics, runs, first));
        out.println("charts: " + root.resolve("compare.png") + ", " + root.resolve("compare.svg") + "; numbers: " + root.resolve("compare.json"));
        return 0;
    }

    /**
     * Every optimizer on every seed, each run from the same initial weights, split and batch order; the
     * first run waits for the warm-up. Null when a run was interrupted (Ctrl-C, SIGTERM).
     */
    private Map<String, List<SeedRun>> runAll(List<String> names, IdxImages.TrainTest files, Path root, KernelWarmup warmup, PrintWriter out) {
        long first = train.seed;
        Map<String, List<SeedRun>> runs = new LinkedHashMap<>();
        names.forEach(n -> runs.put(n, new ArrayList<>()));
        for (int s = 0; s < seeds; s++) {
            train.seed = first + s;
            TrainingSession.Data d = TrainingSession.split(files, data.name(), train);
            warmup.expect(d.train().size(), d.val() == null ? 0 : d.val().size());
            for (String n : names) {
                out.println("== " + n + (seeds > 1 ? " seed " + train.seed : ""));
                RunDir dir = RunDir.create(seeds > 1 ? root.resolve(n).resolve("seed-" + train.seed) : root.resolve(n));
                List<String> argv = new ArrayList<>(Argv.forRun(spec.commandLine().getParseResult().originalArgs(), "compare", "--optimizers", "--out", "--seeds", "--target"));
                argv.remove("--per-seed");
                argv.add("--optimizer=" + n);
                argv.add("--seed=" + train.seed);
                argv.add("--out=" + dir.path());
                String what = n + (seeds > 1 ? " seed " + train.seed : "");
                // On Ctrl-C or SIGTERM the JVM exits once this run's files are written: say so before it does.
                TrainingSession.Hooks hooks = new TrainingSession.Hooks(stepsLeft -> warmup.close(), o -> {
                    if (o.result().reason() == TrainResult.Stop.INTERRUPTED) {
                        out.println("compare: " + o.result().message() + " of " + what + "; no table: the finished runs and this one's checkpoint are under " + root);
                    }
                });
                TrainingSession.Outcome o = TrainingSession.run(d, model, optimizer, n, schedule, train, new SharpnessOptions(), dir, null, argv,
                        List.of(new ConsoleProgress(out, System.console() != null)), out, hooks);
                if (o.result().reason() == TrainResult.Stop.INTERRUPTED) {
                    return null; // the JVM is exiting: no further run, no table
                }
                runs.get(n).add(seedRun(o, train.seed));
            }
        }
        train.seed = first;
        return runs;
    }

    private List<Column> columns() {
        String t = String.format(Locale.ROOT, "%.4g", 100 * target).replaceAll("\\.?0+$", "");
        return List.of(new Column("test_accuracy", "test accuracy (%)", Comparison.Better.HIGHER, true),
                new Column("test_loss", "test loss", Comparison.Better.LOWER, false),
                new Column("val_accuracy", "validation accuracy (%)", Comparison.Better.HIGHER, true),
                new Column("best_val_loss", "best validation loss", Comparison.Better.LOWER, false),
                new Column("steps_to_target", "steps to " + t + "% validation accuracy", Comparison.Better.LOWER, false),
                new Column("train_seconds", "training time (s)", Comparison.Better.LOWER, false));
    }

    private SeedRun seedRun(TrainingSession.Outcome o, long seed) {
        History h = o.trainer().history();
        float best = Float.NaN;
        Integer steps = null;
        int[] vi = h.valIdx();
        float[] vl = h.valLoss(), va = h.valAcc();
        for (int i = 0; i < vl.length; i++) {
            best = Float.isNaN(best) ? vl[i] : Math.min(best, vl[i]);
            if (steps == null && va[i] >= target) {
                steps = vi[i];
            }
        }
        return new SeedRun(seed, o.test().accuracy(), o.test().loss(), o.val() == null ? Double.NaN : o.val().accuracy(), best,
                o.result().trainSeconds(), steps, o.dir().path(), h);
    }

    private static double value(SeedRun r, String key) {
        return switch (key) {
            case "test_accuracy" -> r.testAccuracy();
            case "test_loss" -> r.testLoss();
            case "val_accuracy" -> r.valAccuracy();
            case "best_val_loss" -> r.bestValLoss();
            case "steps_to_target" -> r.stepsToTarget() == null ? Double.NaN : r.stepsToTarget();
            case "train_seconds" -> r.trainSeconds();
            default -> throw new IllegalArgumentException(key);
        };
    }

    /** One seed: one line per optimizer, as before seeds existed (no spread, no test). */
    private void printSingle(PrintWriter out, Map<String, List<SeedRun>> runs) {
        String t = String.format(Locale.ROOT, "%.4g", 100 * target).replaceAll("\\.?0+$", "");
        // As wide as the longest name (schedule-free-adamw), at least the 18 columns of the short ones.
        String name = "%-" + Math.max(18, runs.keySet().stream().mapToInt(String::length).max().orElse(0)) + "s";
        out.printf(Locale.ROOT, name + " %9s %9s %9s %9s %12s%n", "optimizer", "val acc", "test acc", "best val", "time (s)", "steps to " + t + "%");
        runs.forEach((n, l) -> {
            SeedRun r = l.get(0);
            out.printf(Locale.ROOT, name + " %8.2f%% %8.2f%% %9.4f %9.1f %12s%n", n, 100 * r.valAccuracy(), 100 * r.testAccuracy(), r.bestValLoss(),
                    r.trainSeconds(), r.stepsToTarget() == null ? "not reached" : r.stepsToTarget().toString());
        });
        out.println("one seed: no spread and no test; --seeds N (N >= 3) gives confidence intervals and Welch's test against the best");
    }

    private void printStats(PrintWriter out, List<Column> columns, Map<String, Comparison.Metric> metrics, long first) {
        out.printf(Locale.ROOT, "%d seeds per optimizer (%d..%d). mean ± std and the 95%% confidence interval of the mean (Student t, %d df);%n",
                seeds, first, first + seeds - 1, seeds - 1);
        out.println(seeds >= Comparison.MIN_SEEDS_FOR_TEST
                ? "p: Welch's t-test against the best (two-sided); * significantly worse than the best (p < 0.05)"
                : "no test is possible with fewer than " + Comparison.MIN_SEEDS_FOR_TEST + " seeds");
        for (Column c : columns) {
            Comparison.Metric m = metrics.get(c.key());
            out.printf(Locale.ROOT, "%n%-34s %10s %22s %12s%n", c.heading(), "mean ± std", "95% CI", c.key().equals("steps_to_target") ? "reached" : "p vs best");
            double k = c.percent() ? 100 : 1;
            for (Comparison.Entry e : m.entries()) {
                Comparison.Stats s = e.stats();
                String meanStd = s.n() == 0 ? "—" : fmt(k * s.mean(), c) + " ± " + (Double.isNaN(s.std()) ? "—" : fmt(k * s.std(), c));
                String ci = Double.isNaN(s.ciLow()) ? "—" : "[" + fmt(k * s.ciLow(), c) + ", " + fmt(k * s.ciHigh(), c) + "]";
                String last;
                if (c.key().equals("steps_to_target")) {
                    last = s.n() + "/" + (s.n() + s.missing());
                } else if (e.best()) {
                    last = "best";
                } else if (e.pValueVsBest() == null) {
                    last = "—";
                } else {
                    last = pValue(e.pValueVsBest()) + (e.significantlyWorse() ? " *" : "  ");
                }
                out.printf(Locale.ROOT, "  %-22s %22s %22s %12s%n", e.name(), meanStd, ci, last);
            }
        }
        Comparison.Metric acc = metrics.get("test_accuracy");
        Comparison.Entry best = acc.entries().stream().filter(Comparison.Entry::best).findFirst().orElse(null);
        if (best != null) {
            List<String> worse = acc.entries().stream().filter(Comparison.Entry::significantlyWorse).map(Comparison.Entry::name).toList();
            List<String> tied = acc.entries().stream().filter(e -> !e.best() && !e.significantlyWorse()).map(Comparison.Entry::name).toList();
            out.printf(Locale.ROOT, "%nhighest mean test accuracy: %s (%.2f%%)", best.name(), 100 * best.stats().mean());
            if (acc.tested()) {
                out.printf(Locale.ROOT, "; significantly worse: %s; not distinguishable from it at p < 0.05: %s%n",
                        worse.isEmpty() ? "none" : String.join(", ", worse), tied.isEmpty() ? "none" : String.join(", ", tied));
            } else {
                out.println("; no test with " + seeds + " seeds");
            }
        }
    }

    private static String fmt(double v, Column c) {
        if (c.percent()) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        if (c.key().equals("steps_to_target")) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, c.key().equals("train_seconds") ? "%.2f" : "%.4f", v);
    }

    static String pValue(double p) {
        return p < 1e-4 ? "<0.0001" : String.format(Locale.ROOT, "%.4f", p);
    }

    private ObjectNode json(List<Column> columns, Map<String, Comparison.Metric> metrics, Map<String, List<SeedRun>> runs, long first) {
        ObjectNode j = TrainingSession.JSON.createObjectNode();
        ArrayNode sd = j.putArray("seeds");
        for (int s = 0; s < seeds; s++) {
            sd.add(first + s);
        }
        j.put("target_val_accuracy", target);
        j.put("interval", "95% confidence interval of the mean, Student t with n-1 degrees of freedom");
        j.put("test", seeds >= Comparison.MIN_SEEDS_FOR_TEST ? "Welch's t-test against the best mean, two-sided; significantly worse: p < 0.05"
                : "none: fewer than " + Comparison.MIN_SEEDS_FOR_TEST + " seeds");
        j.put("primary_metric", "test_accuracy");
        ArrayNode opts = j.putArray("optimizers");
        runs.forEach((n, l) -> {
            ObjectNode o = opts.addObject();
            o.put("name", n);
            ArrayNode rs = o.putArray("seeds");
            for (SeedRun r : l) {
                ObjectNode x = rs.addObject();
                x.put("seed", r.seed());
                for (Column c : columns) {
                    putNumber(x, c.key(), value(r, c.key()));
                }
                x.put("run_dir", r.dir().toString());
            }
            for (Column c : columns) {
                Comparison.Entry e = metrics.get(c.key()).entry(n);
                ObjectNode m = o.putObject(c.key());
                aggregate(m, e);
            }
            Comparison.Entry primary = metrics.get("test_accuracy").entry(n);
            putNullable(o, "p_value_vs_best", primary.pValueVsBest());
            o.put("best", primary.best());
            o.put("significantly_worse", primary.significantlyWorse());
        });
        return j;
    }

    /** {@code mean}, {@code std}, {@code ci95} [low, high], {@code n}, {@code missing}, and the test against the best. */
    static void aggregate(ObjectNode m, Comparison.Entry e) {
        Comparison.Stats s = e.stats();
        putNumber(m, "mean", s.mean());
        putNumber(m, "std", s.std());
        ArrayNode ci = m.putArray("ci95");
        if (Double.isNaN(s.ciLow())) {
            ci.addNull();
            ci.addNull();
        } else {
            ci.add(s.ciLow());
            ci.add(s.ciHigh());
        }
        m.put("n", s.n());
        m.put("missing", s.missing());
        m.put("best", e.best());
        putNullable(m, "p_value_vs_best", e.pValueVsBest());
        m.put("significantly_worse", e.significantlyWorse());
    }

    static void putNumber(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) {
            o.put(key, v);
        } else {
            o.putNull(key);
        }
    }

    private static void putNullable(ObjectNode o, String key, Double v) {
        if (v == null) {
            o.putNull(key);
        } else {
            o.put(key, v.doubleValue());
        }
    }
}
