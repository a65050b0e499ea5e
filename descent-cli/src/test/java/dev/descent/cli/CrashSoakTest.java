package dev.descent.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crash soak of {@code train}: a run killed with SIGKILL (and every third time or so SIGTERM) at random
 * moments and resumed each time ends with weights (and metrics) bit-identical to a run that was never
 * interrupted. Each kill lands while
 * training is under way: after a random number of progress lines and a random few milliseconds, so
 * kills fall inside checkpoint writes as well as between them. {@code -Ddescent.soak.kills=N} (with
 * the long variant enabled by {@code -Ddescent.soak.long=true}) runs a longer soak.
 */
class CrashSoakTest {

    @TempDir
    Path tmp;

    static List<String> args(Path data, int epochs) {
        return List.of("--dataset", data.toString(), "--hidden", "32,16", "--epochs", Integer.toString(epochs), "--batch-size", "16",
                "--val-size", "100", "--log-freq", "4", "--val-freq", "4", "--val-batches", "1", "--lr", "0.005", "--optimizer", "adam",
                "--schedule", "cosine", "--threads", "1");
    }

    static Process start(List<String> args, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    /**
     * The outcome of a soak: kills that landed mid-run (how many before the first checkpoint, how many
     * were SIGTERM rather than SIGKILL), resumes, and fresh restarts.
     */
    record Soak(int kills, int beforeFirstCheckpoint, int terms, int resumes, int restarts) {
    }

    static Soak soak(Path data, Path run, int epochs, int kills, long seed, Path log) throws Exception {
        SplittableRandom rng = new SplittableRandom(seed);
        List<String> fresh = new ArrayList<>(List.of("train"));
        fresh.addAll(args(data, epochs));
        fresh.addAll(List.of("--out", run.toString()));
        int landed = 0, early = 0, terms = 0, resumes = 0, restarts = 0;
        while (true) {
            boolean resume = Files.exists(run.resolve("trainer-state.json"));
            if (!resume && Files.exists(run)) {
                deleteTree(run); // killed before its first checkpoint: nothing to resume, start again
                restarts++;
            }
            Process p = start(resume ? List.of("train", "--resume", run.toString()) : fresh, log);
            resumes += resume ? 1 : 0;
            if (landed == kills) {
                assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
                assertThat(p.exitValue()).as(Files.readString(log)).isZero();
                return new Soak(landed, early, terms, resumes, restarts);
            }
            // A random moment in the run: after 1 to 4 new [TRAIN] lines (a line comes just before a
            // validation and its checkpoint), then a random 0-60 ms, so kills land inside checkpoint
            // writes as well as between them.
            long target = trainLines(log) + 1 + rng.nextInt(4), deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (p.isAlive() && trainLines(log) < target && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            Thread.sleep(rng.nextInt(60));
            if (!p.isAlive()) {
                // It finished first: too short a run for this soak. Start it over (the kills so far were resumed).
                assertThat(p.exitValue()).as(Files.readString(log)).isZero();
                deleteTree(run);
                restarts++;
                continue;
            }
            boolean checkpointed = Files.exists(run.resolve("trainer-state.json"));
            // Every third a SIGTERM (as Ctrl-C): train stops at the next step and checkpoints what fit()
            // returns with, which inside the loop's checkpoints a SIGKILL never leaves (a stop between
            // epochs, for one: TrainerTest holds that case exactly).
            boolean term = rng.nextInt(3) == 0;
            if (term) {
                p.destroy();
            } else {
                p.destroyForcibly();
            }
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            landed++;
            terms += term ? 1 : 0;
            early += checkpointed || term ? 0 : 1;
            Files.writeString(log, "---- " + (term ? "SIGTERM (exit " + p.exitValue() + ") " : "SIGKILL ") + landed + "\n", java.nio.file.StandardOpenOption.APPEND);
        }
    }

    private static long trainLines(Path log) throws IOException {
        if (!Files.exists(log)) {
            return 0;
        }
        try (Stream<String> s = Files.lines(log)) {
            return s.filter(l -> l.startsWith("[TRAIN]")).count();
        }
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private void soakAndCompare(int kills, int epochs, long seed) throws Exception {
        // In memory where possible: checkpoints are fsync'd, which on a disk costs more than the training.
        Path base = dev.descent.testing.Fuzz.scratchDirectory("descent-soak");
        Path data = ToyData.write(Files.createDirectories(base.resolve("toy")), 600, 100, 5);
        Path reference = base.resolve("reference"), run = base.resolve("soaked");
        List<String> ref = new ArrayList<>(List.of("train"));
        ref.addAll(args(data, epochs));
        ref.addAll(List.of("--out", reference.toString()));
        long t0 = System.nanoTime();
        MainTest.Result r = MainTest.run(ref.toArray(String[]::new));
        assertThat(r.code()).as(r.err()).isZero();
        System.out.printf("crash soak: the uninterrupted run took %.1f s%n", (System.nanoTime() - t0) / 1e9);

        Path log = tmp.resolve("soak.log");
        try {
        Soak s = soak(data, run, epochs, kills, seed, log);
        System.out.printf("crash soak: %d kills mid-run (%d of them SIGTERM; %d SIGKILLs before the first checkpoint), %d resumes, %d fresh restarts; weights and metrics bit-identical%n",
                s.kills(), s.terms(), s.beforeFirstCheckpoint(), s.resumes(), s.restarts());
        assertThat(s.kills()).isEqualTo(kills);
        assertThat(s.resumes()).as("kills after a checkpoint, each resumed").isGreaterThanOrEqualTo(kills - s.beforeFirstCheckpoint());
        assertThat(Files.readAllBytes(run.resolve("model.safetensors"))).as("weights after %d kills", kills).isEqualTo(Files.readAllBytes(reference.resolve("model.safetensors")));
        assertThat(Files.readAllBytes(run.resolve("optimizer.safetensors"))).isEqualTo(Files.readAllBytes(reference.resolve("optimizer.safetensors")));
        assertThat(Files.readAllLines(run.resolve("metrics.csv"))).isEqualTo(Files.readAllLines(reference.resolve("metrics.csv")));
        try (Stream<Path> left = Files.list(run)) {
            assertThat(left.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".next") || n.endsWith(".part"))).as("half-written files").isEmpty();
        }
        } finally {
            deleteTree(base);
        }
    }

    @Test
    void tenSigkillsAtRandomMomentsThenResumesEndBitIdentical() throws Exception {
        soakAndCompare(10, 6, 2026);
    }

    @Test
    @EnabledIfSystemProperty(named = "descent.soak.long", matches = "true")
    void aLongSoak() throws Exception {
        soakAndCompare(Integer.getInteger("descent.soak.kills", 50), 100, Long.getLong("descent.soak.seed", 7));
    }
}
