/**
 * Tensors with PyTorch's autograd: a float32 {@link dev.descent.tensor.Tensor} (contiguous, row-major),
 * its ops with their backward beside them, the functional ops of {@link dev.descent.tensor.F}
 * ({@code torch.nn.functional}), {@link dev.descent.tensor.Grad#off()} ({@code torch.no_grad()}),
 * seeded {@link dev.descent.tensor.Generator}s, and printing as PyTorch prints
 * ({@link dev.descent.tensor.PrintOptions}).
 *
 * <p>Depends on {@code tensor.kernel} for the arithmetic and on nothing else of Descent; it never
 * imports the Vector API itself.
 */
package dev.descent.tensor;
