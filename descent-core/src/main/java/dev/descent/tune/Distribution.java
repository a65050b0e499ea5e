package dev.descent.tune;

import java.util.List;

/**
 * The values one hyperparameter may take, as Optuna's distributions. Samplers work on an
 * <em>internal</em> number: the value itself for numeric ranges, the index of the choice for a
 * categorical one; {@link #external(double)} turns it back into what the objective sees.
 */
public sealed interface Distribution {

    /** Whether {@code internal} is a value this distribution can produce. */
    boolean contains(double internal);

    /** The value the objective sees: a {@code Double}, a {@code Long}, or one of the choices. */
    Object external(double internal);

    /**
     * Real numbers in [low, high], uniform or, with {@code log}, uniform in log space.
     */
    record FloatRange(double low, double high, boolean log) implements Distribution {
        /**
         * Checks the bounds.
         *
         * @throws IllegalArgumentException if low &gt; high, a bound is not finite, or log with low &lt;= 0
         */
        public FloatRange {
            checkRange(low, high, log);
        }

        @Override
        public boolean contains(double v) {
            return v >= low && v <= high;
        }

        @Override
        public Object external(double internal) {
            return internal;
        }
    }

    /**
     * Whole numbers in [low, high], uniform or, with {@code log}, spread evenly in log space.
     */
    record IntRange(long low, long high, boolean log) implements Distribution {
        /**
         * Checks the bounds.
         *
         * @throws IllegalArgumentException if low &gt; high or log with low &lt;= 0
         */
        public IntRange {
            checkRange(low, high, log);
        }

        @Override
        public boolean contains(double v) {
            return v >= low && v <= high && v == Math.rint(v);
        }

        @Override
        public Object external(double internal) {
            return Math.round(internal);
        }

        /** How many values there are. */
        public long size() {
            return high - low + 1;
        }
    }

    /**
     * One of a list of choices (strings, numbers, booleans, or lists such as hidden layer sizes).
     */
    record Categorical(List<Object> choices) implements Distribution {
        /**
         * Checks the choices.
         *
         * @throws IllegalArgumentException if there are no choices or one is repeated
         */
        public Categorical {
            if (choices == null || choices.isEmpty()) {
                throw new IllegalArgumentException("no choices given");
            }
            choices = List.copyOf(choices);
            if (choices.stream().distinct().count() != choices.size()) {
                throw new IllegalArgumentException("a choice is listed twice in " + choices);
            }
        }

        @Override
        public boolean contains(double v) {
            return v >= 0 && v < choices.size() && v == Math.rint(v);
        }

        @Override
        public Object external(double internal) {
            return choices.get((int) internal);
        }

        /** The internal value of {@code choice}, or -1 if it is not one of the choices. */
        public int indexOf(Object choice) {
            return choices.indexOf(choice);
        }
    }

    private static void checkRange(double low, double high, boolean log) {
        if (!Double.isFinite(low) || !Double.isFinite(high)) {
            throw new IllegalArgumentException("bounds must be finite numbers, got " + low + " and " + high);
        }
        if (low > high) {
            throw new IllegalArgumentException("low " + low + " is greater than high " + high);
        }
        if (log && low <= 0) {
            throw new IllegalArgumentException("a log scale needs low > 0, got " + low);
        }
    }
}
