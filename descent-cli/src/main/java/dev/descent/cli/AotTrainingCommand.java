package dev.descent.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.descent.io.Directories;
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
            SyntheticDigits.write(dir, 28, 5000, 500, 1);
            PrintWriter quiet = new PrintWriter(Writer.nullWriter());
            return Main.run(quiet, quiet, "train", "--dataset", dir.toString(), "--epochs", "2", "--val-size", "500",
                    "--out", dir.resolve("run").toString());
        } finally {
            Directories.deleteTreeQuietly(dir);
        }
    }
}
