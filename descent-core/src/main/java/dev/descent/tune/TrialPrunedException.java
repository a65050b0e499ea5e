package dev.descent.tune;

/** Thrown by an objective that stopped because its trial was pruned (Optuna's {@code TrialPruned}). */
public final class TrialPrunedException extends RuntimeException {

    /** A pruned trial, with what it reached. */
    public TrialPrunedException(String message) {
        super(message, null, false, false);
    }
}
