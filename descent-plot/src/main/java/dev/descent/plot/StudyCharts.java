package dev.descent.plot;

import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.descent.tune.Direction;
import dev.descent.tune.Distribution;
import dev.descent.tune.SearchSpace;
import dev.descent.tune.TrialRecord;
import dev.descent.tune.TrialState;

/** The charts of a tuning study, as Optuna's visualisations. */
public final class StudyCharts {

    private static final Color COMPLETE = new Color(31, 119, 180);
    private static final Color PRUNED = new Color(170, 170, 170);
    private static final Color BEST = new Color(214, 39, 40);

    private StudyCharts() {
    }

    /**
     * The optimisation history: every complete trial's value against its number, the best so far as
     * a line, and pruned trials at the last value they reported.
     */
    public static void history(Path base, List<TrialRecord> trials, Direction direction, String metric) {
        List<double[]> done = new ArrayList<>();
        List<double[]> pruned = new ArrayList<>();
        List<double[]> best = new ArrayList<>();
        double b = Double.NaN;
        for (TrialRecord t : trials) {
            if (t.state() == TrialState.COMPLETE) {
                done.add(new double[] {t.number(), t.value()});
                if (Double.isNaN(b) || direction.better(t.value(), b)) {
                    b = t.value();
                }
            } else if (t.state() == TrialState.PRUNED && !t.intermediate().isEmpty()) {
                pruned.add(new double[] {t.number(), t.intermediate().lastEntry().getValue()});
            }
            if (!Double.isNaN(b)) {
                best.add(new double[] {t.number(), b});
            }
        }
        List<Charts.Series> s = new ArrayList<>();
        s.add(Charts.Series.points("complete", col(done, 0), col(done, 1), COMPLETE));
        if (!pruned.isEmpty()) {
            s.add(Charts.Series.points("pruned (last report)", col(pruned, 0), col(pruned, 1), PRUNED));
        }
        s.add(new Charts.Series("best so far", col(best, 0), col(best, 1), false, BEST, true));
        double[] values = new double[done.size() + pruned.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = i < done.size() ? done.get(i)[1] : pruned.get(i - done.size())[1];
        }
        Charts.write(base, List.of(new Charts.Panel("Optimisation history", "trial", metric, s, false, false,
                new double[] {-0.5, trials.size() - 0.5}, yRange(values))));
    }

    /**
     * The first two objectives of every complete trial against each other, the Pareto front (the
     * trials no other beats in both) highlighted and joined in order of the first objective.
     */
    public static void pareto(Path base, List<TrialRecord> trials, List<TrialRecord> front, List<String> objectives) {
        List<double[]> all = new ArrayList<>();
        for (TrialRecord t : trials) {
            if (t.state() == TrialState.COMPLETE && t.values().size() >= 2) {
                all.add(new double[] {t.values().get(0), t.values().get(1)});
            }
        }
        List<double[]> f = new ArrayList<>();
        for (TrialRecord t : front) {
            f.add(new double[] {t.values().get(0), t.values().get(1)});
        }
        List<Charts.Series> s = new ArrayList<>();
        s.add(Charts.Series.points("complete", col(all, 0), col(all, 1), COMPLETE));
        s.add(new Charts.Series("Pareto front", col(f, 0), col(f, 1), true, BEST, true));
        Charts.write(base, List.of(new Charts.Panel("Pareto front", objectives.get(0), objectives.get(1), s, false, false,
                yRange(col(all, 0)), yRange(col(all, 1)))));
    }

    /**
     * One scatter per parameter: the complete trials' values against the parameter (a log axis for
     * a log range; a categorical parameter by the index of its choice, listed in the title).
     */
    public static void parameters(Path base, List<TrialRecord> trials, SearchSpace space, String metric) {
        List<Charts.Panel> panels = new ArrayList<>();
        for (SearchSpace.Param p : space.params()) {
            List<double[]> pts = new ArrayList<>();
            for (TrialRecord t : trials) {
                Double v = t.params().get(p.name());
                if (t.state() == TrialState.COMPLETE && v != null) {
                    pts.add(new double[] {v, t.value()});
                }
            }
            if (pts.isEmpty()) {
                continue;
            }
            boolean log = switch (p.distribution()) {
                case Distribution.FloatRange f -> f.log();
                case Distribution.IntRange r -> r.log();
                case Distribution.Categorical c -> false;
            };
            String title = p.distribution() instanceof Distribution.Categorical c ? p.name() + " " + choices(c) : p.name();
            panels.add(new Charts.Panel(title, p.name(), metric,
                    List.of(Charts.Series.points("complete trials", col(pts, 0), col(pts, 1), COMPLETE)), log, false, xRange(p.distribution()), yRange(col(pts, 1))));
        }
        if (!panels.isEmpty()) {
            Charts.write(base, panels, Math.min(3, panels.size()));
        }
    }

    /** The whole range of the parameter with a margin, so that points at its ends are not clipped. */
    private static double[] xRange(Distribution d) {
        return switch (d) {
            case Distribution.Categorical c -> new double[] {-0.5, c.choices().size() - 0.5};
            case Distribution.FloatRange f -> pad(f.low(), f.high(), f.log());
            case Distribution.IntRange r -> pad(r.low(), r.high(), r.log());
        };
    }

    private static double[] yRange(double[] v) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            if (Double.isFinite(x)) {
                lo = Math.min(lo, x);
                hi = Math.max(hi, x);
            }
        }
        return lo > hi ? null : pad(lo, hi, false);
    }

    private static double[] pad(double lo, double hi, boolean log) {
        if (log) {
            double r = Math.max(Math.pow(hi / lo, 0.05), 1.1);
            return new double[] {lo / r, hi * r};
        }
        double m = hi > lo ? 0.05 * (hi - lo) : Math.max(1e-3, Math.abs(hi) * 0.05);
        return new double[] {lo - m, hi + m};
    }

    private static String choices(Distribution.Categorical c) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < c.choices().size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(i).append('=').append(c.choices().get(i));
        }
        return sb.append(')').toString();
    }

    private static double[] col(List<double[]> rows, int k) {
        double[] out = new double[rows.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = rows.get(i)[k];
        }
        return out;
    }
}
