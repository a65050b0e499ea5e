package dev.descent.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * descent benchmark end to end with --quick, on quadratic_deep and a toy IDX directory (the MNIST
 * problems run the same code on bigger files): every file of the report, and the numbers in them.
 */
class BenchmarkCommandTest {

    @TempDir
    static Path tmp;
    static Path data;

    @BeforeAll
    static void makeData() {
        data = ToyData.write(tmp.resolve("toy"), 300, 100, 7);
    }

    @Test
    void quickRunWritesTheReportTablesAndFigures() throws IOException {
        Path out = tmp.resolve("bench");
        MainTest.Result r = MainTest.run("benchmark", "--quick", "--problems", "quadratic_deep", "--dataset", data.toString(), "--hidden", "16",
                "--optimizers", "sgd,adam", "--lr-grid", "1e-2:1e-1:1", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("quadratic_deep").contains("dir_toy").contains("tune lr 0.01").contains("seed 2023")
                .contains("performance profiles");
        JsonNode j = new ObjectMapper().readTree(out.resolve("benchmark.json").toFile());
        assertThat(j.path("protocol").path("lr_grid")).hasSize(2);
        assertThat(j.path("protocol").path("seeds").asInt()).isEqualTo(3);
        assertThat(j.path("problems")).hasSize(2);
        JsonNode toy = j.path("problems").get(1);
        assertThat(toy.path("name").asText()).isEqualTo("dir_toy");
        for (JsonNode o : toy.path("optimizers")) {
            assertThat(o.path("best_lr").asDouble()).isIn(0.01, 0.1);
            assertThat(o.path("tuning")).hasSize(2);
            assertThat(o.path("seeds")).hasSize(3);
            double sum = 0;
            for (JsonNode s : o.path("seeds")) {
                sum += s.path("test_accuracy").asDouble();
            }
            assertThat(o.path("test_accuracy").path("mean").asDouble()).isCloseTo(sum / 3, org.assertj.core.api.Assertions.within(1e-9));
            assertThat(o.path("test_accuracy").path("ci95")).hasSize(2);
            assertThat(o.path("test_accuracy").has("p_value_vs_best")).isTrue();
        }
        JsonNode quad = j.path("problems").get(0);
        assertThat(quad.path("metric").asText()).isEqualTo("training loss above its minimum");
        assertThat(quad.path("optimizers").get(0).path("test_loss").path("mean").asDouble()).isPositive();
        assertThat(j.path("profiles").path("speed").path("problems")).hasSize(2);

        assertThat(Files.readAllLines(out.resolve("results.csv")).get(0)).startsWith("problem,optimizer,best_lr,metric,mean,std,ci95_low,ci95_high");
        assertThat(Files.readAllLines(out.resolve("seeds.csv"))).hasSize(1 + 2 * 2 * 3);
        assertThat(Files.readAllLines(out.resolve("tuning.csv"))).hasSize(1 + 2 * 2 * 2);
        assertThat(Files.readAllLines(out.resolve("profiles.csv"))).hasSize(1 + 2 * 2 * 2);
        for (String f : List.of("quadratic_deep", "dir_toy", "profiles")) {
            assertThat(out.resolve("figures").resolve(f + ".png")).isNotEmptyFile();
            assertThat(out.resolve("figures").resolve(f + ".svg")).isNotEmptyFile();
        }
        String html = Files.readString(out.resolve("report.html"));
        assertThat(html).contains("<h2>quadratic_deep</h2>").contains("<h2>dir_toy</h2>").contains("Performance profiles")
                .contains("Welch").doesNotContain("src=\"figures/");
        assertThat(html.split("data:image/png;base64,", -1)).hasSize(4);
    }

    @Test
    void badOptionsExitTwoWithOneLine() {
        MainTest.Result both = MainTest.run("benchmark", "--quick", "--paper", "--out", tmp.resolve("x").toString());
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("--quick and --paper");
        MainTest.Result unknown = MainTest.run("benchmark", "--problems", "cifar_resnet", "--out", tmp.resolve("y").toString());
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown test problem 'cifar_resnet'");
        MainTest.Result grid = MainTest.run("benchmark", "--lr-grid", "1:0.1:2", "--out", tmp.resolve("z").toString());
        assertThat(grid.code()).isEqualTo(2);
        assertThat(grid.err()).contains("--lr-grid");
        MainTest.Result lr = MainTest.run("benchmark", "--lr", "0.1", "--out", tmp.resolve("w").toString());
        assertThat(lr.code()).isEqualTo(2);
    }
}
