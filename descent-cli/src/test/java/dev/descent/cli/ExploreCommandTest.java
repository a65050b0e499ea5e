package dev.descent.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code descent explore} topics end to end on tiny settings: files written, finding in the right direction. */
class ExploreCommandTest {

    @TempDir
    Path tmp;

    @Test
    void gradientDescentBeatsRandomSearch() throws IOException {
        Path data = ToyData.write(Files.createDirectories(tmp.resolve("toy")), 400, 50, 4);
        Path out = tmp.resolve("gdr");
        MainTest.Result r = MainTest.run("explore", "gd-vs-random", "--dataset", data.toString(), "--iterations", "30", "--noise-scales", "0.01,0.1",
                "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(out.resolve("gd_vs_random.png")).isNotEmptyFile();
        assertThat(out.resolve("gd_vs_random.svg")).isNotEmptyFile();
        JsonNode result = new ObjectMapper().readTree(out.resolve("result.json").toFile());
        JsonNode methods = result.get("methods");
        assertThat(methods).hasSize(5);
        double gd = methods.get(0).get("final_loss").asDouble();
        for (int i = 1; i < methods.size(); i++) {
            assertThat(methods.get(i).get("final_loss").asDouble()).as(methods.get(i).get("method").asText()).isGreaterThan(gd);
            assertThat(methods.get(i).get("final_loss").asDouble()).isLessThanOrEqualTo(methods.get(i).get("initial_loss").asDouble());
        }
        assertThat(result.get("finding").asText()).startsWith("Gradient descent lowers the loss");
        assertThat(r.out()).contains("final loss");
    }

    @Test
    void badKnobsExitTwo() {
        MainTest.Result r = MainTest.run("explore", "gd-vs-random", "--noise-scales", "0,0.1", "--out", tmp.resolve("x").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--noise-scales must be positive");
    }
}
