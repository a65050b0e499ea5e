/**
 * The optimizers' fused element-wise updates, beside the optimizers that use them: a
 * {@link dev.descent.optim.fused.FusedUpdates} interface, a scalar form and a Vector API form held
 * to each other bit for bit, and a provider that picks one at start-up.
 *
 * <p>This is the second of the two places in Descent that may import {@code jdk.incubator.vector}
 * (the first is {@code dev.descent.tensor.kernel}, whose kernels stay generic: GEMM, element-wise,
 * reductions). Vector classes load only behind the provider's holder class. Depends on
 * {@code tensor.kernel} (for the thread pool and the provider's rule) and nothing else of Descent.
 */
package dev.descent.optim.fused;
