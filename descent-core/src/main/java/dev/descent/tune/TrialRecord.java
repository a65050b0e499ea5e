package dev.descent.tune;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * One trial as the study knows it (Optuna's {@code FrozenTrial}): its number, the internal values of
 * its parameters (see {@link Distribution}), its state, its value once complete, the intermediate
 * values it reported by step, and how long it ran.
 *
 * @param value   the objective value, NaN unless {@link TrialState#COMPLETE}
 * @param message why the trial failed, or empty
 */
public record TrialRecord(int number, Map<String, Double> params, TrialState state, double value,
                          NavigableMap<Integer, Double> intermediate, double seconds, String message) {

    /** Copies the maps, so that the record cannot change. */
    public TrialRecord {
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        intermediate = Collections.unmodifiableNavigableMap(new TreeMap<>(intermediate));
        message = message == null ? "" : message;
    }

    /** A trial that has just started. */
    static TrialRecord started(int number, Map<String, Double> params) {
        return new TrialRecord(number, params, TrialState.RUNNING, Double.NaN, new TreeMap<>(), 0, "");
    }

    /** This trial with one more intermediate value. */
    TrialRecord withReport(int step, double v) {
        TreeMap<Integer, Double> m = new TreeMap<>(intermediate);
        m.put(step, v);
        return new TrialRecord(number, params, state, value, m, seconds, message);
    }

    /** This trial, finished. */
    TrialRecord finished(TrialState s, double v, double secs, String msg) {
        return new TrialRecord(number, params, s, v, intermediate, secs, msg);
    }

    /** This trial started afresh (its intermediate values from a crashed attempt dropped). */
    TrialRecord restarted() {
        return started(number, params);
    }

    /** The last step it reported, or 0. */
    public int lastStep() {
        return intermediate.isEmpty() ? 0 : intermediate.lastKey();
    }
}
