package dev.descent.tune.storage;

import java.util.List;
import java.util.Map;

import dev.descent.tune.Distribution;
import dev.descent.tune.TrialOwner;
import dev.descent.tune.TrialState;

/** One change to a study, in the order it happened; a storage keeps them and replays them. */
public sealed interface StudyEvent {

    /** The trial the event is about. */
    int number();

    /** A new trial, running (owned by {@code owner}, or by nobody) or waiting to be taken. */
    record Created(int number, Map<String, Double> params, TrialState state, int retryOf, TrialOwner owner) implements StudyEvent {
        /** Keeps the parameters in their order, unmodifiable. */
        public Created {
            params = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
        }
    }

    /** A waiting trial taken by {@code owner}. */
    record Claimed(int number, TrialOwner owner) implements StudyEvent {
    }

    /** A parameter suggested while the trial ran, with its distribution. */
    record ParamSet(int number, String name, Distribution distribution, double value) implements StudyEvent {
    }

    /** An intermediate value. */
    record Reported(int number, int step, double value) implements StudyEvent {
    }

    /** The trial's end: its state, its objective values when complete, how long it ran and why it ended. */
    record Finished(int number, TrialState state, List<Double> values, double seconds, String message) implements StudyEvent {
        /** Copies the objective values. */
        public Finished {
            values = List.copyOf(values);
            message = message == null ? "" : message;
        }
    }

    /** A trial cut off by a crash started again with its parameters (journals of version 1 only). */
    record Restarted(int number) implements StudyEvent {
    }
}
