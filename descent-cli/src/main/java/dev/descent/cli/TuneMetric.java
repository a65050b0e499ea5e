package dev.descent.cli;

import java.util.Locale;

import dev.descent.train.Evaluation;
import dev.descent.tune.Direction;

/**
 * What a tuning trial can measure: the validation metrics (reported while it trains, so a study can
 * prune on them), its training time and its model's size (known only at its end).
 */
enum TuneMetric {
    VAL_ACCURACY(Direction.MAXIMIZE, true),
    VAL_LOSS(Direction.MINIMIZE, true),
    TRAIN_SECONDS(Direction.MINIMIZE, false),
    PARAMETERS(Direction.MINIMIZE, false);

    /** The natural direction: higher accuracy, lower loss, time and size. */
    final Direction direction;
    /** Whether the metric has intermediate values to report (and prune on). */
    final boolean reported;

    TuneMetric(Direction direction, boolean reported) {
        this.direction = direction;
        this.reported = reported;
    }

    /** A validation metric of {@code e}. */
    double of(Evaluation e) {
        return switch (this) {
            case VAL_ACCURACY -> e.accuracy();
            case VAL_LOSS -> e.loss();
            default -> throw new IllegalStateException(label() + " is not a validation metric");
        };
    }

    /** The metric of a finished trial. */
    double of(TrainingSession.Outcome o) {
        return switch (this) {
            case VAL_ACCURACY, VAL_LOSS -> of(o.val());
            case TRAIN_SECONDS -> o.result().trainSeconds();
            case PARAMETERS -> o.trainer().model().parameterCount();
        };
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    static TuneMetric parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--metric: unknown '" + s.trim() + "' (known: val_accuracy, val_loss, train_seconds, parameters)");
        }
    }
}
