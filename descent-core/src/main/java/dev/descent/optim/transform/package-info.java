/**
 * Optimizers as chains of gradient transforms, as Optax builds them: the {@link
 * dev.descent.optim.transform.Transform} interface, {@link dev.descent.optim.transform.Chain},
 * the per-parameter {@link dev.descent.optim.transform.Slot} and state, and the links every
 * optimizer shares (maximize, coupled and decoupled weight decay, clipping by value and by global
 * norm, scaling by the learning rate). The algorithms' own scalings live in {@code dev.descent.optim}.
 *
 * <p>Depends on {@code tensor} and {@code tensor.kernel} only; never on {@code dev.descent.optim},
 * which builds on it.
 */
package dev.descent.optim.transform;
