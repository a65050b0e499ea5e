package dev.descent.tune.storage;

import java.util.Map;

import dev.descent.tune.TrialOwner;
import dev.descent.tune.TrialState;

/** What a study decides, under the storage's lock, when it asks for a trial. */
public sealed interface TrialStart {

    /** Take the waiting trial {@code number}. */
    record Claim(int number, TrialOwner owner) implements TrialStart {
    }

    /**
     * Create the next trial with {@code params}, running or waiting.
     *
     * @param retryOf the failed trial it runs again, or -1
     */
    record Create(Map<String, Double> params, TrialState state, int retryOf, TrialOwner owner) implements TrialStart {
        /** Keeps the parameters in their order, unmodifiable. */
        public Create {
            params = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
            if (state != TrialState.RUNNING && state != TrialState.WAITING) {
                throw new IllegalArgumentException("a new trial is running or waiting, not " + state.label());
            }
        }
    }
}
