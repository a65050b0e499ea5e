package dev.descent.benchmark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleFunction;

import dev.descent.optim.OptimizerSpec;
import dev.descent.train.Comparison;

/**
 * The DeepOBS protocol: for every test problem and every optimizer, tune the learning rate on a
 * log grid with one seed (the best final validation metric wins; a diverged run loses), re-run the
 * best learning rate on N seeds (the tuning run is the first of them), and report final test loss and
 * accuracy with their spread ({@link Comparison}), the speed to a target (steps and seconds), and
 * Dolan–Moré performance profiles across problems.
 *
 * <p>The target of a problem is what the best optimizer reaches, less a tolerance: its mean final
 * validation accuracy minus {@value #ACCURACY_TOLERANCE}, or for a loss its mean final validation
 * loss times {@code 1 + }{@value #LOSS_TOLERANCE} — DeepOBS's "convergence performance" idea, so that
 * at least one optimizer reaches it whatever the budget.
 */
public final class Benchmark {

    /** Accuracy below the best optimizer's that still counts as reaching the target. */
    public static final double ACCURACY_TOLERANCE = 0.01;
    /** Relative loss above the best optimizer's that still counts as reaching the target. */
    public static final double LOSS_TOLERANCE = 0.05;

    /** An optimizer under test: its name and its configuration at a given learning rate. */
    public record Contender(String name, DoubleFunction<OptimizerSpec<?>> atLr) {
    }

    /**
     * How the suite runs.
     *
     * @param lrGrid the learning rates tried when tuning
     * @param seeds  seeds per re-run: {@code seed, seed + 1, …}; the first also tunes
     */
    public record Protocol(double[] lrGrid, int seeds, long seed, Scale scale) {

        /** Checks the grid and the seed count. */
        public Protocol {
            if (lrGrid.length == 0 || Arrays.stream(lrGrid).anyMatch(v -> !(v > 0) || Double.isInfinite(v))) {
                throw new IllegalArgumentException("the learning-rate grid needs positive finite values");
            }
            if (seeds < 1) {
                throw new IllegalArgumentException("a benchmark needs at least one seed, got " + seeds);
            }
            lrGrid = lrGrid.clone();
        }

        /** {@code perDecade} log-spaced points per decade from {@code low} to {@code high}, both included. */
        public static double[] logGrid(double low, double high, int perDecade) {
            int n = (int) Math.round(Math.log10(high / low) * perDecade) + 1;
            double[] g = new double[n];
            for (int i = 0; i < n; i++) {
                // Rounded to 3 significant digits so that printed grids read 1e-4, 3.16e-4, …
                g[i] = Double.parseDouble(String.format(java.util.Locale.ROOT, "%.3g", low * Math.pow(10, (double) i / perDecade)));
            }
            return g;
        }
    }

    /** Progress reports. */
    public interface Listener {
        /** A tuning run finished. */
        default void tuned(TestProblem p, String contender, double lr, ProblemRun run) {
        }

        /** A re-run on a seed finished. */
        default void seeded(TestProblem p, String contender, long seed, ProblemRun run) {
        }

        /** A problem is done. */
        default void problemDone(ProblemResult r) {
        }
    }

    /** One learning rate tried while tuning. */
    public record TuningPoint(double lr, double metric, boolean diverged) {
    }

    /** One optimizer on one problem: its tuning, the best learning rate and the runs on every seed. */
    public record ContenderResult(String name, List<TuningPoint> tuning, double bestLr, long[] seeds, List<ProblemRun> runs) {
    }

    /**
     * One problem's results.
     *
     * @param target          the validation metric counted as reached
     * @param metrics         "test_accuracy" (classifiers), "test_loss", "final_metric", "steps_to_target",
     *                        "seconds_to_target" compared across contenders
     */
    public record ProblemResult(TestProblem problem, Budget budget, List<ContenderResult> contenders, double target,
                                Map<String, Comparison.Metric> metrics) {
    }

