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
     * The tutorial's two panels — loss and accuracy against iteration, train and validation — as
     * base.png/base.svg, for a run trained with {@code lossKind}; and a third when the run tracked
     * its sharpness: λ_max at each measurement and the threshold 2/lr (log scale: the two can be
     * orders of magnitude apart with Adam's small learning rates).
     */
    public static void curves(Path base, History h, Loss lossKind) {
        double[] x = Charts.steps(h.steps());
        double[] vx = Charts.doubles(h.valIdx());
        String label = lossKind.label().toUpperCase(java.util.Locale.ROOT) + " loss";
        List<Charts.Panel> panels = new ArrayList<>();
        panels.add(new Charts.Panel("Loss", "Iteration", label, List.of(
                new Charts.Series("train", x, Charts.doubles(h.trainLoss()), false),
                new Charts.Series("validation", vx, Charts.doubles(h.valLoss()), true))));
        panels.add(new Charts.Panel("Accuracy", "Iteration", "accuracy", List.of(
                new Charts.Series("train", x, Charts.doubles(h.trainAcc()), false),
                new Charts.Series("validation", vx, Charts.doubles(h.valAcc()), true))));
        int[] at = h.metricSteps(SharpnessListener.SHARPNESS);
        if (at.length > 0) {
            panels.add(new Charts.Panel("Sharpness (top Hessian eigenvalue)", "Iteration", "λ_max and 2/lr (log scale)", List.of(
                    new Charts.Series("sharpness", Charts.doubles(at), h.metricValues(SharpnessListener.SHARPNESS), true),
                    new Charts.Series("2/lr", Charts.doubles(h.metricSteps(SharpnessListener.TWO_OVER_LR)), h.metricValues(SharpnessListener.TWO_OVER_LR), false)),
                    false, true));
        }
        Charts.write(base, panels);
    }

    /** One line per run: training loss (moving average over 50 steps) and validation accuracy. */
    public static void overlay(Path base, Map<String, History> runs) {
        List<Charts.Series> loss = new ArrayList<>(), acc = new ArrayList<>();
        runs.forEach((name, h) -> {
            loss.add(new Charts.Series(name, Charts.steps(h.steps()), Charts.smooth(h.trainLoss(), 50), false));
            acc.add(new Charts.Series(name, Charts.doubles(h.valIdx()), Charts.doubles(h.valAcc()), true));
        });
        Charts.write(base, List.of(
                new Charts.Panel("Training loss (moving average of 50 steps, log scale)", "Iteration", "NLL loss", loss, false, true),
                new Charts.Panel("Validation accuracy", "Iteration", "accuracy", acc)));
    }

    /**
     * The LR range test: the smoothed loss against the learning rate (log scale), suggestions marked.
     * Raw losses are left out, as fastai does: one spike would flatten the curve that matters.
     */
    public static void lrFind(Path base, dev.descent.tune.LrFinder.Result r) {
        List<Charts.Series> lines = new ArrayList<>(List.of(new Charts.Series("smoothed loss", r.lrs(), r.smoothed(), false)));
        lines.add(mark("steepest", r, r.steepest()));
        lines.add(mark("valley", r, r.valley()));
        Charts.write(base, List.of(new Charts.Panel("Learning-rate range test", "learning rate (log scale)", "NLL loss", lines, true, false)));
    }

    private static Charts.Series mark(String name, dev.descent.tune.LrFinder.Result r, double lr) {
        int best = 0;
        for (int i = 0; i < r.lrs().length; i++) {
            if (Math.abs(Math.log(r.lrs()[i] / lr)) < Math.abs(Math.log(r.lrs()[best] / lr))) {
                best = i;
            }
        }
        return new Charts.Series(name + " " + String.format(java.util.Locale.ROOT, "%.2g", lr), new double[] {r.lrs()[best]}, new double[] {r.smoothed()[best]}, true);
    }
}
