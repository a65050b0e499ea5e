package dev.descent.tune;

/** Progress of a study, for displays. Called from the worker threads; implementations must be thread-safe. */
public interface StudyListener {

    /** A trial is starting ({@code retry}: it was cut off by a crash and starts again). */
    default void onTrialStart(TrialRecord trial, boolean retry) {
    }

    /** A trial has finished, in any state; {@code best} is the best complete trial so far, or null. */
    default void onTrialEnd(TrialRecord trial, TrialRecord best) {
    }
}
