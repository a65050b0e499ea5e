package dev.descent.benchmark;

/** Which budgets a benchmark run uses. */
public enum Scale {
    /** A smoke run: one epoch (a few for the quadratic), for tests and a first look. */
    QUICK,
    /** Budgets that fit a 2-core machine: the suite in well under half an hour. */
    MACHINE,
    /** DeepOBS's published budgets (epochs and batch size per problem). */
    PAPER
}
