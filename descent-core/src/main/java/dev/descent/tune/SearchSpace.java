package dev.descent.tune;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * A search space: named hyperparameters, each with a {@link Distribution} and optionally a
 * {@link Condition} — a parameter that only makes sense for some values of a categorical one, as
 * momentum only for SGD. Parameters are kept in an order where every parent comes before the
 * parameters that depend on it.
 */
public final class SearchSpace {

    /**
     * Makes {@code param} active only when the categorical {@code parent} took one of {@code values}
     * (choice indices).
     */
    public record Condition(String parent, Set<Integer> values) {
        /** Checks every value, naming the one out of range. */
        public Condition {
            values = Set.copyOf(values);
        }
    }

    /** One hyperparameter. */
    public record Param(String name, Distribution distribution, Condition condition) {
    }

    private final List<Param> params;

    private SearchSpace(List<Param> params) {
        this.params = List.copyOf(params);
    }

    /**
     * Builds a space, checking it: unique names, parents that exist, are categorical and are not
     * part of a cycle, and condition values that are choices of the parent.
     *
     * @throws IllegalArgumentException naming the parameter at fault
     */
    public static SearchSpace of(List<Param> params) {
        if (params.isEmpty()) {
            throw new IllegalArgumentException("the search space has no parameters");
        }
        Map<String, Param> byName = new LinkedHashMap<>();
        for (Param p : params) {
            if (byName.put(p.name(), p) != null) {
                throw new IllegalArgumentException("parameter '" + p.name() + "' is defined twice");
            }
        }
        for (Param p : params) {
            Condition c = p.condition();
            if (c == null) {
                continue;
            }
            Param parent = byName.get(c.parent());
            if (parent == null) {
                throw new IllegalArgumentException(p.name() + ": its condition names '" + c.parent() + "', which is not a parameter");
            }
            if (!(parent.distribution() instanceof Distribution.Categorical cat)) {
                throw new IllegalArgumentException(p.name() + ": its condition names '" + c.parent() + "', which is not categorical");
            }
            if (c.values().isEmpty() || c.values().stream().anyMatch(v -> v < 0 || v >= cat.choices().size())) {
                throw new IllegalArgumentException(p.name() + ": its condition must name choices of '" + c.parent() + "'");
            }
        }
        // Parents first (a stable topological order); a cycle leaves parameters unplaced.
        List<Param> ordered = new ArrayList<>();
        Set<String> placed = new LinkedHashSet<>();
        boolean progress = true;
        while (ordered.size() < params.size() && progress) {
            progress = false;
            for (Param p : params) {
                if (!placed.contains(p.name()) && (p.condition() == null || placed.contains(p.condition().parent()))) {
                    ordered.add(p);
                    placed.add(p.name());
                    progress = true;
                }
            }
        }
        if (ordered.size() < params.size()) {
            List<String> cyclic = params.stream().map(Param::name).filter(n -> !placed.contains(n)).toList();
            throw new IllegalArgumentException("the conditions of " + cyclic + " form a cycle");
        }
        return new SearchSpace(ordered);
    }

    /** The parameters, parents before children. */
    public List<Param> params() {
        return params;
    }

    /** The parameter called {@code name}, or null. */
    public Param param(String name) {
        for (Param p : params) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        return null;
    }

    /** Whether {@code p} is active given the values assigned so far. */
    public static boolean active(Param p, Map<String, Double> assigned) {
        Condition c = p.condition();
        if (c == null) {
            return true;
        }
        Double v = assigned.get(c.parent());
        return v != null && c.values().contains((int) v.doubleValue());
    }

    /**
     * Assigns every active parameter in order with {@code draw(param, assignedSoFar)}; inactive
     * parameters get no value.
     */
    public Map<String, Double> assign(BiFunction<Param, Map<String, Double>, Double> draw) {
        Map<String, Double> assigned = new LinkedHashMap<>();
        for (Param p : params) {
            if (active(p, assigned)) {
                assigned.put(p.name(), draw.apply(p, Collections.unmodifiableMap(assigned)));
            }
        }
        return assigned;
    }

    /** The values the objective sees for internal values {@code internal}, in the space's order. */
    public Map<String, Object> external(Map<String, Double> internal) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Param p : params) {
            Double v = internal.get(p.name());
            if (v != null) {
                out.put(p.name(), p.distribution().external(v));
            }
        }
        return out;
    }

    /**
     * Checks that {@code internal} is a valid assignment: every value inside its distribution, every
     * active parameter present and no inactive one.
     */
    public boolean accepts(Map<String, Double> internal) {
        Map<String, Double> seen = new HashMap<>();
        for (Param p : params) {
            Double v = internal.get(p.name());
            boolean act = active(p, seen);
            if (act != (v != null) || (v != null && !p.distribution().contains(v))) {
                return false;
            }
            if (v != null) {
                seen.put(p.name(), v);
            }
        }
        return seen.size() == internal.size();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SearchSpace s && s.params.equals(params);
    }

    @Override
    public int hashCode() {
        return params.hashCode();
    }

    @Override
    public String toString() {
        return params.toString();
    }
}
