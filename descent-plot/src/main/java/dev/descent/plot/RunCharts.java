package dev.descent.plot;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.descent.analysis.SharpnessListener;
import dev.descent.train.History;
import dev.descent.train.Loss;

/** The tutorial's figures: a run's loss and accuracy curves, and several runs overlaid. */
public final class RunCharts {

    private RunCharts() {
    }

    /**
     * The tutorial's two panels — loss and accuracy against iteration, train and validation — for a
     * run trained with {@code lossKind}; and a third when the run tracked
     * its sharpness: λ_max at each measurement and the threshold 2/lr (log scale: the two can be
     * orders of magnitude apart with Adam's small learning rates). The per-step training values are
     * drawn faint, under their debiased EMA.
     */
    public static Figure curves(History h, Loss lossKind) {
        double[] x = Charts.steps(h.steps());
        double[] vx = Charts.doubles(h.valIdx());
        String label = lossKind.label().toUpperCase(java.util.Locale.ROOT) + " loss";
        java.awt.Color train = Charts.color(0), val = Charts.color(1);
        List<Charts.Series> loss = new ArrayList<>(Charts.rawAndSmoothed("train", x, Charts.doubles(h.trainLoss()), train));
        loss.add(new Charts.Series("validation", vx, Charts.doubles(h.valLoss()), true, val, true));
        List<Charts.Series> acc = new ArrayList<>(Charts.rawAndSmoothed("train", x, Charts.doubles(h.trainAcc()), train));
        acc.add(new Charts.Series("validation", vx, Charts.doubles(h.valAcc()), true, val, true));
        List<Charts.Panel> panels = new ArrayList<>();
        panels.add(new Charts.Panel("Loss (train: raw faint, EMA " + Charts.SMOOTHING + ")", "Iteration", label, loss));
        panels.add(new Charts.Panel("Accuracy (train: raw faint, EMA " + Charts.SMOOTHING + ")", "Iteration", "accuracy", acc));
        int[] at = h.metricSteps(SharpnessListener.SHARPNESS);
        if (at.length > 0) {
            panels.add(new Charts.Panel("Sharpness (top Hessian eigenvalue)", "Iteration", "λ_max and 2/lr (log scale)", List.of(
                    new Charts.Series("sharpness", Charts.doubles(at), h.metricValues(SharpnessListener.SHARPNESS), true),
                    new Charts.Series("2/lr", Charts.doubles(h.metricSteps(SharpnessListener.TWO_OVER_LR)), h.metricValues(SharpnessListener.TWO_OVER_LR), false)),
                    false, true));
        }
        return new Figure(panels);
    }

    /** One line per run: training loss (debiased EMA over the faint raw values) and validation accuracy. */
    public static void overlay(Path base, Map<String, History> runs) {
        Map<String, List<History>> one = new java.util.LinkedHashMap<>();
        runs.forEach((k, v) -> one.put(k, List.of(v)));
        overlay(base, one, false);
    }

