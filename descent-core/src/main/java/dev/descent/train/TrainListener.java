package dev.descent.train;

import java.util.function.BiConsumer;

/** Callbacks of a training run: progress displays, metric logs, checkpoints. */
public interface TrainListener {

    /** Called once before the first step (or the first step after a resume). */
    default void onStart(Trainer trainer) {
    }

    /**
     * Called after every batch (and its validation), before any listener's {@link #onStep}: a
     * listener that measures the model (the sharpness) records into {@link Trainer#history()} here,
     * so that every {@code onStep} — the metrics log among them — sees the step's measurements.
     */
    default void measure(Trainer trainer, StepReport report) {
    }

    /**
     * Whether {@link #measure} or {@link #onStep} reads the model's parameters or the optimizer's state
     * at this step (directly, or through a checkpoint): the trainer then puts everything in the model's
     * own layout first ({@code InputMajorLayout}: between steps the data-parallel step may keep the first
     * layer's weight, its gradient and its optimizer state transposed), and runs the next step in it. True
     * unless a listener knows better; a listener that reads only the report, the history or the
     * trainer's counters says false, so that the step keeps its layout.
     */
    default boolean readsModel(StepReport report) {
        return true;
    }

    /** Called after every batch (and its validation, when one ran at this step). */
    default void onStep(Trainer trainer, StepReport report) {
    }

    /**
     * A listener that only watches: {@code onStep} runs after every batch and reads the report, the
     * history or the trainer's counters, never the model ({@link #readsModel} is false, so the step
     * keeps its layout).
     */
    static TrainListener watching(BiConsumer<Trainer, StepReport> onStep) {
        return new TrainListener() {
            @Override
            public boolean readsModel(StepReport report) {
                return false;
            }

            @Override
            public void onStep(Trainer trainer, StepReport report) {
                onStep.accept(trainer, report);
            }
        };
    }

    /** A [TRAIN] or [VALID] line of the tutorial's log. */
    default void onLog(String line) {
    }

    /** Called once when the run ends, however it ends. */
    default void onEnd(Trainer trainer, TrainResult result) {
    }

    /**
     * What happened at one step.
     *
     * @param validation the validation run after this step, or null
     * @param updated    whether the optimizer stepped (false mid-accumulation)
     */
    record StepReport(int step, int epoch, int batchInEpoch, int batchesPerEpoch, float loss, float accuracy, double lr,
                      Evaluation validation, double examplesPerSecond, boolean updated) {
    }
}
