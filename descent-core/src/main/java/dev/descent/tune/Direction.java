package dev.descent.tune;

/** Whether a study looks for the lowest or the highest objective value. */
public enum Direction {
    /** Look for the lowest value (a loss). */
    MINIMIZE,
    /** Look for the highest value (an accuracy). */
    MAXIMIZE;

    /** The value turned so that lower is always better. */
    public double loss(double value) {
        return this == MINIMIZE ? value : -value;
    }

    /** Whether {@code a} is strictly better than {@code b}. */
    public boolean better(double a, double b) {
        return loss(a) < loss(b);
    }
}
