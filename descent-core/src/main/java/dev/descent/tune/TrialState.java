package dev.descent.tune;

/** Where a trial stands, as Optuna's {@code TrialState}. */
public enum TrialState {
    /** Queued with fixed parameters (a retry, or enqueued by hand); the next {@code ask} takes it. */
    WAITING,
    /** Handed out by {@code ask} and not finished yet. */
    RUNNING,
    /** Finished with its objective values. */
    COMPLETE,
    /** Stopped early by the pruner. */
    PRUNED,
    /** The objective threw, returned a value that is not a number, or its process died. */
    FAIL;

    /** Whether the trial is over. */
    public boolean finished() {
        return this == COMPLETE || this == PRUNED || this == FAIL;
    }

    /** The name used in journals, JSON and tables: {@code complete}, {@code pruned}, … */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
