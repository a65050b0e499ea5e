/**
 * Hyperparameter search on top of training: search spaces ({@link dev.descent.tune.SearchSpace}, or
 * parameters suggested as a trial runs), open samplers (random, grid, TPE, NSGA-II, or your own
 * {@link dev.descent.tune.Sampler}), pruners, and {@link dev.descent.tune.Study studies} driven by ask
 * and tell, with one or several objectives, kept in a {@link dev.descent.tune.storage.StudyStorage};
 * parameter importance, the LR range test. Uses training and the data sets like any caller; must not
 * depend on the CLI or the dashboard.
 */
package dev.descent.tune;
