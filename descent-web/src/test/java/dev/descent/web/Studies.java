package dev.descent.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Study journals in the format of {@code JournalStorage}, written in one go (no lock, no fsync per
 * line) for the dashboard's tests and benchmark: a search over lr (log), batch size (log integer), the
 * optimizer, momentum (only for sgd), dropout, and a width that never varies; validation accuracy
 * reported at each of 8 steps; about a fifth of the trials pruned, a few failed, the last ones running.
 */
final class Studies {

    private Studies() {
    }

    /**
     * Writes a study of {@code n} trials in {@code root/id}, with the objectives val_accuracy (and
     * train_seconds when {@code twoObjectives}).
     */
    static Path write(Path root, String id, int n, boolean twoObjectives, long seed) throws IOException {
        Path dir = Files.createDirectories(id.equals(".") ? root : root.resolve(id));
        StringBuilder j = new StringBuilder();
        j.append("{\"op\":\"study\",\"format\":\"descent-study\",\"version\":2,\"directions\":[\"maximize\"")
                .append(twoObjectives ? ",\"minimize\"" : "").append("],\"objectives\":[\"val_accuracy\"")
                .append(twoObjectives ? ",\"train_seconds\"" : "").append("],\"prune_objective\":0,\"space\":{")
                .append("\"lr\":{\"type\":\"float\",\"low\":1.0E-4,\"high\":0.1,\"log\":true},")
                .append("\"batch-size\":{\"type\":\"int\",\"low\":16,\"high\":512,\"log\":true},")
                .append("\"optimizer\":{\"type\":\"categorical\",\"choices\":[\"sgd\",\"adam\",\"rmsprop\"]},")
                .append("\"momentum\":{\"type\":\"float\",\"low\":0.5,\"high\":0.99,\"when\":{\"optimizer\":[\"sgd\"]}},")
                .append("\"dropout\":{\"type\":\"float\",\"low\":0.0,\"high\":0.5},")
                .append("\"width\":{\"type\":\"int\",\"low\":64,\"high\":64}},\"attrs\":{}}\n");
        SplittableRandom rng = new SplittableRandom(seed);
        for (int t = 0; t < n; t++) {
            double lr = Math.exp(Math.log(1e-4) + rng.nextDouble() * Math.log(1000));
            long batch = Math.round(Math.exp(Math.log(16) + rng.nextDouble() * Math.log(32)));
            int opt = rng.nextInt(3);
            double dropout = 0.5 * rng.nextDouble();
            j.append(String.format(Locale.ROOT, "{\"op\":\"trial\",\"number\":%d,\"params\":{\"lr\":%s,\"batch-size\":%d.0,\"optimizer\":%d.0,", t, lr, batch, opt));
            if (opt == 0) {
                j.append(String.format(Locale.ROOT, "\"momentum\":%s,", 0.5 + 0.49 * rng.nextDouble()));
            }
            j.append(String.format(Locale.ROOT, "\"dropout\":%s,\"width\":64.0}}%n", dropout));
            // Accuracy peaks at lr 3e-3 and falls with dropout; it rises over the steps.
            double quality = Math.exp(-Math.pow(Math.log10(lr / 3e-3), 2)) * (1 - 0.3 * dropout) * (opt == 1 ? 1 : 0.97);
            boolean pruned = rng.nextDouble() < 0.2;
            boolean running = t >= n - 3;
            int steps = pruned ? 1 + rng.nextInt(4) : running ? 2 : 8;
            for (int s = 1; s <= steps; s++) {
                double acc = 0.1 + 0.85 * quality * (1 - Math.exp(-0.5 * s)) + 0.005 * rng.nextGaussian();
                j.append(String.format(Locale.ROOT, "{\"op\":\"report\",\"number\":%d,\"step\":%d,\"value\":%s}%n", t, s, acc));
            }
            if (running) {
                continue;
            }
            if (t % 97 == 5) {
                j.append(String.format(Locale.ROOT, "{\"op\":\"finish\",\"number\":%d,\"state\":\"fail\",\"seconds\":0.5,\"message\":\"diverged\"}%n", t));
            } else if (pruned) {
                j.append(String.format(Locale.ROOT, "{\"op\":\"finish\",\"number\":%d,\"state\":\"pruned\",\"seconds\":%s,\"message\":\"\"}%n", t, steps * 0.5));
            } else {
                double acc = 0.1 + 0.85 * quality + 0.003 * rng.nextGaussian();
                double secs = 40.0 * 64 / batch * (1 + rng.nextDouble() * 0.1);
                j.append(String.format(Locale.ROOT, "{\"op\":\"finish\",\"number\":%d,\"state\":\"complete\",\"values\":[%s%s],\"seconds\":%s,\"message\":\"\"}%n",
                        t, acc, twoObjectives ? "," + secs : "", secs));
            }
        }
        Files.writeString(dir.resolve("journal.jsonl"), j.toString());
        return dir;
    }
}
