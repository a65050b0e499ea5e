package dev.descent.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.descent.io.Checkpoint;
import dev.descent.io.Safetensors;

import static org.assertj.core.api.Assertions.assertThat;

/** train, eval and compare end to end on a small synthetic IDX data set, checking the files they write. */
class TrainCommandTest {

    @TempDir
    static Path tmp;
    static Path data;

    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void makeData() throws IOException {
        data = ToyData.write(Files.createDirectories(tmp.resolve("toy")), 1200, 300, 1);
    }

    static List<String> args(Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--dataset", data.toString(), "--hidden", "16", "--epochs", "2", "--batch-size", "32",
                "--val-size", "200", "--log-freq", "10", "--val-freq", "10", "--val-batches", "2", "--lr", "0.01", "--out", out.toString()));
        a.addAll(List.of(extra));
        return a;
    }

    static MainTest.Result train(Path out, String... extra) {
        return MainTest.run(args(out, extra).toArray(String[]::new));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"nll", "mse"})
    void trackSharpnessWritesTheColumnsThatASeparateLanczosRunReproduces(String loss) throws IOException {
        Path out = tmp.resolve("sharp-" + loss);
        // 1,000 training examples in batches of 32: 32 steps, measured at 8, 16, 24 and 32 (and before the first).
        MainTest.Result r = train(out, "--epochs", "1", "--loss", loss, "--track-sharpness", "8", "--sharpness-examples", "200",
                "--optimizer", loss.equals("mse") ? "sgd" : "adam", "--lr", loss.equals("mse") ? "0.1" : "0.01");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("sharpness: 5 measurements on 200 examples \\([0-9,]+ Hessian-vector products\\) took [0-9.]+ s; last [0-9.e+-]+ against 2/lr = (20|200)\\b");
        List<String> csv = Files.readAllLines(out.resolve("metrics.csv"));
        assertThat(csv.get(0)).isEqualTo("step,epoch,train_loss,train_acc,val_loss,val_acc,sharpness,two_over_lr");
        assertThat(csv).hasSize(33);
        for (int step = 1; step <= 32; step++) {
            String[] f = csv.get(step).split(",", -1);
            assertThat(f).hasSize(8);
            assertThat(f[6].isEmpty()).as("step %d", step).isEqualTo(step % 8 != 0);
            if (step % 8 == 0) {
                assertThat(Double.parseDouble(f[7])).isCloseTo(loss.equals("mse") ? 20 : 200, org.assertj.core.api.Assertions.within(1e-9));
            }
        }
        // Step 32 is the last: the saved model is the one measured there. A separate float64 Lanczos run from a
        // random start on the same 200 examples (the first of the training split) finds the same top eigenvalue.
        double logged = Double.parseDouble(csv.get(32).split(",", -1)[6]);
        dev.descent.data.IdxImages.TrainTest tt = dev.descent.data.IdxImages.load(dev.descent.data.IdxImages.locate(data), 0);
        dev.descent.data.Dataset split = dev.descent.data.Datasets.split(tt.train(), 2021, 1000, 200).get(0);
        int[] idx = java.util.stream.IntStream.range(0, 200).toArray();
        float[] x = new float[200 * 64];
        int[] y = new int[200];
        split.gather(idx, 0, 200, x, y);
        dev.descent.nn.Mlp model = Checkpoint.load(out.resolve("model.safetensors"));
        dev.descent.analysis.MlpCurvature c = new dev.descent.analysis.MlpCurvature(model, dev.descent.tensor.Tensor.of(x, 200, 64), y,
                dev.descent.train.Loss.valueOf(loss.toUpperCase(java.util.Locale.ROOT)), dev.descent.analysis.MlpCurvature.Precision.FLOAT64);
        double[] top = dev.descent.analysis.Lanczos.top(c.at(dev.descent.analysis.MlpCurvature.flatten(model)).hessian(), c.size(), 80, 1,
                new dev.descent.tensor.Generator(99));
        assertThat(logged).isCloseTo(top[0], org.assertj.core.api.Assertions.within(1e-3 * top[0]));

        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertThat(summary.get("sharpness_measurements").asInt()).isEqualTo(5);
        assertThat(summary.get("final_sharpness").asDouble()).isEqualTo(logged);
        assertThat(summary.get("sharpness_seconds").asDouble()).isPositive();
        JsonNode config = JSON.readTree(out.resolve("config.json").toFile());
        assertThat(config.get("loss").asText()).isEqualTo(loss);
        assertThat(config.get("track_sharpness").asInt()).isEqualTo(8);
        assertThat(config.get("sharpness_examples").asInt()).isEqualTo(200);
        // The curves have a third panel, the sharpness (three 640-pixel panels in a row).
        java.awt.image.BufferedImage png = javax.imageio.ImageIO.read(out.resolve("curves.png").toFile());
        assertThat(png.getWidth()).isEqualTo(3 * 640);
        assertThat(Files.readString(out.resolve("curves.svg"))).contains("viewBox=\"0 0 1920 440\"");
    }

    @Test
    void trainWritesEveryFileOfARunAndEvalReproducesTheAccuracy() throws IOException {
        Path out = tmp.resolve("run");
        List<Path> scratch = warmupScratch();
        MainTest.Result r = train(out);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(warmupScratch()).as("the kernel warm-up's scratch directory is gone").containsExactlyInAnyOrderElementsOf(scratch);
        for (String f : List.of("config.json", "metrics.csv", "summary.json", "model.safetensors", "curves.png", "curves.svg")) {
            assertThat(out.resolve(f)).as(f).isNotEmptyFile();
        }
        assertThat(r.out()).contains("[TRAIN] Epoch 1 | Iter     10").contains("[VALID] Epoch 1 | Iter     10");
        String last = r.out().strip().lines().reduce((a, b) -> b).orElseThrow();
        assertThat(last).startsWith("test accuracy ");

        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        for (String k : List.of("test_accuracy", "test_loss", "val_accuracy", "epochs", "steps", "train_seconds", "examples_per_second", "seed", "descent_version")) {
            assertThat(summary.has(k)).as(k).isTrue();
        }
        assertThat(summary.get("test_accuracy").asDouble()).isGreaterThan(0.9);
        assertThat(summary.get("steps").asInt()).isEqualTo(64); // 1000 examples / 32 → 32 steps × 2 epochs

        List<String> csv = Files.readAllLines(out.resolve("metrics.csv"));
        assertThat(csv.get(0)).isEqualTo("step,epoch,train_loss,train_acc,val_loss,val_acc");
        assertThat(csv).hasSize(65);
        assertThat(csv.get(9)).matches("9,1,[0-9.E-]+,[0-9.E-]+,,");
        assertThat(csv.get(10)).matches("10,1,[0-9.E-]+,[0-9.E-]+,[0-9.E-]+,[0-9.E-]+");

        JsonNode config = JSON.readTree(out.resolve("config.json").toFile());
        assertThat(config.get("optimizer").asText()).isEqualTo("adam");
        assertThat(config.get("lr").asDouble()).isEqualTo(0.01);
        assertThat(config.get("in_dim").asInt()).isEqualTo(64);
        assertThat(config.get("out_dim").asInt()).isEqualTo(4);
        assertThat(Safetensors.read(out.resolve("model.safetensors")).metadata()).containsEntry("hidden", "16").containsEntry("in_dim", "64");

        assertThat(Files.readAllBytes(out.resolve("curves.png"))).startsWith(0x89, 'P', 'N', 'G');
        assertThat(Files.readString(out.resolve("curves.svg"))).contains("<svg");

        MainTest.Result e = MainTest.run("eval", "--model", out.resolve("model.safetensors").toString(), "--dataset", data.toString(), "--json");
        assertThat(e.code()).as(e.err()).isZero();
        JsonNode ev = JSON.readTree(e.out());
        assertThat(ev.get("test_accuracy").asDouble()).isEqualTo(summary.get("test_accuracy").asDouble());
        assertThat(ev.get("confusion")).hasSize(4);

        MainTest.Result text = MainTest.run("eval", "--model", out.resolve("model.safetensors").toString(), "--dataset", data.toString());
        assertThat(text.out()).contains("confusion matrix").contains("worst classes:");
    }

    private static List<Path> warmupScratch() throws IOException {
        try (java.util.stream.Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("descent-warmup-")).toList();
        }
    }

    @Test
    void theSameSeedGivesBitIdenticalMetricsOnOneAndTwoThreads() throws IOException {
        Path one = tmp.resolve("t1"), two = tmp.resolve("t2");
        assertThat(train(one, "--threads", "1", "--hidden", "300,40").code()).isZero();
        assertThat(train(two, "--threads", "2", "--hidden", "300,40").code()).isZero();
        assertThat(Files.readAllLines(two.resolve("metrics.csv"))).isEqualTo(Files.readAllLines(one.resolve("metrics.csv")));
        // The two threads' cores' distance when the run ended, which a first epoch's time depends on; none for one thread.
        assertThat(JSON.readTree(one.resolve("summary.json").toFile()).has("core_to_core_ns")).isFalse();
        if (Runtime.getRuntime().availableProcessors() > 1) {
            assertThat(JSON.readTree(two.resolve("summary.json").toFile()).get("core_to_core_ns").asLong()).isPositive();
        }
    }

    @Test
    void withoutTheJitWarmupTheRunIsTheSameBitForBitAndStartsWithoutWaiting() throws IOException {
        Path on = tmp.resolve("warm-on"), off = tmp.resolve("warm-off");
        MainTest.Result warm = train(on);
        assertThat(warm.code()).as(warm.err()).isZero();
        assertThat(warm.out()).contains("compiling the training step on synthetic data").containsPattern("JIT warm-up done: waited [0-9.]+ s, [0-9,]+ synthetic steps");
        List<Path> scratch = warmupScratch();
        MainTest.Result cold = train(off, "--no-jit-warmup");
        assertThat(cold.code()).as(cold.err()).isZero();
        assertThat(cold.out()).doesNotContain("JIT warm-up").doesNotContain("compiling the training step");
        assertThat(warmupScratch()).as("no warm-up, so no scratch directory").containsExactlyInAnyOrderElementsOf(scratch);
        assertThat(Files.readAllLines(off.resolve("metrics.csv"))).isEqualTo(Files.readAllLines(on.resolve("metrics.csv")));
        assertThat(Files.readAllBytes(off.resolve("model.safetensors"))).isEqualTo(Files.readAllBytes(on.resolve("model.safetensors")));
    }

    @Test
    void resumingAFinishedRunChangesNothing() throws IOException {
        Path run = tmp.resolve("done");
        assertThat(train(run, "--optimizer", "momentum", "--schedule", "cosine", "--epochs", "3").code()).isZero();
        List<String> before = Files.readAllLines(run.resolve("metrics.csv"));
        byte[] model = Files.readAllBytes(run.resolve("model.safetensors"));
        MainTest.Result again = MainTest.run("train", "--resume", run.toString());
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).contains("resuming").contains("at step 96 of 96");
        assertThat(again.out()).as("nothing left to train: the warm-up is stopped, not waited for").doesNotContain("JIT warm-up");
        assertThat(Files.readAllLines(run.resolve("metrics.csv"))).isEqualTo(before);
        assertThat(Files.readAllBytes(run.resolve("model.safetensors"))).isEqualTo(model);

        // A resume takes the run's own options: one given beside --resume is refused, not dropped.
        MainTest.Result more = MainTest.run("train", "--resume", run.toString(), "--epochs", "5", "--lr", "0.1");
        assertThat(more.code()).isEqualTo(2);
        assertThat(more.err()).contains("--epochs, --lr are not taken").contains("config.json").doesNotContain("resuming");
        assertThat(more.out()).doesNotContain("resuming");
        assertThat(Files.readAllLines(run.resolve("metrics.csv"))).isEqualTo(before);
        assertThat(Files.readAllBytes(run.resolve("model.safetensors"))).isEqualTo(model);
    }

    @Test
    void aRunInterruptedBySigtermLeavesACheckpointThatResumesToTheSameResult() throws Exception {
        Path full = tmp.resolve("sig-full"), run = tmp.resolve("sig-run");
        String[] extra = {"--optimizer", "adam", "--epochs", "40", "--val-freq", "5", "--log-freq", "5"};
        assertThat(train(full, extra).code()).isZero();

        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(args(run, extra));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("sig.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(run.resolve("trainer-state.json")) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        p.destroy(); // SIGTERM
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("the exit code --help gives for SIGTERM").isEqualTo(Main.EXIT_TERMINATED);
        String log = Files.readString(tmp.resolve("sig.log"));
        assertThat(log).doesNotContain("Exception");
        // The run's last lines are printed before the signal lets the JVM exit (they once raced it).
        assertThat(log).contains("interrupted at step").contains("test accuracy");
        assertThat(Checkpoint.load(run.resolve("model.safetensors")).spec().hiddenDims()).containsExactly(16);
        // The run must really have been cut short, or this test would pass without testing a resume.
        JsonNode summary = JSON.readTree(run.resolve("summary.json").toFile());
        assertThat(summary.get("stop_reason").asText()).as(log).isEqualTo("interrupted");
        int total = JSON.readTree(full.resolve("summary.json").toFile()).get("steps").asInt();
        assertThat(summary.get("steps").asInt()).isLessThan(total);
        assertThat(Files.readAllLines(run.resolve("metrics.csv"))).hasSizeLessThan(total + 1);

        MainTest.Result resumed = MainTest.run("train", "--resume", run.toString());
        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(Files.readAllLines(run.resolve("metrics.csv"))).isEqualTo(Files.readAllLines(full.resolve("metrics.csv")));
        assertThat(Files.readAllBytes(run.resolve("model.safetensors"))).isEqualTo(Files.readAllBytes(full.resolve("model.safetensors")));
    }

    @Test
    void aCompareInterruptedBySigtermSaysWhereItsRunsAre() throws Exception {
        Path out = tmp.resolve("cmp-sig");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "compare", "--optimizers", "sgd,adam", "--dataset", data.toString(), "--hidden", "16", "--epochs", "40", "--batch-size", "32",
                "--val-size", "200", "--val-freq", "5", "--log-freq", "5", "--val-batches", "1", "--out", out.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("cmp-sig.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(out.resolve("sgd").resolve("trainer-state.json")) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        p.destroy(); // SIGTERM
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(Main.EXIT_TERMINATED);
        String log = Files.readString(tmp.resolve("cmp-sig.log"));
        assertThat(log).doesNotContain("Exception");
        // Printed before the signal lets the JVM exit, naming the run and where the runs are.
        assertThat(log).contains("compare: interrupted at step").contains(" of sgd; no table").contains(out.toString());
        assertThat(out.resolve("adam").resolve("summary.json")).doesNotExist(); // the next optimizer never ran
    }

    @Test
    void theLinearModelWithGradientDescentAndAPoorSgdSettingBothRun() {
        MainTest.Result linear = train(tmp.resolve("linear"), "--hidden", "", "--optimizer", "gd", "--lr", "0.1");
        assertThat(linear.code()).as(linear.err()).isZero();
        MainTest.Result slow = train(tmp.resolve("slow"), "--optimizer", "sgd", "--lr", "1e-5");
        assertThat(slow.code()).as(slow.err()).isZero();
        assertThat(slow.out()).contains("test accuracy");
    }

    @Test
    void compareProducesTheTableAndOverlayCharts() throws IOException {
        Path out = tmp.resolve("cmp");
        MainTest.Result r = MainTest.run("compare", "--optimizers", "sgd,momentum,rmsprop,adam", "--dataset", data.toString(), "--hidden", "16",
                "--epochs", "1", "--batch-size", "32", "--val-size", "200", "--val-freq", "8", "--log-freq", "8", "--val-batches", "1",
                "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("optimizer").contains("steps to 90%").contains("no test");
        for (String n : List.of("sgd", "momentum", "rmsprop", "adam")) {
            assertThat(r.out()).containsPattern("(?m)^" + n + " +[0-9.]+% +[0-9.]+%");
            assertThat(out.resolve(n).resolve("summary.json")).isNotEmptyFile();
        }
        assertThat(out.resolve("compare.png")).isNotEmptyFile();
        assertThat(out.resolve("compare.svg")).isNotEmptyFile();
        assertThat(JSON.readTree(out.resolve("compare.json").toFile()).get("optimizers")).hasSize(4);
        // Same seed, same initial weights: the first step's loss is the same for every optimizer.
        String first = Files.readAllLines(out.resolve("sgd/metrics.csv")).get(1).split(",")[2];
        assertThat(Files.readAllLines(out.resolve("adam/metrics.csv")).get(1).split(",")[2]).isEqualTo(first);
    }

    @Test
    void compareOverSeedsGivesIntervalsTestsAndPerSeedValues() throws IOException {
        Path out = tmp.resolve("seeds");
        MainTest.Result r = MainTest.run("compare", "--optimizers", "sgd,adam", "--seeds", "3", "--lr", "0.01", "--dataset", data.toString(), "--hidden", "16",
                "--epochs", "1", "--batch-size", "32", "--val-size", "200", "--val-freq", "8", "--log-freq", "8", "--val-batches", "1",
                "--per-seed", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("3 seeds per optimizer (2021..2023)").contains("Welch's t-test").contains("95% CI");
        com.fasterxml.jackson.databind.JsonNode j = JSON.readTree(out.resolve("compare.json").toFile());
        assertThat(j.path("optimizers")).hasSize(2);
        for (com.fasterxml.jackson.databind.JsonNode o : j.path("optimizers")) {
            assertThat(o.path("name").asText()).isIn("sgd", "adam");
            assertThat(o.path("seeds")).hasSize(3);
            double sum = 0;
            for (com.fasterxml.jackson.databind.JsonNode s : o.path("seeds")) {
                sum += s.path("test_accuracy").asDouble();
                assertThat(Path.of(s.path("run_dir").asText()).resolve("summary.json")).isNotEmptyFile();
            }
            com.fasterxml.jackson.databind.JsonNode acc = o.path("test_accuracy");
            assertThat(acc.path("mean").asDouble()).isCloseTo(sum / 3, org.assertj.core.api.Assertions.within(1e-9));
            assertThat(acc.path("std").isNumber()).isTrue();
            assertThat(acc.path("ci95")).hasSize(2);
            assertThat(acc.path("ci95").get(0).asDouble()).isLessThanOrEqualTo(acc.path("mean").asDouble());
            assertThat(acc.path("ci95").get(1).asDouble()).isGreaterThanOrEqualTo(acc.path("mean").asDouble());
            assertThat(o.has("p_value_vs_best")).isTrue();
            assertThat(o.path("best").asBoolean() ? o.path("p_value_vs_best").isNull() : o.path("p_value_vs_best").isNumber()).isTrue();
        }
        // The same seed gives every optimizer the same first batch and weights; another seed another one.
        String a = Files.readAllLines(out.resolve("sgd/seed-2021/metrics.csv")).get(1).split(",")[2];
        assertThat(Files.readAllLines(out.resolve("adam/seed-2021/metrics.csv")).get(1).split(",")[2]).isEqualTo(a);
        assertThat(Files.readAllLines(out.resolve("sgd/seed-2022/metrics.csv")).get(1).split(",")[2]).isNotEqualTo(a);
        assertThat(out.resolve("compare.png")).isNotEmptyFile();
    }

    @Test
    void todaysOptimizersTrainCompareAndSaveWhatTheyEvaluate() throws IOException {
        Path out = tmp.resolve("cmp-new");
        MainTest.Result r = MainTest.run("compare", "--optimizers", "adam,schedule-free-adamw,schedule-free-sgd,muon,adafactor", "--dataset", data.toString(),
                "--hidden", "16,16", "--epochs", "1", "--batch-size", "32", "--val-size", "200", "--val-freq", "8", "--log-freq", "8", "--val-batches", "1",
                "--warmup-steps", "5", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        for (String n : List.of("adam", "schedule-free-adamw", "schedule-free-sgd", "muon", "adafactor")) {
            assertThat(r.out()).containsPattern("(?m)^" + n + " +[0-9.]+% +[0-9.]+%");
        }
        JsonNode config = JSON.readTree(out.resolve("schedule-free-adamw/config.json").toFile());
        assertThat(config.get("optimizer_class").asText()).isEqualTo("AdamWScheduleFree");
        assertThat(config.get("optimizer_options").get("warmupSteps").asInt()).isEqualTo(5);
        assertThat(JSON.readTree(out.resolve("muon/config.json").toFile()).get("optimizer_class").asText()).isEqualTo("MuonWithAuxAdam");

        // The model file holds the averaged weights x that the run evaluated, not the training point y.
        Path sf = out.resolve("schedule-free-adamw");
        JsonNode summary = JSON.readTree(sf.resolve("summary.json").toFile());
        MainTest.Result e = MainTest.run("eval", "--model", sf.resolve("model.safetensors").toString(), "--dataset", data.toString(), "--json");
        assertThat(e.code()).as(e.err()).isZero();
        assertThat(JSON.readTree(e.out()).get("test_accuracy").asDouble()).isEqualTo(summary.get("test_accuracy").asDouble());
        assertThat(Safetensors.read(sf.resolve("optimizer.safetensors")).metadata()).containsEntry("train_mode", "false")
                .containsEntry("names", "[\"main.0.weight\",\"main.0.bias\",\"main.2.weight\",\"main.2.bias\",\"main.4.weight\",\"main.4.bias\"]");
    }
}
