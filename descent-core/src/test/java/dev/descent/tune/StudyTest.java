package dev.descent.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.descent.io.FormatException;
import dev.descent.tune.storage.JournalStorage;

class StudyTest {

    @TempDir
    Path tmp;

    private static long count(Path journal, String op) throws IOException {
        return Files.readAllLines(journal).stream().filter(l -> l.contains("\"op\":\"" + op + "\"")).count();
    }

    @Test
    void aSigkilledStudyMarksItsTrialsFailedAndRunsTheirParametersAgainOnce() throws Exception {
        Path dir = tmp.resolve("killed");
        Path journal = Study.journalFile(dir);
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                StudyKillTarget.class.getName(), dir.toString(), "12");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("kill.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        // Kill mid-trial: after 4 finishes, at a moment when a trial has started and not finished (the two
        // jobs run in near lockstep, so right after a finish both may be between trials).
        while ((!Files.exists(journal) || count(journal, "finish") < 4 || count(journal, "trial") <= count(journal, "finish"))
                && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        p.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(tmp.resolve("kill.log"))).doesNotContain("Exception");
        byte[] before = Files.readAllBytes(journal);

        List<TrialRecord> cut;
        try (JournalStorage j = JournalStorage.inDirectory(dir)) {
            List<TrialRecord> all = j.read().trials();
            cut = all.stream().filter(t -> t.state() == TrialState.RUNNING).toList();
            assertThat(all.stream().filter(t -> t.state().finished())).hasSizeGreaterThanOrEqualTo(4);
            assertThat(all).hasSizeLessThan(12);
            assertThat(cut).isNotEmpty().allMatch(t -> t.owner() != null && t.owner().isDeadHere());
        }
        List<Integer> evaluated = new ArrayList<>();
        try (Study s = Study.open(dir, StudyKillTarget.sampler(), new Pruner.None()).retryFailed(1)) {
            s.optimize(trial -> {
                synchronized (evaluated) {
                    evaluated.add(trial.number());
                }
                return StudyKillTarget.objective().evaluate(trial);
            }, Budget.ofTrials(12), 2, null);
            List<TrialRecord> all = s.trials();
            for (TrialRecord c : cut) {
                TrialRecord failed = all.get(c.number());
                assertThat(failed.state()).isEqualTo(TrialState.FAIL);
                assertThat(failed.message()).contains("its process died").contains("pid " + c.owner().pid());
                List<TrialRecord> retries = all.stream().filter(t -> t.retryOf() == c.number()).toList();
                assertThat(retries).as("trial %d is queued again once", c.number()).hasSize(1);
                assertThat(retries.get(0).params()).isEqualTo(c.params());
                assertThat(retries.get(0).state()).isEqualTo(TrialState.COMPLETE);
            }
            // 12 drawn trials, each of whose parameter sets completed exactly once.
            assertThat(all.stream().filter(t -> t.retryOf() < 0)).hasSize(12);
            assertThat(all.stream().filter(t -> t.state() == TrialState.COMPLETE)).hasSize(12);
            assertThat(evaluated).doesNotHaveDuplicates();
        }
        byte[] after = Files.readAllBytes(journal);
        assertThat(new String(after, 0, before.length, StandardCharsets.UTF_8)).as("the journal is only appended to")
                .isEqualTo(new String(before, StandardCharsets.UTF_8));
        // A second resume has nothing left to do.
        try (Study s = Study.open(dir, StudyKillTarget.sampler(), new Pruner.None()).retryFailed(1)) {
            s.optimize(t -> {
                throw new AssertionError("nothing should run");
            }, Budget.ofTrials(12), 1, null);
        }
    }

