package dev.descent.tune;

/** Where a trial stands, as Optuna's {@code TrialState}. */
public enum TrialState {
    /** Started and not finished (or cut off by a crash; a resumed study runs it again). */
    RUNNING,
    /** Finished with a value. */
    COMPLETE,
    /** Stopped early by the pruner. */
    PRUNED,
    /** The objective threw or returned a value that is not a number. */
    FAIL;

    /** Whether the trial is over. */
    public boolean finished() {
        return this != RUNNING;
    }
}
