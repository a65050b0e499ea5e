package dev.descent.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.descent.tune.Direction;

/**
 * The objectives of a tuning study, from {@code --metric val_accuracy,train_seconds} (each direction
 * inferred from the metric, or given as {@code NAME:max} / {@code NAME:min}), and the one whose
 * intermediate values pruning decides on ({@code --prune-on}, by default the first that has them).
 */
record TuneObjectives(List<TuneMetric> metrics, List<Direction> directions, int pruneOn) {

    static TuneObjectives parse(String metricOption, String pruneOnOption) {
        List<TuneMetric> metrics = new ArrayList<>();
        List<Direction> dirs = new ArrayList<>();
        for (String part : metricOption.split(",", -1)) {
            String name = part;
            Direction d = null;
            int colon = part.indexOf(':');
            if (colon >= 0) {
                name = part.substring(0, colon);
                d = switch (part.substring(colon + 1).trim().toLowerCase(Locale.ROOT)) {
                    case "max", "maximize" -> Direction.MAXIMIZE;
                    case "min", "minimize" -> Direction.MINIMIZE;
                    default -> throw new BadInputException("--metric " + part.trim() + ": the direction is max or min");
                };
            }
            if (name.isBlank()) {
                throw new BadInputException("--metric '" + metricOption + "': an empty metric name");
            }
            TuneMetric m = TuneMetric.parse(name);
            if (metrics.contains(m)) {
                throw new BadInputException("--metric: " + m.label() + " is given twice");
            }
            metrics.add(m);
            dirs.add(d == null ? m.direction : d);
        }
        int prune = -1;
        if (pruneOnOption != null) {
            TuneMetric p = TuneMetric.parse(pruneOnOption);
            prune = metrics.indexOf(p);
            if (prune < 0) {
                throw new BadInputException("--prune-on " + p.label() + " is not one of the study's metrics " + labels(metrics));
            }
            if (!p.reported) {
                throw new BadInputException("--prune-on " + p.label() + ": it is known only when a trial ends; prune on val_accuracy or val_loss");
            }
        } else {
            for (int i = 0; i < metrics.size() && prune < 0; i++) {
                prune = metrics.get(i).reported ? i : -1;
            }
        }
        return new TuneObjectives(metrics, dirs, prune);
    }

    /** Whether the study has a metric with intermediate values (else it cannot prune). */
    boolean prunable() {
        return pruneOn >= 0;
    }

    /** The pruning objective's index, 0 when nothing can be pruned. */
    int pruneIndex() {
        return Math.max(0, pruneOn);
    }

    List<String> labels() {
        return labels(metrics);
    }

    private static List<String> labels(List<TuneMetric> ms) {
        return ms.stream().map(TuneMetric::label).toList();
    }

    boolean multi() {
        return metrics.size() > 1;
    }

    /** The values of a finished trial, in order. */
    double[] values(TrainingSession.Outcome o) {
        double[] v = new double[metrics.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = metrics.get(i).of(o);
        }
        return v;
    }

    /** "val_accuracy,train_seconds" as the journal's attributes keep it (with explicit directions). */
    String spec() {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < metrics.size(); i++) {
            parts.add(metrics.get(i).label() + ":" + (directions.get(i) == Direction.MAXIMIZE ? "max" : "min"));
        }
        return String.join(",", parts);
    }
}
