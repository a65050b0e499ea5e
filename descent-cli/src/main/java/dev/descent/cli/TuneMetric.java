package dev.descent.cli;

import java.util.Locale;

import dev.descent.train.Evaluation;
import dev.descent.tune.Direction;

/** What a tuning study optimises: a validation metric, and whether higher or lower is better. */
enum TuneMetric {
    VAL_ACCURACY(Direction.MAXIMIZE),
    VAL_LOSS(Direction.MINIMIZE);

    final Direction direction;

    TuneMetric(Direction direction) {
        this.direction = direction;
    }

    double of(Evaluation e) {
        return this == VAL_ACCURACY ? e.accuracy() : e.loss();
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    static TuneMetric parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--metric: unknown '" + s + "' (known: val_accuracy, val_loss)");
        }
    }
}
