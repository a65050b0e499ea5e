package dev.descent.cli;

import java.util.List;

/**
 * The checks of the training options, in one place for every command that trains — {@code train},
 * {@code compare}, {@code lr-find}, {@code tune} and each of its trials, {@code challenge}. They
 * run once, before any data is loaded or directory made, so a bad value costs nothing and its one
 * line names the option. Checks that need the data ({@code --val-size} against the training set,
 * {@code --class-weights} against the classes) are {@link TrainingSession}'s, the first step after
 * the data is loaded.
 */
final class OptionChecks {

    private OptionChecks() {
    }

    /**
     * Checks every training option.
     *
     * @param optimizers the optimizer names to check the optimizer options against (compare has several)
     * @param schedule   the schedule options, or null for a command without them (lr-find)
     * @throws BadInputException naming the first option that is wrong
     */
    static void beforeData(ModelOptions model, OptimizerOptions optimizer, List<String> optimizers, ScheduleOptions schedule, TrainOptions train) {
        model.hiddenDims();
        model.activation();
        for (String name : optimizers) {
            optimizer.spec(name, train.seed, schedule);
        }
        train.config();
        if (schedule != null) {
            // Any lr and step count: what is checked here is the schedule's own options.
            schedule.build(1e-3, 1);
        }
    }
}
