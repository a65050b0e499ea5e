package dev.descent.tune;

import java.util.Map;

/**
 * A running trial as the objective sees it: its number, its parameters, and the channel for
 * intermediate values and pruning decisions (Optuna's {@code Trial}).
 */
public final class Trial {

    private final Study study;
    private final int number;
    private final Map<String, Object> params;
    private volatile boolean pruned;

    Trial(Study study, int number, Map<String, Object> params) {
        this.study = study;
        this.number = number;
        this.params = Map.copyOf(params);
    }

    /** The trial's number in its study, from 0. */
    public int number() {
        return number;
    }

    /** Every active parameter with the value the objective sees (see {@link Distribution#external}). */
    public Map<String, Object> params() {
        return params;
    }

    /** Whether parameter {@code name} is active in this trial. */
    public boolean has(String name) {
        return params.containsKey(name);
    }

    /** A numeric parameter. */
    public double number(String name) {
        return ((Number) require(name)).doubleValue();
    }

    /** A parameter's value. */
    public Object get(String name) {
        return require(name);
    }

    private Object require(String name) {
        Object v = params.get(name);
        if (v == null) {
            throw new IllegalArgumentException("trial " + number + " has no parameter '" + name + "' (it has " + params.keySet() + ")");
        }
        return v;
    }

    /**
     * Records the intermediate value at {@code step} (steps increasing: epochs, validations) and asks
     * the pruner; the answer is then available from {@link #shouldPrune()}.
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
