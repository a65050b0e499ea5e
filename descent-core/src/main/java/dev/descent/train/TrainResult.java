package dev.descent.train;

/**
 * How a run ended.
 *
 * @param message a sentence for the user when the run did not complete
 */
public record TrainResult(Stop reason, String message, int steps, double trainSeconds, double examplesPerSecond) {

    /** Why training stopped. */
    public enum Stop {
        /** All epochs ran. */
        COMPLETED,
        /** Validation loss stopped improving. */
        EARLY_STOPPED,
        /** The loss became NaN or infinite. */
        DIVERGED,
        /** {@link Trainer#requestStop()} was called (Ctrl-C, SIGTERM). */
        INTERRUPTED
    }
}