    @Test
    void aReaderLeavesATornLastLineAWriterCutsItAndACorruptLineIsReported() throws IOException {
        Path dir = tmp.resolve("torn");
        try (Study s = Study.create(dir, SyntheticObjectives.braninSpace(), Direction.MINIMIZE, new RandomSampler(0), new Pruner.None(), null)) {
            s.optimize(t -> t.number("x1"), Budget.ofTrials(3), 1, null);
        }
        Path j = Study.journalFile(dir);
        long goodSize = Files.size(j);
        Files.writeString(j, "{\"op\":\"report\",\"num", StandardOpenOption.APPEND);
        long tornSize = Files.size(j);
        try (JournalStorage reader = JournalStorage.inDirectory(dir)) {
            assertThat(reader.read().tornTail()).isTrue();
            assertThat(reader.read().trials()).hasSize(3);
        }
        assertThat(Study.header(dir).direction()).isEqualTo(Direction.MINIMIZE);
        assertThat(Files.size(j)).as("a reader never truncates").isEqualTo(tornSize);
        try (Study s = Study.open(dir, new RandomSampler(0), new Pruner.None())) {
            assertThat(s.trials()).hasSize(3);
            s.tell(s.ask(), 1.0);
        }
        List<String> lines = Files.readAllLines(j);
        assertThat(lines).noneMatch(l -> l.contains("\"num\"") || l.endsWith("\"num"));
        assertThat(Files.readString(j)).as("the writer cut the torn line before appending").startsWith(Files.readString(j).substring(0, (int) goodSize));

        List<String> corrupt = new ArrayList<>(lines);
        corrupt.set(2, "{\"op\":\"report\",\"number\":0,\"st");
        Files.write(j, corrupt, StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Study.open(dir, new RandomSampler(0), new Pruner.None()))
                .isInstanceOf(FormatException.class).hasMessageContaining("line 3").hasMessageContaining("corrupt");
        corrupt.set(2, "{\"op\":\"report\",\"number\":7,\"step\":1,\"value\":1}");
        Files.write(j, corrupt, StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Study.open(dir, new RandomSampler(0), new Pruner.None()))
                .isInstanceOf(FormatException.class).hasMessageContaining("line 3").hasMessageContaining("trial 7 was never started");

        Files.writeString(j, "not a journal\n");
        assertThatThrownBy(() -> Study.open(dir, new RandomSampler(0), new Pruner.None())).isInstanceOf(FormatException.class);
    }

