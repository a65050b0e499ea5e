package dev.descent.benchmark;

/**
 * How long a test problem trains: epochs and batch size.
 *
 * @param epochs    passes over the training set
 * @param batchSize examples per step
 */
public record Budget(int epochs, int batchSize) {

    /** Checks both are positive. */
    public Budget {
        if (epochs < 1 || batchSize < 1) {
            throw new IllegalArgumentException("a budget needs epochs >= 1 and batch size >= 1, got " + epochs + " and " + batchSize);
        }
    }
}
