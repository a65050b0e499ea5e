/**
 * The optimizer benchmark suite after DeepOBS (Schneider, Balles &amp; Hennig, ICLR 2019): named test
 * problems ({@link dev.descent.benchmark.TestProblem}; users add their own by implementing it), and
 * the protocol ({@link dev.descent.benchmark.Benchmark}) that tunes each optimizer's learning rate on
 * one seed, re-runs the best on several, and compares the results with
 * {@link dev.descent.train.Comparison} and Dolan–Moré performance profiles.
 *
 * <p>It builds on {@code train}, {@code nn}, {@code data} and {@code optim}; nothing in the library
 * depends on it, and it knows nothing of the command line (optimizers arrive as typed specs).
 */
package dev.descent.benchmark;