    @Test
    void aVersionOneJournalIsReadAndItsRestartedTrialsRunningAgain() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("v1"));
        Files.writeString(Study.journalFile(dir), """
                {"op":"study","format":"descent-study","version":1,"direction":"maximize","space":{"x":{"type":"float","low":0,"high":1}},"attrs":{"metric":"val_accuracy"}}
                {"op":"trial","number":0,"params":{"x":0.5}}
                {"op":"report","number":0,"step":1,"value":0.7}
                {"op":"finish","number":0,"state":"complete","value":0.8,"seconds":1.5,"message":""}
                {"op":"trial","number":1,"params":{"x":0.25}}
                {"op":"retry","number":1}
                """);
        StudyHeader h = Study.header(dir);
        assertThat(h.directions()).containsExactly(Direction.MAXIMIZE);
        assertThat(h.objectives()).containsExactly("val_accuracy");
        try (JournalStorage j = JournalStorage.inDirectory(dir)) {
            List<TrialRecord> t = j.read().trials();
            assertThat(t.get(0).values()).containsExactly(0.8);
            assertThat(t.get(0).intermediate()).containsEntry(1, 0.7);
            assertThat(t.get(1).state()).isEqualTo(TrialState.RUNNING);
        }
    }

    @Test
    void budgetsInTrialsStepsAndTimeStopTheStudy() {
        Objective twoSteps = t -> {
            t.report(1, 1);
            t.report(2, 0.5);
            return t.number("x1");
        };
        try (Study s = Study.create(tmp.resolve("steps"), SyntheticObjectives.braninSpace(), Direction.MINIMIZE, new RandomSampler(0), new Pruner.None(), null)) {
            s.optimize(twoSteps, new Budget(0, 7, null), 1, null);
            assertThat(s.trials()).hasSize(4); // 2 steps each: after 4 trials, 8 >= 7
        }
        try (Study s = Study.create(tmp.resolve("time"), SyntheticObjectives.braninSpace(), Direction.MINIMIZE, new RandomSampler(0), new Pruner.None(), null)) {
            s.optimize(t -> {
                Thread.sleep(30);
                return 0;
            }, new Budget(0, 0, Duration.ofMillis(200)), 1, null);
            assertThat(s.trials().size()).isBetween(1, 8);
        }
        try (Study s = Study.create(tmp.resolve("none"), SyntheticObjectives.braninSpace(), Direction.MINIMIZE, new RandomSampler(0), new Pruner.None(), null)) {
            assertThatThrownBy(() -> s.optimize(twoSteps, new Budget(0, 0, null), 1, null)).hasMessageContaining("budget");
        }
    }

    @Test
    void failuresAndNanAreRecordedAndTheBestIsByDirection() {
        try (Study s = Study.create(tmp.resolve("fail"), SyntheticObjectives.braninSpace(), Direction.MAXIMIZE, new GridSampler(0, 2), new Pruner.None(),
                new ObjectMapper().createObjectNode().put("note", "kept"))) {
            s.optimize(t -> switch (t.number()) {
                case 0 -> throw new IllegalStateException("boom");
                case 1 -> Double.NaN;
                default -> t.number("x1") + t.number("x2");
            }, new Budget(0, 0, null), 2, null);
            List<TrialRecord> all = s.trials();
            assertThat(all).hasSize(4); // the grid has 2 × 2 points and is then exhausted
            assertThat(all.get(0).state()).isEqualTo(TrialState.FAIL);
            assertThat(all.get(0).message()).isEqualTo("boom");
            assertThat(all.get(1).state()).isEqualTo(TrialState.FAIL);
            assertThat(all.get(1).message()).contains("NaN");
            TrialRecord best = s.best().orElseThrow();
            assertThat(all.stream().filter(t -> t.state() == TrialState.COMPLETE)).allMatch(t -> t.value() <= best.value());
            assertThat(Study.header(tmp.resolve("fail")).attrs().get("note").asText()).isEqualTo("kept");
            assertThat(Study.header(tmp.resolve("fail")).space()).isEqualTo(SyntheticObjectives.braninSpace());
            // A failed objective does not come back, however many retries are allowed: only crashes do.
            s.retryFailed(3).failDeadTrials();
            assertThat(s.trials()).hasSize(4);
        }
        assertThatThrownBy(() -> Study.create(tmp.resolve("fail"), SyntheticObjectives.braninSpace(), Direction.MAXIMIZE, new RandomSampler(0), new Pruner.None(), null))
                .hasMessageContaining("already exists");
    }

    @Test
    void anAbandonedTrialIsQueuedAgainAndItsLateResultIgnored() throws Exception {
        try (Study s = Study.create(tmp.resolve("abandon"), SyntheticObjectives.braninSpace(), Direction.MINIMIZE, new RandomSampler(2), new Pruner.None(), null)) {
            Trial t = s.ask();
            s.abandon();
            s.tell(t, 3.0); // arrives after the interruption: not recorded
            List<TrialRecord> all = s.trials();
            assertThat(all.get(0).state()).isEqualTo(TrialState.FAIL);
            assertThat(all.get(0).message()).isEqualTo("interrupted");
            assertThat(all.get(1).state()).isEqualTo(TrialState.WAITING);
            assertThat(all.get(1).retryOf()).isZero();
            assertThat(all.get(1).params()).isEqualTo(all.get(0).params());
        }
        try (Study s = Study.open(tmp.resolve("abandon"), new RandomSampler(2), new Pruner.None())) {
            Trial again = s.ask();
            assertThat(again.number()).isEqualTo(1);
            s.tell(again, 1.0);
            assertThat(s.best().orElseThrow().number()).isEqualTo(1);
        }
    }

    @Test
    void badSearchSpacesAreRejectedWithTheParameterNamed() throws IOException {
        ObjectMapper m = new ObjectMapper();
        Map<String, String> bad = Map.of(
                "{\"lr\":{\"type\":\"float\",\"low\":0.1,\"high\":0.01}}", "lr: low 0.1 is greater than high 0.01",
                "{\"lr\":{\"type\":\"float\",\"low\":0,\"high\":0.1,\"log\":true}}", "lr: a log scale needs low > 0",
                "{\"optimizer\":{\"type\":\"categorical\",\"choices\":[]}}", "optimizer: no choices",
                "{\"lr\":{\"type\":\"gaussian\",\"low\":0,\"high\":1}}", "lr: unknown type 'gaussian'",
                "{\"batch\":{\"type\":\"int\",\"low\":1.5,\"high\":8}}", "batch: 'low' must be a whole number",
                "{\"m\":{\"type\":\"float\",\"low\":0,\"high\":1,\"when\":{\"opt\":[\"sgd\"]}}}", "m: 'when' names 'opt'",
                "{\"o\":{\"type\":\"categorical\",\"choices\":[\"a\"]},\"m\":{\"type\":\"float\",\"low\":0,\"high\":1,\"when\":{\"o\":[\"b\"]}}}", "'when' value \"b\" is not a choice",
                "{\"lr\":{\"type\":\"float\",\"low\":1,\"high\":2,\"step\":1}}", "unknown field 'step'",
                "{}", "no parameters");
        for (Map.Entry<String, String> e : bad.entrySet()) {
            assertThatThrownBy(() -> SearchSpaceJson.read(m.readTree(e.getKey()))).as(e.getKey())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(e.getValue());
        }
        String good = "{\"optimizer\":{\"type\":\"categorical\",\"choices\":[\"sgd\",\"adam\"]},"
                + "\"momentum\":{\"type\":\"float\",\"low\":0.5,\"high\":0.99,\"when\":{\"optimizer\":[\"sgd\"]}},"
                + "\"hidden\":{\"type\":\"categorical\",\"choices\":[[200,100,50],[512]]},\"batch\":{\"type\":\"int\",\"low\":16,\"high\":256,\"log\":true}}";
        SearchSpace s = SearchSpaceJson.read(m.readTree(good));
        assertThat(SearchSpaceJson.read(SearchSpaceJson.write(s))).isEqualTo(s);
        assertThat(s.param("momentum").condition().values()).containsExactly(0);
        assertThat(s.external(Map.of("optimizer", 1.0, "hidden", 0.0, "batch", 64.0))).containsEntry("optimizer", "adam")
                .containsEntry("hidden", List.of(200, 100, 50)).containsEntry("batch", 64L);
    }
}