    /**
     * Several seeds per contender: the mean curve over seeds with a band of ± one standard deviation
     * (training loss: each seed's debiased EMA first; validation accuracy at the validation steps),
     * and with {@code perSeed} every seed's curve faint beside it. With one seed per contender the raw
     * training loss is drawn faint under its EMA instead.
     */
    public static void overlay(Path base, Map<String, List<History>> runs, boolean perSeed) {
        List<Charts.Series> loss = new ArrayList<>(), acc = new ArrayList<>();
        List<Charts.Band> lossBands = new ArrayList<>(), accBands = new ArrayList<>();
        int k = 0;
        boolean seeds = runs.values().stream().anyMatch(l -> l.size() > 1);
        for (var e : runs.entrySet()) {
            java.awt.Color c = Charts.color(k++);
            List<History> hs = e.getValue();
            if (hs.size() == 1) {
                History h = hs.get(0);
                loss.addAll(Charts.rawAndSmoothed(e.getKey(), Charts.steps(h.steps()), Charts.doubles(h.trainLoss()), c));
                acc.add(new Charts.Series(e.getKey(), Charts.doubles(h.valIdx()), Charts.doubles(h.valAcc()), true, c, true));
                continue;
            }
            int steps = hs.stream().mapToInt(History::steps).min().orElse(0);
            double[][] smoothed = new double[hs.size()][];
            for (int i = 0; i < hs.size(); i++) {
                smoothed[i] = java.util.Arrays.copyOf(Charts.ema(Charts.doubles(hs.get(i).trainLoss()), Charts.SMOOTHING), steps);
            }
            double[] x = Charts.steps(steps);
            Spread ls = Spread.of(smoothed);
            double[] low = ls.low().clone();
            for (int i = 0; i < low.length; i++) {
                // A log axis has no room for mean − std ≤ 0 (a spread as large as the mean): cut it at a tenth.
                low[i] = Math.max(low[i], ls.mean()[i] / 10);
            }
            lossBands.add(new Charts.Band(x, low, ls.high(), c));
            loss.add(new Charts.Series(e.getKey(), x, ls.mean(), false, c, true));
            int vals = hs.stream().mapToInt(History::validations).min().orElse(0);
            double[][] va = new double[hs.size()][];
            for (int i = 0; i < hs.size(); i++) {
                va[i] = java.util.Arrays.copyOf(Charts.doubles(hs.get(i).valAcc()), vals);
            }
            double[] vx = java.util.Arrays.copyOf(Charts.doubles(hs.get(0).valIdx()), vals);
            Spread as = Spread.of(va);
            accBands.add(new Charts.Band(vx, as.low(), as.high(), c));
            acc.add(new Charts.Series(e.getKey(), vx, as.mean(), true, c, true));
            if (perSeed) {
                for (int i = 0; i < hs.size(); i++) {
                    loss.add(new Charts.Series(e.getKey() + " seed " + i, x, smoothed[i], false, Charts.alpha(c, 70), false));
                    acc.add(new Charts.Series(e.getKey() + " seed " + i, vx, va[i], false, Charts.alpha(c, 70), false));
                }
            }
        }
        String spread = seeds ? "mean ± std over seeds" + (perSeed ? ", seeds faint" : "") : "raw faint";
        Charts.write(base, List.of(
                new Charts.Panel("Training loss (EMA " + Charts.SMOOTHING + "; " + spread + ")", "Iteration", "NLL loss (log scale)", loss, false, true, null, null, lossBands),
                new Charts.Panel("Validation accuracy" + (seeds ? " (mean ± std over seeds)" : ""), "Iteration", "accuracy", acc, false, false, null, null, accBands)));
    }

    /**
     * The LR range test: the loss against the learning rate (log scale), raw and faint under fastai's
     * debiased EMA, suggestions marked. The y axis is fitted to the smoothed curve, so that one raw
     * spike does not flatten the curve that matters (fastai leaves raw losses out for that reason).
     */
    public static void lrFind(Path base, dev.descent.tune.LrFinder.Result r) {
        java.awt.Color c = Charts.color(0);
        List<Charts.Series> lines = new ArrayList<>();
        lines.add(new Charts.Series("raw loss", r.lrs(), r.losses(), false, Charts.alpha(c, 60), false));
        lines.add(new Charts.Series("smoothed loss (debiased EMA)", r.lrs(), r.smoothed(), false, c, true));
        lines.add(mark("steepest", r, r.steepest(), Charts.color(1)));
        lines.add(mark("valley", r, r.valley(), Charts.color(2)));
        double lo = java.util.Arrays.stream(r.smoothed()).filter(Double::isFinite).min().orElse(0);
        double hi = java.util.Arrays.stream(r.smoothed()).filter(Double::isFinite).max().orElse(1);
        double pad = 0.05 * Math.max(hi - lo, 1e-6);
        Charts.write(base, List.of(new Charts.Panel("Learning-rate range test", "learning rate (log scale)", "NLL loss", lines, true, false,
                null, new double[] {lo - pad, hi + pad})));
    }

    private static Charts.Series mark(String name, dev.descent.tune.LrFinder.Result r, double lr, java.awt.Color color) {
        int best = 0;
        for (int i = 0; i < r.lrs().length; i++) {
            if (Math.abs(Math.log(r.lrs()[i] / lr)) < Math.abs(Math.log(r.lrs()[best] / lr))) {
                best = i;
            }
        }
        return Charts.Series.points(name + " " + String.format(java.util.Locale.ROOT, "%.2g", lr), new double[] {r.lrs()[best]}, new double[] {r.smoothed()[best]}, color);
    }
}
