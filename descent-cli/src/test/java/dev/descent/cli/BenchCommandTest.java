package dev.descent.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code descent bench} end to end on a synthetic IDX data set: the table, the JSON, and PyTorch's side when Debian's torch is installed. */
class BenchCommandTest {

    @TempDir
    Path tmp;

    Path data;

    @BeforeEach
    void toyData() {
        data = ToyData.write(tmp.resolve("toy"), 1200, 100, 5);
    }

    @Test
    void timesEveryBatchSizeAndWritesTheJson() throws IOException {
        Path json = tmp.resolve("bench.json");
        MainTest.Result r = MainTest.run("bench", "--dataset", data.toString(), "--batch-sizes", "16,64", "--epochs", "3",
                "--torch", "off", "--json", json.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("machine class: ", "benchmark MLP 64-200-100-50-4", "1,000 examples per epoch", "FMA peak after it", "core-to-core ");
        assertThat(r.out()).containsPattern("(?m)^\\s+16\\s+\\d+\\.\\d{3}").containsPattern("(?m)^\\s+64\\s+\\d+\\.\\d{3}");
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertThat(j.get("results")).hasSize(2);
        for (JsonNode row : j.get("results")) {
            assertThat(row.get("descent_epoch_seconds")).hasSize(3);
            row.get("descent_epoch_seconds").forEach(t -> assertThat(t.asDouble()).isPositive());
            assertThat(row.has("pytorch_median_seconds")).isFalse();
            // a probe after every epoch
            assertThat(row.get("fma_probes")).hasSize(3);
            JsonNode probe = row.get("fma_probes").get(0);
            assertThat(probe.get("oneThreadGflops").asDouble()).isPositive();
            assertThat(probe.get("allThreadsGflops").asDouble()).isPositive();
            // the core-to-core round trip beside it (NaN, written as such, on a one-CPU machine)
            assertThat(probe.has("roundTripNanos")).isTrue();
            if (Runtime.getRuntime().availableProcessors() > 1) {
                assertThat(probe.get("roundTripNanos").asDouble()).isPositive();
            }
        }
        assertThat(j.get("machine_class").asText()).isIn("AVX2", "AVX-512", "scalar", "vector-128", "vector-256");
    }

    @Test
    void runsTheSameLoopInPyTorchWhenItIsInstalled() throws Exception {
        assumeTrue(hasTorch(), "Debian's python3-torch is not installed");
        Path json = tmp.resolve("bench.json");
        MainTest.Result r = MainTest.run("bench", "--dataset", data.toString(), "--batch-sizes", "64", "--epochs", "2",
                "--torch", "/usr/bin/python3", "--json", json.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("PyTorch 1.").containsPattern("epoch 1 Descent .*\\n.*epoch 1 PyTorch .*\\n.*epoch 2 Descent");
        JsonNode row = new ObjectMapper().readTree(json.toFile()).get("results").get(0);
        assertThat(row.get("pytorch_epoch_seconds")).hasSize(2);
        assertThat(row.get("pytorch_speedup").asDouble()).isPositive();
    }

    @Test
    void mediansSkipTheWarmUpEpochAndAverageTheMiddleTwoOfAnEvenCount() {
        assertThat(BenchCommand.middle(new double[] {1, 2, 9})).isEqualTo(2);
        assertThat(BenchCommand.middle(new double[] {70, 190})).as("two probes: their mean, not the larger").isEqualTo(130);
        // epochs 2-5 of 5: the first (1.5 s, the warm-up) never counts
        assertThat(BenchCommand.median(new double[] {1.5, 0.4, 0.5, 0.9, 0.42})).isEqualTo((0.42 + 0.5) / 2);
    }

    @Test
    void badOptionsExitTwoWithOneLine() {
        String[][] bad = {
                {"--epochs", "1"},
                {"--batch-sizes", "0"},
                {"--threads", "0"},
                {"--dataset", tmp.resolve("missing").toString()},
                {"--peer", "tensorflow"},
                {"--peer", "djl", "--djl-classpath", " "},
        };
        for (String[] b : bad) {
            String[] args = new String[b.length + 3];
            args[0] = "bench";
            args[1] = "--torch";
            args[2] = "off";
            System.arraycopy(b, 0, args, 3, b.length);
            MainTest.Result r = MainTest.run(args);
            assertThat(r.code()).as(String.join(" ", b)).isEqualTo(2);
            assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
        }
    }

    private static boolean hasTorch() throws InterruptedException {
        if (!Files.isExecutable(Path.of("/usr/bin/python3"))) {
            return false;
        }
        try {
            Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import torch").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
