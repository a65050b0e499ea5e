package dev.descent.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code descent lr-find} end to end on a synthetic IDX data set. */
class LrFindCommandTest {

    @TempDir
    Path tmp;

    @Test
    void writesTheCurveTheChartAndSuggestions() throws IOException {
        Path data = ToyData.write(Files.createDirectories(tmp.resolve("toy")), 600, 100, 3);
        Path out = tmp.resolve("lr");
        MainTest.Result r = MainTest.run("lr-find", "--dataset", data.toString(), "--val-size", "100", "--hidden", "16", "--batch-size", "32",
                "--optimizer", "sgd", "--start-lr", "1e-5", "--end-lr", "1e3", "--iterations", "80", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("suggested lr: valley");
        for (String f : List.of("lr_find.png", "lr_find.svg", "lr_find.csv", "lr_find.json")) {
            assertThat(out.resolve(f)).as(f).isNotEmptyFile();
        }
        JsonNode j = new ObjectMapper().readTree(out.resolve("lr_find.json").toFile());
        assertThat(j.get("valley").asDouble()).isBetween(1e-5, 1e3);
        assertThat(Files.readAllLines(out.resolve("lr_find.csv")).get(0)).isEqualTo("lr,loss,smoothed_loss");
    }

    @Test
    void aBadRangeExitsTwo() {
        MainTest.Result r = MainTest.run("lr-find", "--start-lr", "1", "--end-lr", "0.1", "--out", tmp.resolve("x").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("0 < start lr < end lr");
        MainTest.Result mse = MainTest.run("lr-find", "--loss", "mse", "--out", tmp.resolve("y").toString());
        assertThat(mse.code()).isEqualTo(2);
        assertThat(mse.err()).contains("--loss mse: lr-find measures the nll loss only");
        assertThat(tmp.resolve("y")).doesNotExist();
    }
}
