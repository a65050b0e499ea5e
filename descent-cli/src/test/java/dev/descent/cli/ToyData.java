package dev.descent.cli;

import java.nio.file.Path;

import dev.descent.io.Idx;
import dev.descent.io.IdxArray;
import dev.descent.tensor.Generator;

/**
 * A small MNIST-shaped data set written as IDX files: 8×8 images of 4 classes, each class a bright
 * bar in its own place plus noise, so a small MLP learns it in a few hundred steps.
 */
final class ToyData {

    private ToyData() {
    }

    static Path write(Path dir, int train, int test, long seed) {
        Generator g = new Generator(seed);
        write(dir, "train", train, g);
        write(dir, "t10k", test, g);
        return dir;
    }

    private static void write(Path dir, String prefix, int n, Generator g) {
        byte[] images = new byte[n * 64];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            int c = g.nextInt(4);
            labels[i] = (byte) c;
            for (int p = 0; p < 64; p++) {
                int row = p / 8, col = p % 8;
                boolean bar = c < 2 ? row == 2 + 3 * c : col == 2 + 3 * (c - 2);
                int v = (bar ? 170 : 20) + g.nextInt(80);
                images[i * 64 + p] = (byte) Math.min(255, v);
            }
        }
        Idx.write(dir.resolve(prefix + "-images-idx3-ubyte"), IdxArray.ofUnsignedBytes(images, n, 8, 8), false);
        Idx.write(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), IdxArray.ofUnsignedBytes(labels, n), true);
    }
}