    /**
     * A Dolan–Moré performance profile: for every contender, the fraction ρ(τ) of problems on which
     * its cost is within a factor τ of the best contender's (cost ∞ when it failed).
     *
     * @param costs contender → one cost per problem (NaN or ∞ for failed)
     */
    public record Profile(String name, List<String> problems, Map<String, double[]> costs, double[] taus, Map<String, double[]> rho) {
    }

    /** Everything a benchmark run produced. */
    public record Result(Protocol protocol, List<ProblemResult> problems, Profile speed, Profile performance) {
    }

    private Benchmark() {
    }

    /** Runs every contender on every problem under {@code protocol}. */
    public static Result run(List<TestProblem> problems, List<Contender> contenders, Protocol protocol, Listener listener) {
        List<ProblemResult> out = new ArrayList<>();
        for (TestProblem p : problems) {
            ProblemResult r = runProblem(p, contenders, protocol, listener);
            listener.problemDone(r);
            out.add(r);
        }
        return new Result(protocol, List.copyOf(out), speedProfile(out), performanceProfile(out));
    }

    private static ProblemResult runProblem(TestProblem p, List<Contender> contenders, Protocol protocol, Listener listener) {
        Budget budget = p.budget(protocol.scale());
        boolean higher = p.hasAccuracy();
        List<ContenderResult> results = new ArrayList<>();
        for (Contender c : contenders) {
            List<TuningPoint> tuning = new ArrayList<>();
            ProblemRun bestRun = null;
            double bestLr = Double.NaN, best = Double.NaN;
            for (double lr : protocol.lrGrid()) {
                ProblemRun run = p.run(c.atLr().apply(lr), budget, protocol.seed());
                listener.tuned(p, c.name(), lr, run);
                double m = run.finalMetric();
                tuning.add(new TuningPoint(lr, m, run.diverged()));
                if (!Double.isNaN(m) && (Double.isNaN(best) || (higher ? m > best : m < best))) {
                    best = m;
                    bestLr = lr;
                    bestRun = run;
                }
            }
            if (bestRun == null) {
                // Every learning rate diverged: report the smallest, honestly diverged.
                bestLr = protocol.lrGrid()[0];
                bestRun = p.run(c.atLr().apply(bestLr), budget, protocol.seed());
            }
            long[] seeds = new long[protocol.seeds()];
            List<ProblemRun> runs = new ArrayList<>();
            for (int s = 0; s < seeds.length; s++) {
                seeds[s] = protocol.seed() + s;
                // The tuning run is the first seed's run: the same optimizer, learning rate and seed.
                ProblemRun run = s == 0 ? bestRun : p.run(c.atLr().apply(bestLr), budget, seeds[s]);
                listener.seeded(p, c.name(), seeds[s], run);
                runs.add(run);
            }
            results.add(new ContenderResult(c.name(), List.copyOf(tuning), bestLr, seeds, List.copyOf(runs)));
        }
        double target = target(results, higher);
        Map<String, Comparison.Metric> metrics = new LinkedHashMap<>();
        if (higher) {
            metrics.put("test_accuracy", metric("test_accuracy", Comparison.Better.HIGHER, results, ProblemRun::testAccuracy));
        }
        metrics.put("test_loss", metric("test_loss", Comparison.Better.LOWER, results, ProblemRun::testLoss));
        metrics.put("final_metric", metric("final_metric", higher ? Comparison.Better.HIGHER : Comparison.Better.LOWER, results, ProblemRun::finalMetric));
        metrics.put("steps_to_target", metric("steps_to_target", Comparison.Better.LOWER, results, r -> {
            int i = r.firstReaching(target, higher);
            return i < 0 ? Double.NaN : r.evalSteps()[i];
        }));
        metrics.put("seconds_to_target", metric("seconds_to_target", Comparison.Better.LOWER, results, r -> {
            int i = r.firstReaching(target, higher);
            return i < 0 ? Double.NaN : r.evalSeconds()[i];
        }));
        return new ProblemResult(p, budget, List.copyOf(results), target, metrics);
    }

