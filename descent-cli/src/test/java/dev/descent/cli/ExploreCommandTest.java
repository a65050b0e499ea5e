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

    private Path toy() throws IOException {
        return ToyData.write(Files.createDirectories(tmp.resolve("toy")), 400, 50, 4);
    }

    private JsonNode run(String topic, String... knobs) throws IOException {
        Path out = tmp.resolve(topic);
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("explore", topic, "--dataset", toy().toString(), "--out", out.toString()));
        args.addAll(java.util.List.of(knobs));
        MainTest.Result r = MainTest.run(args.toArray(String[]::new));
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode result = new ObjectMapper().readTree(out.resolve("result.json").toFile());
        for (JsonNode f : result.get("figures")) {
            assertThat(out.resolve(f.asText())).isNotEmptyFile();
        }
        assertThat(result.get("figures")).isNotEmpty();
        assertThat(r.out()).contains(result.get("finding").asText());
        return result;
    }

    @Test
    void conditioningSlowsGradientDescentAndMomentumHelps() throws IOException {
        JsonNode rows = run("conditioning", "--factors", "1,4,10", "--grid", "21").get("factors");
        assertThat(rows).hasSize(3);
        int previous = -1;
        for (JsonNode r : rows) {
            int gd = r.get("gd_steps").asInt();
            assertThat(gd).as("GD steps grow with κ").isGreaterThan(previous);
            previous = gd;
        }
        JsonNode last = rows.get(2);
        assertThat(last.get("condition_number").asDouble()).isGreaterThanOrEqualTo(50);
        assertThat(last.get("momentum_steps").asInt()).isLessThan(last.get("gd_steps").asInt());
    }

    @Test
    void momentumConvergesInFewerStepsOnTheIllConditionedSurface() throws IOException {
        JsonNode result = run("momentum", "--grid", "21", "--mlp-hidden", "16", "--mlp-examples", "400");
        assertThat(result.get("condition_number").asDouble()).isGreaterThanOrEqualTo(50);
        JsonNode s = result.get("surface");
        assertThat(s.get(1).get("steps_to_converge").asInt()).isLessThan(s.get(0).get("steps_to_converge").asInt());
        assertThat(result.get("mlp")).hasSize(2);
    }

    @Test
    void adaptiveMethodsIgnoreTheBadScaling() throws IOException {
        JsonNode result = run("adaptive", "--grid", "21", "--mlp-hidden", "16", "--mlp-examples", "400");
        JsonNode s = result.get("surface");
        assertThat(s).hasSize(5);
        int sgd = s.get(0).get("steps_to_tol").isNull() ? Integer.MAX_VALUE : s.get(0).get("steps_to_tol").asInt();
        for (int i = 2; i < 5; i++) {
            assertThat(s.get(i).get("steps_to_tol").asInt()).as(s.get(i).get("optimizer").asText()).isLessThan(sgd);
        }
        assertThat(result.get("mlp")).hasSize(5);
    }

    @Test
    void widerNetworksReachLowerLosses() throws IOException {
        JsonNode rows = run("nonconvex", "--widths", "1,32", "--inits", "3", "--epochs", "3", "--points", "7").get("widths");
        assertThat(rows).hasSize(2);
        assertThat(rows.get(1).get("mean").asDouble()).isLessThan(rows.get(0).get("mean").asDouble());
        assertThat(rows.get(0).get("final_losses")).hasSize(3);
        assertThat(rows.get(0).get("interpolation_loss")).hasSize(7);
    }

    @Test
    void smallBatchesTakeMoreStepsInTheSameTime() throws IOException {
        JsonNode rows = run("minibatch", "--batch-sizes", "4,full", "--seconds", "0.5", "--hidden", "16").get("batch_sizes");
        assertThat(rows).hasSize(2);
        assertThat(rows.get(1).get("full_batch").asBoolean()).isTrue();
        assertThat(rows.get(0).get("steps").asLong()).isGreaterThan(rows.get(1).get("steps").asLong());
        JsonNode loss = rows.get(0).get("loss");
        assertThat(rows.get(0).get("final_loss").asDouble()).isLessThan(loss.get(0).asDouble());
    }

    @Test
    void sharpnessStaysBelowAboutTwoOverLrOnceStable() throws IOException {
        JsonNode rows = run("sharpness", "--lrs", "0.5,4", "--steps", "60", "--every", "10", "--examples", "200", "--hidden", "8").get("runs");
        assertThat(rows).hasSize(2);
        for (JsonNode r : rows) {
            assertThat(r.get("sharpness")).hasSize(7);
            assertThat(r.get("threshold").asDouble()).isEqualTo(2 / r.get("lr").asDouble());
            // Gradient descent that did not diverge cannot sit far above its stability threshold.
            if (Double.isFinite(r.get("final_loss").asDouble()) && r.get("final_loss").asDouble() < 10) {
                assertThat(r.get("late_median_sharpness").asDouble()).isLessThan(1.5 * r.get("threshold").asDouble());
            }
        }
    }

    @Test
    void allWritesOneSelfContainedReport() throws IOException {
        Path out = tmp.resolve("all");
        MainTest.Result r = MainTest.run("explore", "all", "--dataset", toy().toString(), "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        String html = Files.readString(out.resolve("report.html"));
        for (String topic : new String[] {"gd-vs-random", "conditioning", "momentum", "nonconvex", "minibatch", "adaptive", "sharpness"}) {
            assertThat(html).contains("<section id=\"" + topic + "\">");
            assertThat(out.resolve(topic).resolve("result.json")).isNotEmptyFile();
        }
        assertThat(html).contains("data:image/png;base64,").doesNotContain("src=\"http");
        assertThat(new ObjectMapper().readTree(out.resolve("result.json").toFile()).get("topics")).hasSize(7);
    }

    @Test
    void badKnobsExitTwo() {
        MainTest.Result r = MainTest.run("explore", "gd-vs-random", "--noise-scales", "0,0.1", "--out", tmp.resolve("x").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--noise-scales must be a positive");
        for (String[] bad : new String[][] {{"conditioning", "--factors", "0,2"}, {"conditioning", "--classes", "1,1"}, {"momentum", "--beta", "1"},
                {"adaptive", "--mlp-lrs", "0.1"}, {"nonconvex", "--inits", "1"}, {"minibatch", "--batch-sizes", "16,huge"}, {"sharpness", "--activation", "swish"}}) {
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("explore"));
            args.addAll(java.util.List.of(bad));
            args.add("--out=" + tmp.resolve("bad"));
            MainTest.Result b = MainTest.run(args.toArray(String[]::new));
            assertThat(b.code()).as(String.join(" ", bad)).isEqualTo(2);
            assertThat(b.err().strip()).as(String.join(" ", bad)).doesNotContain("\n").contains(bad[1]);
        }
        assertThat(tmp.resolve("bad")).doesNotExist();
    }

    @Test
    void aKnobCheckedAgainstTheDataLeavesNoDirectory() throws IOException {
        Path out = tmp.resolve("pixel");
        MainTest.Result r = MainTest.run("explore", "conditioning", "--dataset", toy().toString(), "--pixel", "9999", "--out", out.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").contains("--pixel 9999 is outside the image (64 inputs)");
        assertThat(out).doesNotExist();
    }
}
