package dev.descent.cli;

import java.nio.file.Path;

import dev.descent.io.Idx;
import dev.descent.io.IdxArray;
import dev.descent.tensor.Generator;

/**
 * A synthetic MNIST-shaped data set written as the four MNIST-named IDX files: square images of 10
 * classes, class c a bright band across the rows {@code r} with {@code r·10/side == c}, plus noise,
 * so that an MLP learns it in a few hundred steps. For runs that must not download anything (the
 * launcher's AOT-cache recording, tests of the benchmark peers).
 */
public final class SyntheticDigits {

    private SyntheticDigits() {
    }

    /**
     * Writes {@code train} training and {@code test} test images of {@code side}×{@code side} pixels into {@code dir}.
     *
     * @return {@code dir}
     */
    public static Path write(Path dir, int side, int train, int test, long seed) {
        Generator g = new Generator(seed);
        write(dir, "train", side, train, g);
        write(dir, "t10k", side, test, g);
        return dir;
    }

    private static void write(Path dir, String prefix, int side, int n, Generator g) {
        int px = side * side;
        byte[] images = new byte[n * px];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            int c = g.nextInt(10);
            labels[i] = (byte) c;
            for (int p = 0; p < px; p++) {
                boolean band = p / side * 10 / side == c;
                images[i * px + p] = (byte) Math.min(255, (band ? 160 : 0) + g.nextInt(96));
            }
        }
        Idx.write(dir.resolve(prefix + "-images-idx3-ubyte"), IdxArray.ofUnsignedBytes(images, n, side, side), false);
        Idx.write(dir.resolve(prefix + "-labels-idx1-ubyte"), IdxArray.ofUnsignedBytes(labels, n), false);
    }
}