    private static double target(List<ContenderResult> results, boolean higher) {
        double best = Double.NaN;
        for (ContenderResult c : results) {
            double m = Comparison.Stats.of(c.runs().stream().mapToDouble(ProblemRun::finalMetric).toArray()).mean();
            if (!Double.isNaN(m) && (Double.isNaN(best) || (higher ? m > best : m < best))) {
                best = m;
            }
        }
        return higher ? best - ACCURACY_TOLERANCE : best * (1 + LOSS_TOLERANCE);
    }

    private static Comparison.Metric metric(String name, Comparison.Better better, List<ContenderResult> results,
                                            java.util.function.ToDoubleFunction<ProblemRun> f) {
        Map<String, double[]> v = new LinkedHashMap<>();
        for (ContenderResult c : results) {
            v.put(c.name(), c.runs().stream().mapToDouble(f).toArray());
        }
        return Comparison.of(name, better, v);
    }

    /**
     * Speed: the mean steps to the target over the seeds that reached it, when at least half did;
     * otherwise the contender failed on the problem.
     */
    static Profile speedProfile(List<ProblemResult> results) {
        return profile("steps to target", results, (r, name) -> {
            Comparison.Stats s = r.metrics().get("steps_to_target").entry(name).stats();
            return s.n() * 2 >= s.n() + s.missing() && s.n() > 0 ? s.mean() : Double.POSITIVE_INFINITY;
        });
    }

    /** Final performance: the mean test error (1 − accuracy), or the mean test loss for a problem without accuracy. */
    static Profile performanceProfile(List<ProblemResult> results) {
        return profile("final test error (loss without accuracy)", results, (r, name) -> {
            boolean acc = r.problem().hasAccuracy();
            double m = r.metrics().get(acc ? "test_accuracy" : "test_loss").entry(name).stats().mean();
            return Double.isNaN(m) ? Double.POSITIVE_INFINITY : acc ? 1 - m : m;
        });
    }

    private static Profile profile(String name, List<ProblemResult> results, java.util.function.BiFunction<ProblemResult, String, Double> cost) {
        List<String> problems = results.stream().map(r -> r.problem().name()).toList();
        Map<String, double[]> costs = new LinkedHashMap<>();
        if (!results.isEmpty()) {
            for (ContenderResult c : results.get(0).contenders()) {
                double[] v = new double[results.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = cost.apply(results.get(i), c.name());
                }
                costs.put(c.name(), v);
            }
        }
        return profile(name, problems, costs);
    }

    /** The profile of the given costs (lower is better; NaN or ∞ for a failure). */
    public static Profile profile(String name, List<String> problems, Map<String, double[]> costs) {
        int np = problems.size();
        double[] best = new double[np];
        Arrays.fill(best, Double.POSITIVE_INFINITY);
        costs.values().forEach(v -> {
            for (int i = 0; i < np; i++) {
                if (v[i] >= 0 && v[i] < best[i]) {
                    best[i] = v[i];
                }
            }
        });
        Map<String, double[]> ratios = new LinkedHashMap<>();
        double maxRatio = 2;
        for (var e : costs.entrySet()) {
            double[] r = new double[np];
            for (int i = 0; i < np; i++) {
                double c = e.getValue()[i];
                r[i] = !(c >= 0) || Double.isInfinite(c) || Double.isInfinite(best[i]) ? Double.POSITIVE_INFINITY
                        : best[i] == 0 ? (c == 0 ? 1 : Double.POSITIVE_INFINITY) : c / best[i];
                if (Double.isFinite(r[i])) {
                    maxRatio = Math.max(maxRatio, r[i]);
                }
            }
            ratios.put(e.getKey(), r);
        }
        int n = 200;
        double[] taus = new double[n];
        for (int i = 0; i < n; i++) {
            taus[i] = Math.pow(maxRatio * 1.1, (double) i / (n - 1));
        }
        Map<String, double[]> rho = new LinkedHashMap<>();
        ratios.forEach((k, r) -> {
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                int count = 0;
                for (double x : r) {
                    if (x <= taus[i] * (1 + 1e-12)) {
                        count++;
                    }
                }
                y[i] = np == 0 ? 0 : (double) count / np;
            }
            rho.put(k, y);
        });
        return new Profile(name, problems, costs, taus, rho);
    }
}
