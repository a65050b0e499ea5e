package dev.descent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class TuneCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static Path data;

    @BeforeAll
    static void data() throws IOException {
        data = ToyData.write(Files.createDirectories(tmp.resolve("toy")), 600, 100, 5);
    }

    private static List<String> args(Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("tune", "--dataset", data.toString(), "--val-size", "200", "--val-batches", "1", "--epochs", "2",
                "--hidden", "16", "--batch-size", "32", "--out", out.toString()));
        a.addAll(List.of(extra));
        return a;
    }

    private static MainTest.Result tune(Path out, String... extra) {
        return MainTest.run(args(out, extra).toArray(String[]::new));
    }

    private static List<JsonNode> journal(Path study) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(study.resolve("journal.jsonl"))) {
            out.add(JSON.readTree(l));
        }
        return out;
    }

    @Test
    void tuneSearchesAConditionalSpaceAndWritesTheStudy() throws IOException {
        Path out = tmp.resolve("study");
        MainTest.Result r = tune(out, "--param", "lr=log:1e-3..0.1", "--param", "optimizer=choice:sgd|adam",
                "--param", "momentum=float:0.5..0.95@optimizer=sgd", "--param", "hidden=choice:16|32,16", "--trials", "6", "--jobs", "2", "--pruner", "asha");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("best: trial").contains("re-run: descent train").contains("6 trials");
        List<String> csv = Files.readAllLines(out.resolve("trials.csv"));
        assertThat(csv).hasSize(7);
        assertThat(csv.get(0)).isEqualTo("number,state,value,seconds,reports,lr,optimizer,momentum,hidden");
        for (String line : csv.subList(1, 7)) {
            // momentum is set exactly when the optimizer is sgd
            assertThat(line).matches(l -> l.contains(",\"sgd\",\"0.") || l.contains(",\"adam\",,"), "momentum only for sgd");
        }
        JsonNode study = JSON.readTree(out.resolve("study.json").toFile());
        assertThat(study.get("trials").asInt()).isEqualTo(6);
        JsonNode best = study.get("best");
        assertThat(Path.of(best.get("run_dir").asText()).resolve("summary.json")).isNotEmptyFile();
        assertThat(best.get("command").asText()).startsWith("descent train");
        for (String f : List.of("history.png", "history.svg", "parameters.png", "parameters.svg")) {
            assertThat(out.resolve(f)).isNotEmptyFile();
        }
        // Every trial is a complete run directory whose config re-runs it with train.
        JsonNode cfg = JSON.readTree(out.resolve("trials/0000/config.json").toFile());
        assertThat(cfg.get("command_line").toString()).contains("--lr").contains("--optimizer");
        assertThat(journal(out).stream().filter(n -> n.get("op").asText().equals("finish"))).hasSize(6);
        assertThat(r.out()).contains("importance for val_accuracy (PED-ANOVA, top 10%): ");
        // momentum is judged only where it is active (sgd trials), when there are at least two of them.
        assertThat(study.get("importance").get("val_accuracy").fieldNames()).toIterable().contains("lr", "optimizer", "hidden")
                .isSubsetOf("lr", "optimizer", "momentum", "hidden");
    }

    @Test
    void aGridFromAYamlFileVisitsEveryPointOnce() throws IOException {
        Path space = tmp.resolve("space.yaml");
        Files.writeString(space, """
                optimizer: {type: categorical, choices: [sgd, adam]}
                lr: {type: float, low: 0.001, high: 0.01, log: true}
                """);
        Path out = tmp.resolve("grid");
        MainTest.Result r = tune(out, "--space", space.toString(), "--sampler", "grid", "--grid-points", "2", "--trials", "0", "--pruner", "none");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode study = JSON.readTree(out.resolve("study.json").toFile());
        assertThat(study.get("trials").asInt()).isEqualTo(4);
        Set<String> seen = new HashSet<>(Files.readAllLines(out.resolve("trials.csv")).subList(1, 5).stream()
                .map(l -> l.substring(l.indexOf(",\"") + 1)).toList());
        assertThat(seen).hasSize(4);
    }

    static Process startTune(Path out, Path log, String... extra) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(args(out, extra));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    @Test
    void aSigkilledStudyMarksTheCutTrialFailedAndRunsItsParametersAgain() throws Exception {
        Path out = tmp.resolve("killed");
        Process p = startTune(out, tmp.resolve("kill.log"), "--param", "lr=log:1e-3..0.1", "--trials", "6", "--pruner", "none", "--epochs", "3");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline && (!Files.exists(out.resolve("journal.jsonl"))
                || journal(out).stream().filter(n -> n.get("op").asText().equals("finish")).count() < 2)) {
            Thread.sleep(20);
        }
        p.destroyForcibly();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        List<JsonNode> before = journal(out);
        Set<Integer> finishedBefore = new HashSet<>();
        before.stream().filter(n -> n.get("op").asText().equals("finish")).forEach(n -> finishedBefore.add(n.get("number").asInt()));
        assertThat(finishedBefore).hasSizeGreaterThanOrEqualTo(2).hasSizeLessThan(6);
        Set<Integer> cut = new HashSet<>();
        before.stream().filter(n -> n.get("op").asText().equals("trial")).forEach(n -> cut.add(n.get("number").asInt()));
        cut.removeAll(finishedBefore);

        MainTest.Result r = MainTest.run("tune", "--resume", out.toString(), "--retry-failed", "1");
        assertThat(r.code()).as(r.err()).isZero();
        for (int n : cut) {
            assertThat(r.out()).contains("trial " + n + " was cut off (its process died while it ran (pid ").contains("its parameters run again");
        }
        List<JsonNode> after = journal(out);
        assertThat(after.subList(0, before.size())).as("the journal is only appended to").isEqualTo(before);
        List<Integer> finishes = after.stream().filter(n -> n.get("op").asText().equals("finish")).map(n -> n.get("number").asInt()).toList();
        assertThat(finishes).doesNotHaveDuplicates().containsAll(finishedBefore);
        JsonNode study = JSON.readTree(out.resolve("study.json").toFile());
        assertThat(study.get("complete").asInt()).isEqualTo(6);
        assertThat(study.get("fail").asInt()).isEqualTo(cut.size());
        for (int n : cut) {
            JsonNode retry = after.stream().filter(x -> x.get("op").asText().equals("trial") && x.path("retry_of").asInt(-1) == n).findFirst().orElseThrow();
            JsonNode original = after.stream().filter(x -> x.get("op").asText().equals("trial") && x.get("number").asInt() == n).findFirst().orElseThrow();
            assertThat(retry.get("params")).isEqualTo(original.get("params"));
        }
        // The study's own options are the ones a resume takes: another given beside --resume is refused.
        MainTest.Result more = MainTest.run("tune", "--resume", out.toString(), "--trials", "50");
        assertThat(more.code()).isEqualTo(2);
        assertThat(more.err()).contains("--trials is not taken");
        assertThat(journal(out)).hasSize(after.size());
        // Nothing is left to do on a second resume.
        MainTest.Result again = MainTest.run("tune", "--resume", out.toString());
        assertThat(again.code()).isZero();
        assertThat(journal(out)).hasSize(after.size());
    }

    @Test
    void aSecondResumeOfARunningStudyRefusesWithOneLine() throws Exception {
        Path out = tmp.resolve("busy");
        Process p = startTune(out, tmp.resolve("busy.log"), "--param", "lr=log:1e-3..0.1", "--trials", "40", "--pruner", "none", "--epochs", "3");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (System.nanoTime() < deadline && !(Files.exists(out.resolve("run.lock")) && Files.exists(out.resolve("journal.jsonl"))
                    && journal(out).stream().anyMatch(n -> n.get("op").asText().equals("trial")))) {
                Thread.sleep(20);
            }
            MainTest.Result r = MainTest.run("tune", "--resume", out.toString());
            assertThat(r.code()).as(r.out() + r.err()).isEqualTo(2);
            assertThat(r.err().strip().lines()).hasSize(1);
            assertThat(r.err()).contains("is running in another process (pid " + p.pid() + ")").contains("wait for it");
            assertThat(p.isAlive()).isTrue();
        } finally {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void severalMetricsKeepAParetoFrontAndPruneOnTheValidationOne() throws IOException {
        Path out = tmp.resolve("pareto");
        MainTest.Result r = tune(out, "--param", "lr=log:1e-3..0.1", "--param", "hidden=choice:8|64,32", "--metric", "val_accuracy,train_seconds",
                "--trials", "6", "--pruner", "median");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("for val_accuracy, train_seconds").contains("Pareto front: ").contains("importance for val_accuracy")
                .contains("importance for train_seconds");
        JsonNode study = JSON.readTree(out.resolve("study.json").toFile());
        assertThat(study.get("objectives").get(1).get("name").asText()).isEqualTo("train_seconds");
        assertThat(study.get("objectives").get(1).get("direction").asText()).isEqualTo("minimize");
        JsonNode front = study.get("pareto_front");
        assertThat(front.size()).isBetween(1, 6);
        for (JsonNode t : front) {
            assertThat(t.get("values")).hasSize(2);
            assertThat(Path.of(t.get("run_dir").asText()).resolve("summary.json")).isNotEmptyFile();
        }
        assertThat(study.get("importance").get("val_accuracy").size()).isEqualTo(2);
        assertThat(out.resolve("pareto.png")).isNotEmptyFile();
        assertThat(Files.readAllLines(out.resolve("trials.csv")).get(0)).startsWith("number,state,val_accuracy,train_seconds,seconds");
        assertThat(journal(out).get(0).get("prune_objective").asInt()).isZero();
        // Reports carry val_accuracy (a fraction), not seconds.
        assertThat(journal(out).stream().filter(n -> n.get("op").asText().equals("report"))).isNotEmpty()
                .allMatch(n -> n.get("value").asDouble() >= 0 && n.get("value").asDouble() <= 1);
        MainTest.Result bad = tune(tmp.resolve("pareto-bad"), "--param", "lr=log:1e-3..0.1", "--metric", "val_accuracy,train_seconds", "--prune-on", "train_seconds");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--prune-on train_seconds: it is known only when a trial ends");
    }

    @Test
    void badSearchSpacesExitTwoWithOneLineAndNoStudy() throws IOException {
        Path yaml = tmp.resolve("bad.yaml");
        Files.writeString(yaml, "lr: {type: float, low: 1, high: [\n");
        String[][] cases = {
                {"--param", "lr=float:0.1..0.01"}, {"low 0.1 is greater than high 0.01"},
                {"--param", "lr=log:0..0.1"}, {"a log scale needs low > 0"},
                {"--param", "dropout=float:0..0.5"}, {"unknown option 'dropout'"},
                {"--param", "optimizer=choice:"}, {"optimizer: no choices"},
                {"--param", "batch-size=float:16..64"}, {"batch-size takes whole numbers"},
                {"--param", "optimizer=choice:adam|adamz"}, {"optimizer = adamz: unknown optimizer 'adamz'"},
                {"--param", "lr=log:-1..0.1"}, {"a log scale needs low > 0"},
                {"--param", "momentum=float:0.1..0.9@opt=sgd"}, {"'when' names 'opt'"},
                {"--param", "lr=1e-3"}, {"expected KIND:ARGS"},
                {"--param", "seed=int:1..5"}, {"unknown option 'seed'"},
                {"--space", yaml.toString()}, {"not valid YAML"},
                {"--space", tmp.resolve("missing.json").toString()}, {"no such file"},
                {"--param", "lr=log:1e-3..0.1", "--sampler", "bayes"}, {"--sampler: unknown 'bayes'"},
                {"--param", "lr=log:1e-3..0.1", "--metric", "val_accuracy,accuracy"}, {"--metric: unknown 'accuracy'"},
                {"--param", "lr=log:1e-3..0.1", "--metric", "val_loss:up"}, {"the direction is max or min"},
                {"--param", "lr=log:1e-3..0.1", "--retry-failed", "-1"}, {"--retry-failed must be >= 0"},
                {"--param", "lr=log:1e-3..0.1", "--trials", "0"}, {"needs a budget"},
                {}, {"needs a search space"},
        };
        for (int i = 0; i < cases.length; i += 2) {
            Path out = tmp.resolve("bad" + i);
            MainTest.Result r = tune(out, cases[i]);
            assertThat(r.code()).as(String.join(" ", cases[i]) + "\n" + r.err()).isEqualTo(2);
            assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
            assertThat(r.err()).contains(cases[i + 1][0]);
            assertThat(out).doesNotExist();
        }
    }

    @Test
    void challengeComparesTheBenchmarkWithTheBestFound() throws IOException {
        Path out = tmp.resolve("challenge");
        MainTest.Result r = MainTest.run("challenge", "--dataset", data.toString(), "--trials", "3", "--jobs", "1", "--epochs", "1", "--val-size", "200",
                "--param", "lr=log:1e-3..3e-2", "--param", "hidden=choice:32|64", "--seeds", "3", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("benchmark: validation accuracy").contains("test accuracy").contains("class 0").containsPattern("(not )?beaten: ")
                .contains("test accuracy over 3 seeds").contains("Welch");
        JsonNode c = JSON.readTree(out.resolve("challenge.json").toFile());
        int classes = c.get("benchmark").get("test_per_class_accuracy").size();
        assertThat(classes).isEqualTo(4); // the toy data's classes
        assertThat(c.get("best").get("test_per_class_accuracy")).hasSize(classes);
        assertThat(c.get("beaten").asBoolean()).isEqualTo(c.get("best").get("test_accuracy").asDouble() > c.get("benchmark").get("test_accuracy").asDouble());
        assertThat(out.resolve("benchmark/summary.json")).isNotEmptyFile();
        assertThat(out.resolve("study/journal.jsonl")).isNotEmptyFile();
        assertThat(out.resolve("study/history.png")).isNotEmptyFile();
        // Both recipes on the same three seeds, with their aggregates.
        assertThat(c.get("seeds")).hasSize(2);
        for (JsonNode conf : c.get("seeds")) {
            assertThat(conf.get("seeds")).hasSize(3);
            assertThat(conf.get("test_accuracy").get("ci95")).hasSize(2);
            assertThat(conf.get("test_accuracy").has("p_value_vs_best")).isTrue();
        }
        assertThat(out.resolve("seeds/best/seed-2023/summary.json")).isNotEmptyFile();
    }

    @Test
    void tuneReRunsTheBestTrialOnSeeds() throws IOException {
        Path out = tmp.resolve("seeds");
        MainTest.Result r = tune(out, "--param", "lr=log:1e-3..0.1", "--trials", "2", "--seeds", "3");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("re-running the best trial on 3 seeds (2021..2023)").contains("test accuracy over 3 seeds");
        JsonNode j = JSON.readTree(out.resolve("best-seeds.json").toFile());
        JsonNode best = j.get("configurations").get(0);
        assertThat(best.get("seeds")).hasSize(3);
        double sum = 0;
        for (JsonNode s : best.get("seeds")) {
            sum += s.get("test_accuracy").asDouble();
        }
        assertThat(best.get("test_accuracy").get("mean").asDouble()).isCloseTo(sum / 3, org.assertj.core.api.Assertions.within(1e-9));
    }

    @Test
    void theWarmUpCoversTheBaseOptimizerAndEveryOptimizerTheSpaceCanPick() {
        var lr = new dev.descent.tune.SearchSpace.Param("lr", new dev.descent.tune.Distribution.FloatRange(1e-4, 1e-1, true), null);
        var optimizer = new dev.descent.tune.SearchSpace.Param("optimizer",
                new dev.descent.tune.Distribution.Categorical(List.of("sgd", "adam", "rmsprop")), null);
        assertThat(TuneSession.optimizers(dev.descent.tune.SearchSpace.of(List.of(lr, optimizer)), "adam"))
                .as("the base command line's first, then the choices not yet listed, in order").containsExactly("adam", "sgd", "rmsprop");
        assertThat(TuneSession.optimizers(dev.descent.tune.SearchSpace.of(List.of(lr)), "nadam")).containsExactly("nadam");
    }
}
