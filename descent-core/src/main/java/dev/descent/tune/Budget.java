package dev.descent.tune;

import java.time.Duration;

/**
 * When a study stops starting trials: after {@code trials} trials in all (those of earlier sessions
 * included), once the trials have used {@code steps} steps of resource in all (the sum of the last step
 * each reported: with one report per epoch, a budget in epochs), or after {@code time} of this
 * session. Zero or null means no limit of that kind. Trials already running are finished.
 */
public record Budget(int trials, long steps, Duration time) {

    /**
     * Checks the limits.
     *
     * @throws IllegalArgumentException if a limit is negative
     */
    public Budget {
        if (trials < 0 || steps < 0 || (time != null && time.isNegative())) {
            throw new IllegalArgumentException("budget limits must be >= 0, got " + trials + " trials, " + steps + " steps, " + time);
        }
        if (time != null && time.isZero()) {
            time = null;
        }
    }

    /** A budget of {@code n} trials. */
    public static Budget ofTrials(int n) {
        return new Budget(n, 0, null);
    }

    /** Whether there is any limit at all. */
    public boolean bounded() {
        return trials > 0 || steps > 0 || time != null;
    }
}
