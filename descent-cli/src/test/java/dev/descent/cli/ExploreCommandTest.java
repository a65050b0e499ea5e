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

    /** A step count from result.json; a rule that did not converge (null) has no count, and reading it as 0 would make it the fastest. */
    private static int converged(JsonNode row, String field) {
        JsonNode v = row.get(field);
        assertThat(v).as(field + " in " + row).isNotNull();
        assertThat(v.isNull()).as(field + " is null: it did not converge (" + row + ")").isFalse();
        return v.asInt();
    }

    /** A step count, or MAX_VALUE for a rule that did not converge (it is then slower than any that did). */
    private static int stepsOrNever(JsonNode row, String field) {
        return row.get(field).isNull() ? Integer.MAX_VALUE : row.get(field).asInt();
    }

    @Test
    void conditioningSlowsGradientDescentAndMomentumHelps() throws IOException {
        JsonNode rows = run("conditioning", "--factors", "1,4,10", "--grid", "21").get("factors");
        assertThat(rows).hasSize(3);
        int previous = -1;
        for (JsonNode r : rows) {
            int gd = converged(r, "gd_steps");
            assertThat(gd).as("GD steps grow with κ").isGreaterThan(previous);
            previous = gd;
        }
        JsonNode last = rows.get(2);
        assertThat(last.get("condition_number").asDouble()).isGreaterThanOrEqualTo(50);
        assertThat(converged(last, "momentum_steps")).isLessThan(converged(last, "gd_steps"));
    }

    @Test
    void momentumConvergesInFewerStepsOnTheIllConditionedSurface() throws IOException {
        JsonNode result = run("momentum", "--grid", "21", "--mlp-hidden", "16", "--mlp-examples", "400");
        assertThat(result.get("condition_number").asDouble()).isGreaterThanOrEqualTo(50);
        JsonNode s = result.get("surface");
        // Momentum must converge, and in fewer steps than gradient descent (which may not converge at all).
        assertThat(converged(s.get(1), "steps_to_converge")).isLessThan(stepsOrNever(s.get(0), "steps_to_converge"));
        assertThat(result.get("finding").asText()).contains("momentum is the faster");
        assertThat(result.get("mlp")).hasSize(2);
    }

    @Test
    void adaptiveMethodsIgnoreTheBadScaling() throws IOException {
        JsonNode result = run("adaptive", "--grid", "21", "--mlp-hidden", "16", "--mlp-examples", "400");
        JsonNode s = result.get("surface");
        assertThat(s).hasSize(5);
        int sgd = stepsOrNever(s.get(0), "steps_to_tol");
        for (int i = 2; i < 5; i++) {
            assertThat(converged(s.get(i), "steps_to_tol")).as(s.get(i).get("optimizer").asText()).isLessThan(sgd);
        }
        assertThat(result.get("finding").asText()).contains("ignore the bad scaling");
        assertThat(result.get("mlp")).hasSize(5);
    }

    @Test
    void widerNetworksReachLowerLosses() throws IOException {
        JsonNode run = run("nonconvex", "--widths", "1,32", "--inits", "3", "--epochs", "3", "--points", "7");
        JsonNode rows = run.get("widths");
        assertThat(rows).hasSize(2);
        assertThat(rows.get(1).get("mean").asDouble()).isLessThan(rows.get(0).get("mean").asDouble());
        assertThat(rows.get(0).get("final_losses")).hasSize(3);
        // The finding's conclusion is the one the numbers give.
        boolean narrower = rows.get(1).get("spread").asDouble() < rows.get(0).get("spread").asDouble();
        assertThat(run.get("finding").asText().contains("bad local minima stop mattering")).isEqualTo(narrower);
        assertThat(rows.get(0).get("interpolation_loss")).hasSize(7);
    }

    @Test
    void smallBatchesTakeMoreStepsInTheSameTime() throws IOException {
        JsonNode result = run("minibatch", "--batch-sizes", "4,full", "--seconds", "0.5", "--hidden", "16");
        JsonNode rows = result.get("batch_sizes");
        assertThat(rows).hasSize(2);
        assertThat(rows.get(1).get("full_batch").asBoolean()).isTrue();
        assertThat(rows.get(0).get("steps").asLong()).isGreaterThan(rows.get(1).get("steps").asLong());
        JsonNode loss = rows.get(0).get("loss");
        assertThat(rows.get(0).get("final_loss").asDouble()).isLessThan(loss.get(0).asDouble());
        boolean smallWins = rows.get(0).get("final_loss").asDouble() < rows.get(1).get("final_loss").asDouble();
        assertThat(result.get("finding").asText().contains("many cheap steps beat few exact ones")).isEqualTo(smallWins);
    }

    @Test
    void sharpnessReportsWhenEachStepSizeReachedTwoOverLrAndWhereItStayed() throws IOException {
        JsonNode result = run("sharpness", "--lrs", "0.5,8", "--steps", "60", "--every", "10", "--examples", "200", "--hidden", "8");
        JsonNode rows = result.get("runs");
        assertThat(rows).hasSize(2);
        assertThat(result.get("loss").asText()).isEqualTo("mse");
        assertThat(result.get("activation").asText()).isEqualTo("tanh");
        int reached = 0;
        for (JsonNode r : rows) {
            boolean diverged = r.get("stop").asText().equals("diverged");
            if (diverged) {
                assertThat(result.get("finding").asText()).containsPattern("lr " + TrainingSession.fmt(r.get("lr").asDouble()) + " .* and diverged at step");
            } else {
                assertThat(r.get("measured_at")).hasSize(7);
                assertThat(r.get("loss")).hasSize(60);
            }
            assertThat(r.get("threshold").asDouble()).isEqualTo(2 / r.get("lr").asDouble());
            double[] s = new ObjectMapper().convertValue(r.get("sharpness"), double[].class);
            int[] at = new ObjectMapper().convertValue(r.get("measured_at"), int[].class);
            // steps_to_reach is the first measurement at or above 2/lr, and the ratio the mean of λ·lr/2 after it.
            Integer first = null;
            for (int i = 0; i < s.length && first == null; i++) {
                if (s[i] >= r.get("threshold").asDouble()) {
                    first = at[i];
                }
            }
            if (first == null) {
                assertThat(r.get("steps_to_reach").isNull()).isTrue();
                assertThat(r.get("mean_ratio_after").isNull()).isTrue();
                if (!diverged) {
                    assertThat(result.get("finding").asText()).contains("lr " + TrainingSession.fmt(r.get("lr").asDouble()) + " never reached 2/lr");
                }
            } else {
                reached++;
                assertThat(r.get("steps_to_reach").asInt()).isEqualTo(first);
                double sum = 0;
                int k = 0;
                for (int i = 0; i < s.length; i++) {
                    if (at[i] > first) {
                        sum += s[i] / r.get("threshold").asDouble();
                        k++;
                    }
                }
                assertThat(r.get("mean_ratio_after").asDouble()).isCloseTo(sum / k, org.assertj.core.api.Assertions.within(1e-12));
            }
            assertThat(r.get("sharpness_products").asInt()).isGreaterThanOrEqualTo(at.length * 3);
        }
        // At lr 0.5 (2/lr = 4) this small problem's sharpness stays below the threshold; at lr 8 it starts above it (and diverges).
        assertThat(rows.get(0).get("steps_to_reach").isNull()).isTrue();
        assertThat(rows.get(1).get("steps_to_reach").asInt()).isZero();
        assertThat(result.get("finding").asText()).startsWith(reached + " of 2 step sizes reached the stability threshold 2/lr");
    }

    @Test
    void curvatureReportsTheSpectrumOfTheNetworkAndOfEachLayerBeforeAndAfterTraining() throws IOException {
        JsonNode result = run("curvature", "--hidden", "8", "--examples", "300", "--hessian-examples", "60", "--trace-probes", "30",
                "--density-iterations", "20", "--density-probes", "2", "--optimizer", "sgd", "--lr", "0.1");
        assertThat(result.get("parameters").asInt()).isEqualTo(64 * 8 + 8 + 8 * 4 + 4);
        JsonNode stages = result.get("stages");
        assertThat(stages).hasSize(2);
        assertThat(stages.get(0).get("stage").asText()).isEqualTo("initial");
        assertThat(stages.get(1).get("loss").asDouble()).isLessThan(stages.get(0).get("loss").asDouble());
        for (JsonNode st : stages) {
            JsonNode parts = st.get("parts");
            assertThat(parts.findValuesAsText("name")).containsExactly("network", "main.0", "main.2");
            assertThat(parts.get(1).get("parameters").asInt() + parts.get(2).get("parameters").asInt()).isEqualTo(parts.get(0).get("parameters").asInt());
            double layers = parts.get(1).get("trace").asDouble() + parts.get(2).get("trace").asDouble();
            double se = parts.get(0).get("trace_standard_error").asDouble() + parts.get(1).get("trace_standard_error").asDouble()
                    + parts.get(2).get("trace_standard_error").asDouble();
            // tr H = Σ tr H_ll: the estimates agree within their standard errors.
            assertThat(parts.get(0).get("trace").asDouble()).isCloseTo(layers, org.assertj.core.api.Assertions.within(4 * se));
            for (JsonNode p : parts) {
                assertThat(p.get("top_eigenvalue").asDouble()).isCloseTo(p.get("density_max").asDouble(),
                        org.assertj.core.api.Assertions.within(0.05 * Math.abs(p.get("top_eigenvalue").asDouble())));
                assertThat(p.get("density_weights")).hasSize(2);
                assertThat(p.get("negative_mass").asDouble()).isBetween(0.0, 1.0);
            }
        }
        assertThat(result.get("finding").asText()).startsWith("After 1 epoch of sgd (lr 0.1, batch 64) on 300 images, λ_max went from");
    }

    @Test
    void allWritesOneSelfContainedReport() throws IOException {
        Path out = tmp.resolve("all");
        MainTest.Result r = MainTest.run("explore", "all", "--dataset", toy().toString(), "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        String html = Files.readString(out.resolve("report.html"));
        for (String topic : new String[] {"gd-vs-random", "conditioning", "momentum", "nonconvex", "minibatch", "adaptive", "sharpness", "curvature"}) {
            assertThat(html).contains("<section id=\"" + topic + "\">");
            assertThat(out.resolve(topic).resolve("result.json")).isNotEmptyFile();
        }
        assertThat(html).contains("data:image/png;base64,").doesNotContain("src=\"http");
        assertThat(new ObjectMapper().readTree(out.resolve("result.json").toFile()).get("topics")).hasSize(8);
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
