package dev.descent.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Run directories written in the layout of DESIGN §5, for the dashboard's tests and benchmark. */
final class Runs {

    private Runs() {
    }

    /** A run of {@code steps} steps; finished runs get a summary with a per-class report. */
    static Path write(Path root, String id, String optimizer, double lr, int steps, boolean finished) throws IOException {
        Path dir = Files.createDirectories(root.resolve(id));
        Files.writeString(dir.resolve("config.json"), String.format(Locale.ROOT,
                "{\"optimizer\":\"%s\",\"lr\":%s,\"batch_size\":64,\"epochs\":2,\"hidden\":[200,100,50],\"seed\":2021}", optimizer, lr));
        StringBuilder m = new StringBuilder("step,epoch,train_loss,train_acc,val_loss,val_acc\n");
        for (int s = 1; s <= steps; s++) {
            m.append(row(s));
        }
        Files.writeString(dir.resolve("metrics.csv"), m.toString());
        if (finished) {
            StringBuilder conf = new StringBuilder("[");
            for (int i = 0; i < 10; i++) {
                conf.append(i == 0 ? "" : ",").append('[');
                for (int j = 0; j < 10; j++) {
                    conf.append(j == 0 ? "" : ",").append(i == j ? 950 + i : (i + j) % 7);
                }
                conf.append(']');
            }
            conf.append(']');
            Files.writeString(dir.resolve("summary.json"), "{\"test_accuracy\":0.9634,\"test_loss\":0.12,\"train_seconds\":12.5,\"steps\":" + steps
                    + ",\"stop_reason\":\"completed\",\"test_per_class_accuracy\":[0.99,0.99,0.96,0.97,0.95,0.93,0.97,0.95,0.95,0.96],"
                    + "\"test_worst_classes\":[5,4,7],\"test_confusion\":" + conf + "}");
        }
        return dir;
    }

    /**
     * Adds the columns of {@code train --track-sharpness every}: a sharpness rising towards 2/lr
     * every {@code every} steps, empty cells between.
     */
    static void addSharpness(Path dir, int every, double lr) throws IOException {
        java.util.List<String> lines = Files.readAllLines(dir.resolve("metrics.csv"));
        StringBuilder m = new StringBuilder(lines.get(0)).append(",sharpness,two_over_lr\n");
        for (int i = 1; i < lines.size(); i++) {
            m.append(lines.get(i));
            m.append(i % every == 0 ? String.format(Locale.ROOT, ",%s,%s%n", 2 / lr * (1 - Math.exp(-i / 100.0)), 2 / lr) : String.format(",,%n"));
        }
        Files.writeString(dir.resolve("metrics.csv"), m.toString());
    }

    /** One metrics row; every 10th step carries a validation. */
    static String row(int s) {
        double loss = 2.3 * Math.exp(-s / 40.0) + 0.1;
        double acc = 1 - loss / 2.6;
        return s % 10 == 0
                ? String.format(Locale.ROOT, "%d,0,%.4f,%.4f,%.4f,%.4f%n", s, loss, acc, loss * 1.05, acc * 0.99)
                : String.format(Locale.ROOT, "%d,0,%.4f,%.4f,,%n", s, loss, acc);
    }
}
