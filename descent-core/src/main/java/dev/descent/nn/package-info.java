/**
 * Layers and networks as {@code torch.nn}: {@link dev.descent.nn.Module} with PyTorch's parameter
 * names, state dicts and printed form, {@link dev.descent.nn.Linear}, the activations,
 * {@link dev.descent.nn.Sequential}, and the tutorial's {@link dev.descent.nn.Mlp}.
 *
 * <p>Depends on {@code tensor} only.
 */
package dev.descent.nn;
