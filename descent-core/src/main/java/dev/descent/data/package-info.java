/**
 * Data sets and batches: the short entry points of {@link dev.descent.data.Datasets}
 * ({@code Datasets.mnist(true)}, as torchvision's {@code MNIST(root, download=True)}), the MNIST
 * family's files, checksums, mirrors and package fallbacks, the cache directory, IDX images,
 * {@link dev.descent.data.DataLoader} and the tutorial's IID {@link dev.descent.data.Minibatch}.
 *
 * <p>Depends on {@code tensor} and {@code io}; never on training or the CLI.
 */
package dev.descent.data;
