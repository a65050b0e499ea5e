package dev.descent.bench.djl;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.descent.cli.Main;
import dev.descent.cli.SyntheticDigits;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code descent bench --peer djl} end to end, offline: DJL's PyTorch engine in its own JVM (from this
 * module's class path) trains the same MLP on the same batches from the same initial weights as
 * Descent, interleaved epoch by epoch, and the two sides' losses agree.
 */
class DjlPeerTest {

    @TempDir
    Path tmp;

    @Test
    void benchRunsDjlInterleavedWithDescentOnTheSameBatches() throws IOException {
        Path data = SyntheticDigits.write(tmp.resolve("toy"), 10, 1200, 100, 7);
        String cp = Path.of("target", "classes").toAbsolutePath() + java.io.File.pathSeparator
                + Files.readString(Path.of("target", "djl-peer.classpath")).strip();
        Path json = tmp.resolve("bench.json");
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "bench", "--dataset", data.toString(),
                "--batch-sizes", "16,64", "--epochs", "3", "--threads", "1", "--torch", "off", "--peer", "djl",
                "--djl-classpath", cp, "--json", json.toString());
        assertThat(code).as(out + "\n" + err).isZero();
        assertThat(out.toString()).contains("machine class: ", "DJL 0.36.0, engine PyTorch 2.7.1", "DJL s/ep", "benchmark MLP 100-200-100-50-10");
        // interleaved: every epoch of Descent is followed by one of DJL
        assertThat(out.toString()).containsPattern("epoch 2 Descent .*\\n.*epoch 2 DJL");
        JsonNode rows = new ObjectMapper().readTree(json.toFile()).get("results");
        assertThat(rows).hasSize(2);
        for (JsonNode r : rows) {
            assertThat(r.get("djl_epoch_seconds")).hasSize(3);
            assertThat(r.get("djl_speedup").asDouble()).isPositive();
            assertThat(r.get("fma_probes")).hasSize(6);
            // Same data, batches, initial weights and Adam: the first epoch's mean loss agrees to float noise
            // (DJL adds Adam's epsilon outside the bias correction; the difference is far below this).
            double ours = r.get("descent_epoch_mean_loss").get(0).asDouble(), theirs = r.get("djl_epoch_mean_loss").get(0).asDouble();
            assertThat(theirs).isCloseTo(ours, org.assertj.core.data.Percentage.withPercentage(1));
            assertThat(r.get("descent_epoch_mean_loss").get(2).asDouble()).isLessThan(ours);
        }
    }
}
