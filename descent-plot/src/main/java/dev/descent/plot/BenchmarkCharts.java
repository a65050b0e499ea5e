package dev.descent.plot;

import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.descent.benchmark.Benchmark;
import dev.descent.benchmark.ProblemRun;

/** The figures of a benchmark report: one per problem, and the performance profiles. */
public final class BenchmarkCharts {

    private BenchmarkCharts() {
    }

    /**
     * Three panels for one problem: the tuning curve (final validation metric against the learning
     * rate, diverged runs left out), the validation metric at each epoch end (mean ± std over seeds),
     * and the training loss (each seed's debiased EMA, mean ± std over seeds, log scale).
     */
    public static void problem(Path base, Benchmark.ProblemResult r) {
        boolean acc = r.problem().hasAccuracy();
        String metric = r.problem().metric();
        List<Charts.Series> tuning = new ArrayList<>(), evals = new ArrayList<>(), loss = new ArrayList<>();
        List<Charts.Band> evalBands = new ArrayList<>(), lossBands = new ArrayList<>();
        int k = 0;
        for (Benchmark.ContenderResult c : r.contenders()) {
            Color col = Charts.color(k++);
            double[] lr = c.tuning().stream().filter(t -> !t.diverged() && Double.isFinite(t.metric())).mapToDouble(Benchmark.TuningPoint::lr).toArray();
            double[] m = c.tuning().stream().filter(t -> !t.diverged() && Double.isFinite(t.metric())).mapToDouble(Benchmark.TuningPoint::metric).toArray();
            tuning.add(new Charts.Series(c.name(), lr, m, true, col, true));
            tuning.add(new Charts.Series(c.name() + " best", new double[] {c.bestLr()}, new double[] {best(c, acc)}, true, col, false, false));
            List<ProblemRun> ok = c.runs().stream().filter(x -> !x.diverged()).toList();
            if (ok.isEmpty()) {
                continue;
            }
            int evalsN = ok.stream().mapToInt(x -> x.evalMetric().length).min().orElse(0);
            double[] ex = Arrays.stream(Arrays.copyOf(ok.get(0).evalSteps(), evalsN)).asDoubleStream().toArray();
            double[][] ev = ok.stream().map(x -> Arrays.copyOf(x.evalMetric(), evalsN)).toArray(double[][]::new);
            Spread es = Spread.of(ev);
            evalBands.add(new Charts.Band(ex, es.low(), es.high(), col));
            evals.add(new Charts.Series(c.name(), ex, es.mean(), evalsN <= 30, col, true));
            int steps = ok.stream().mapToInt(x -> x.trainLoss().length).min().orElse(0);
            double[][] ls = ok.stream().map(x -> Arrays.copyOf(Charts.ema(Charts.doubles(x.trainLoss()), Charts.SMOOTHING), steps)).toArray(double[][]::new);
            Spread s = Spread.of(ls);
            double[] low = s.low().clone();
            for (int i = 0; i < low.length; i++) {
                low[i] = Math.max(low[i], s.mean()[i] / 10);
            }
            double[] x = Charts.steps(steps);
            lossBands.add(new Charts.Band(x, low, s.high(), col));
            loss.add(new Charts.Series(c.name(), x, s.mean(), false, col, true));
        }
        String n = r.contenders().get(0).runs().size() > 1 ? "mean ± std over seeds" : "one seed";
        Charts.write(base, List.of(
                new Charts.Panel("Tuning: final " + metric, "learning rate (log scale)", metric, tuning, true, !acc),
                new Charts.Panel(cap(metric) + " (" + n + ")", "step", metric, evals, false, !acc, null, null, evalBands),
                new Charts.Panel("Training loss (EMA " + Charts.SMOOTHING + "; " + n + ")", "step", "loss (log scale)", loss, false, true, null, null, lossBands)));
    }

    private static double best(Benchmark.ContenderResult c, boolean acc) {
        for (Benchmark.TuningPoint t : c.tuning()) {
            if (t.lr() == c.bestLr()) {
                return t.metric();
            }
        }
        return Double.NaN;
    }

    private static String cap(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** The two performance profiles side by side: ρ(τ) against τ (log scale). */
    public static void profiles(Path base, Benchmark.Result r) {
        Charts.write(base, List.of(profilePanel(r.speed()), profilePanel(r.performance())));
    }

    private static Charts.Panel profilePanel(Benchmark.Profile p) {
        List<Charts.Series> lines = new ArrayList<>();
        int k = 0;
        for (var e : p.rho().entrySet()) {
            lines.add(new Charts.Series(e.getKey(), p.taus(), e.getValue(), false, Charts.color(k++), true));
        }
        return new Charts.Panel("Performance profile: " + p.name(), "τ: within this factor of the best (log scale)", "fraction of problems ρ(τ)",
                lines, true, false, null, new double[] {-0.02, 1.02});
    }
}
