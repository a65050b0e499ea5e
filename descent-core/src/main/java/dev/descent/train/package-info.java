/**
 * The tutorial's training loop and what surrounds it: {@link dev.descent.train.Trainer} (and
 * {@link dev.descent.train.TrainerBuilder}, whose defaults are the tutorial's benchmark), the
 * {@link dev.descent.train.History} of a run, the evaluation ({@code eval_model} with per-class
 * accuracy and a confusion matrix), run directories and checkpoints, and the statistics of seeds.
 *
 * <p>Depends on {@code tensor}, {@code nn}, {@code optim}, {@code data} and {@code io}; never on the
 * CLI or on charts (those live in descent-plot).
 */
package dev.descent.train;
