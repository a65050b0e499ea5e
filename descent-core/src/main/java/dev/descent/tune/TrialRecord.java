package dev.descent.tune;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * One trial as the study knows it (Optuna's {@code FrozenTrial}): its number, the internal values of
 * its parameters (see {@link Distribution}), its state, its objective values once complete, the
 * intermediate values it reported by step, and how long it ran.
 *
 * @param values  one value per objective when {@link TrialState#COMPLETE}, else empty
 * @param message why the trial failed or was pruned, or empty
 * @param retryOf the failed trial whose parameters this one runs again, or -1
 * @param owner   the process running it, or null (a trial handed out to another program by ask/tell)
 */
public record TrialRecord(int number, Map<String, Double> params, TrialState state, List<Double> values,
                          NavigableMap<Integer, Double> intermediate, double seconds, String message, int retryOf, TrialOwner owner) {

    /** Copies the maps, so that the record cannot change. */
    public TrialRecord {
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        values = List.copyOf(values);
        intermediate = Collections.unmodifiableNavigableMap(new TreeMap<>(intermediate));
        message = message == null ? "" : message;
    }

    /** A trial that has just started (or, with {@code state} WAITING, been queued). */
    public static TrialRecord started(int number, Map<String, Double> params, TrialState state, int retryOf, TrialOwner owner) {
        return new TrialRecord(number, params, state, List.of(), new TreeMap<>(), 0, "", retryOf, owner);
    }

    /** A running trial with no owner and no predecessor. */
    public static TrialRecord started(int number, Map<String, Double> params) {
        return started(number, params, TrialState.RUNNING, -1, null);
    }

    /** The first objective's value, NaN unless complete. */
    public double value() {
        return values.isEmpty() ? Double.NaN : values.get(0);
    }

    /** This trial with one more intermediate value. */
    public TrialRecord withReport(int step, double v) {
        TreeMap<Integer, Double> m = new TreeMap<>(intermediate);
        m.put(step, v);
        return new TrialRecord(number, params, state, values, m, seconds, message, retryOf, owner);
    }

    /** This trial with one more parameter (suggested while it runs). */
    public TrialRecord withParam(String name, double internal) {
        Map<String, Double> p = new LinkedHashMap<>(params);
        p.put(name, internal);
        return new TrialRecord(number, p, state, values, intermediate, seconds, message, retryOf, owner);
    }

    /** This trial, finished. */
    public TrialRecord finished(TrialState s, List<Double> vs, double secs, String msg) {
        return new TrialRecord(number, params, s, vs, intermediate, secs, msg, retryOf, owner);
    }

    /** This (waiting) trial, taken by {@code by}. */
    public TrialRecord running(TrialOwner by) {
        return new TrialRecord(number, params, TrialState.RUNNING, values, intermediate, seconds, message, retryOf, by);
    }

    /** The last step it reported, or 0. */
    public int lastStep() {
        return intermediate.isEmpty() ? 0 : intermediate.lastKey();
    }
}
