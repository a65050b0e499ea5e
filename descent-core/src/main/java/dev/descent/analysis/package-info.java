/**
 * Understanding how a network is optimized, on top of the training flow: exact Hessian-vector
 * products of the MLP's loss (Pearlmutter's R-operator, float64 or float32 on the GEMM kernels),
 * Lanczos for extreme eigenvalues, Hutchinson's trace and the spectral density by stochastic
 * Lanczos quadrature (whole network and per layer), the sharpness tracked during training and the
 * edge of stability, loss slices, trajectory projections and the tutorial's experiments. It calls
 * the same {@code nn}, {@code optim} and {@code train} code that training uses and never
 * re-implements training; nothing below it ({@code tensor}, {@code nn}, {@code optim},
 * {@code train}) depends on it.
 */
package dev.descent.analysis;
