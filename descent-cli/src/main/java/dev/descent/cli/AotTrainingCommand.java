package dev.descent.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import dev.descent.io.Idx;
import dev.descent.io.IdxArray;
import dev.descent.tensor.Generator;
import picocli.CommandLine.Command;

/**
 * {@code descent aot-training} (hidden): the workload the launcher records JDK 25's AOT cache from
 * (JEP 483/514/515: the classes a run loads, linked, and the method profiles of its hot code). It
 * runs the real {@code train} command, with its warm-up, on a synthetic MNIST-shaped data set in a
 * temporary directory, so that recording needs no download, then deletes the directory.
 */
@Command(name = "aot-training", hidden = true, description = "The training run the launcher records the JVM's AOT cache from.")
public final class AotTrainingCommand implements Callable<Integer> {

    @Override
    public Integer call() throws IOException {
        Path dir = Files.createTempDirectory("descent-aot-");
        try {
            writeDigits(dir, "train", 5000, new Generator(1));
            writeDigits(dir, "t10k", 500, new Generator(2));
            PrintWriter quiet = new PrintWriter(Writer.nullWriter());
            return Main.run(quiet, quiet, "train", "--dataset", dir.toString(), "--epochs", "2", "--val-size", "500",
                    "--out", dir.resolve("run").toString());
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.delete(p);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        }
    }

    /** 28×28 images of 10 classes: each class a bright band in its own rows, plus noise. */
    private static void writeDigits(Path dir, String prefix, int n, Generator g) {
        byte[] images = new byte[n * 784];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            int c = g.nextInt(10);
            labels[i] = (byte) c;
            for (int p = 0; p < 784; p++) {
                boolean band = p / 28 / 3 == c;
                images[i * 784 + p] = (byte) Math.min(255, (band ? 160 : 0) + g.nextInt(96));
            }
        }
        Idx.write(dir.resolve(prefix + "-images-idx3-ubyte"), IdxArray.ofUnsignedBytes(images, n, 28, 28), false);
        Idx.write(dir.resolve(prefix + "-labels-idx1-ubyte"), IdxArray.ofUnsignedBytes(labels, n), false);
    }
}
