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
        List<String> csv = Files.readAllLines(out.resolve("lr_find.csv"));
        assertThat(csv.get(0)).isEqualTo("lr,loss,smoothed_loss");
        int n = csv.size() - 1;
        double[] lr = new double[n], smoothed = new double[n];
        int argmin = 0;
        for (int i = 0; i < n; i++) {
            String[] f = csv.get(i + 1).split(",");
            lr[i] = Double.parseDouble(f[0]);
            smoothed[i] = Double.parseDouble(f[2]);
            if (smoothed[i] < smoothed[argmin]) {
                argmin = i;
            }
        }
        // The valley lies in the stretch where the loss falls towards its minimum: below the lr of the
        // lowest smoothed loss, with lower losses still ahead of it, and — for SGD on this data, where
        // 1e-5..1e-3 leave the loss flat and lrs past 2 make it climb — between 1e-3 and 1.
        double valley = j.get("valley").asDouble();
        assertThat(valley).isBetween(1e-3, 1.0).isLessThanOrEqualTo(lr[argmin]);
        int at = 0;
        while (at + 1 < n && lr[at + 1] <= valley) {
            at++;
        }
        assertThat(smoothed[argmin]).as("the minimum after the valley").isLessThan(smoothed[at]);
        assertThat(j.get("steepest").asDouble()).isBetween(lr[0], lr[n - 1]);
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
