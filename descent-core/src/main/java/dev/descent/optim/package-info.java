/**
 * Optimizers: {@link dev.descent.optim.Optimizer} (groups, per-parameter state, state dicts keyed by
 * name and position, train and eval modes), the algorithms as scalings for chains of gradient
 * transforms with their presets ({@code torch.optim}'s formulas and defaults, the tutorial's rules,
 * Lion, Schedule-Free, Muon, Adafactor), L-BFGS, and {@link dev.descent.optim.Optimizers}, the one
 * registry of named optimizers.
 *
 * <p>Builds on {@code optim.transform} (the chain machinery and shared links) and {@code optim.fused}
 * (fused element-wise updates); depends on {@code tensor} and {@code tensor.kernel} below it and on
 * nothing above ({@code train}, {@code io}, the CLI).
 */
package dev.descent.optim;
