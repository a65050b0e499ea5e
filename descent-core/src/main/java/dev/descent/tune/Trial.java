package dev.descent.tune;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A running trial as the objective sees it (Optuna's {@code Trial}): its number, its parameters, the
 * channel for intermediate values and pruning decisions, and define-by-run suggestions:
 *
 * <pre>{@code
 * Trial t = study.ask();
 * double lr = t.suggestFloat("lr", 1e-5, 1e-1, true);
 * String opt = t.suggestCategorical("optimizer", List.of("sgd", "adam"));
 * study.tell(t, train(lr, opt));
 * }</pre>
 * A parameter of the study's declared space, or one asked for before, must be suggested with the same
 * range; a suggestion returns the value the trial already has for it.
 */
public final class Trial {

    private final Study study;
    private final int number;
    private final Map<String, Double> internal;
    private final Map<String, Double> presampled;
    private volatile boolean pruned;

    Trial(Study study, int number, Map<String, Double> internal, Map<String, Double> presampled) {
        this.study = study;
        this.number = number;
        this.internal = new LinkedHashMap<>(internal);
        this.presampled = Map.copyOf(presampled);
    }

    /** The trial's number in its study, from 0. */
    public int number() {
        return number;
    }

    /** Every parameter set so far, with the value the objective sees (see {@link Distribution#external}). */
    public synchronized Map<String, Object> params() {
        Map<String, Object> out = new LinkedHashMap<>();
        internal.forEach((k, v) -> out.put(k, study.distribution(k).external(v)));
        return Collections.unmodifiableMap(out);
    }

    /** Whether parameter {@code name} is set in this trial. */
    public synchronized boolean has(String name) {
        return internal.containsKey(name);
    }

    /** A numeric parameter. */
    public double number(String name) {
        return ((Number) require(name)).doubleValue();
    }

    /** A parameter's value. */
    public Object get(String name) {
        return require(name);
    }

    private synchronized Object require(String name) {
        Double v = internal.get(name);
        if (v == null) {
            throw new IllegalArgumentException("trial " + number + " has no parameter '" + name + "' (it has " + internal.keySet() + ")");
        }
        return study.distribution(name).external(v);
    }

    /** A real number in [low, high], uniform. */
    public double suggestFloat(String name, double low, double high) {
        return suggestFloat(name, low, high, false);
    }

    /** A real number in [low, high], uniform or, with {@code log}, uniform in log space. */
    public double suggestFloat(String name, double low, double high, boolean log) {
        return (Double) suggest(name, new Distribution.FloatRange(low, high, log));
    }

    /** A whole number in [low, high]. */
    public long suggestInt(String name, long low, long high) {
        return suggestInt(name, low, high, false);
    }

    /** A whole number in [low, high], uniform or, with {@code log}, spread evenly in log space. */
    public long suggestInt(String name, long low, long high, boolean log) {
        return (Long) suggest(name, new Distribution.IntRange(low, high, log));
    }

    /** One of {@code choices}. */
    @SuppressWarnings("unchecked")
    public <T> T suggestCategorical(String name, List<T> choices) {
        return (T) suggest(name, new Distribution.Categorical(new ArrayList<>(choices)));
    }

    /**
     * The value of parameter {@code name} from {@code distribution}: the trial's own if it has one,
     * else one the study's sampler draws now (and records).
     *
     * @throws IllegalArgumentException if the study knows {@code name} with another distribution
     */
    public synchronized Object suggest(String name, Distribution distribution) {
        Double v = internal.get(name);
        if (v == null) {
            Double pre = presampled.get(name);
            v = study.suggest(this, name, distribution, pre);
            internal.put(name, v);
        } else {
            study.checkDistribution(name, distribution);
        }
        return distribution.external(v);
    }

    /**
     * Records the intermediate value at {@code step} (steps increasing: epochs, validations) of the
     * study's pruning objective and asks the pruner; the answer is then available from
     * {@link #shouldPrune()}. In a study of several objectives, pruning decides on the one named when
     * the study was created (Optuna refuses to prune such studies).
     */
    public void report(int step, double value) {
        if (study.report(number, step, value)) {
            pruned = true;
        }
    }

    /** Whether the pruner has asked this trial to stop. */
    public boolean shouldPrune() {
        return pruned;
    }
}
