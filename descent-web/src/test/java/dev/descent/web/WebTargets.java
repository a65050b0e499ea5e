package dev.descent.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.descent.testing.Fuzz;

/**
 * What the dashboard reads from a run directory as fuzz targets: {@code config.json},
 * {@code summary.json} and {@code metrics.csv}, each written into a run and read through every
 * endpoint (the runs list, the run, its metrics, its report). The only exception allowed is a
 * {@link BadRequest} (a 4xx answer); a damaged file shows as an unreadable run.
 */
final class WebTargets {

    private WebTargets() {
    }

    private static final Path ROOT;
    private static final RunStore STORE;

    static {
        try {
            ROOT = Fuzz.scratchDirectory("descent-fuzz-runs");
            Runs.write(ROOT, "good", "adam", 1e-3, 30, true);
            Runs.write(ROOT, "fuzzed", "sgd", 0.1, 30, true);
            STORE = new RunStore(ROOT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void read(String file, byte[] b) throws IOException {
        Path f = ROOT.resolve("fuzzed").resolve(file);
        byte[] original = Files.readAllBytes(f);
        Files.write(f, b);
        try {
            List<com.fasterxml.jackson.databind.node.ObjectNode> runs = STORE.list();
            if (runs.size() != 2) {
                throw new AssertionError("a damaged run hid another: " + runs);
            }
            STORE.run("fuzzed");
            STORE.metrics("fuzzed", 0, 2, false); // every row up to 8, thinned past that
            STORE.metrics("fuzzed", 7, 0, true);
            STORE.report("fuzzed");
        } finally {
            Files.write(f, original);
        }
    }

    static final Fuzz.Target CONFIG = new Fuzz.Target("dashboard-config", BadRequest.class, b -> read("config.json", b));
    static final Fuzz.Target SUMMARY = new Fuzz.Target("dashboard-summary", BadRequest.class, b -> read("summary.json", b));
    static final Fuzz.Target METRICS = new Fuzz.Target("dashboard-metrics", BadRequest.class, b -> read("metrics.csv", b));

    static final List<Fuzz.Target> ALL = List.of(CONFIG, SUMMARY, METRICS);

    static List<byte[]> seeds(Fuzz.Target t) {
        try {
            Path dir = ROOT.resolve("good");
            String file = t == CONFIG ? "config.json" : t == SUMMARY ? "summary.json" : "metrics.csv";
            byte[] real = Files.readAllBytes(dir.resolve(file));
            byte[] small = switch (file) {
                case "config.json" -> "{\"optimizer\":\"sgd\",\"lr\":0.1,\"hidden\":[]}".getBytes(StandardCharsets.UTF_8);
                case "summary.json" -> "{\"test_accuracy\":0.5,\"stop_reason\":\"diverged\"}".getBytes(StandardCharsets.UTF_8);
                default -> "step,epoch,train_loss,train_acc,val_loss,val_acc\n1,1,2.3,0.1,,\n2,1,2.2,0.2,2.25,0.15\n".getBytes(StandardCharsets.UTF_8);
            };
            return List.of(real, small);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
