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
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.descent.io.FormatException;

class StudyTest {

    @TempDir
    Path tmp;

    private static long count(Path journal, String op) throws IOException {
        return Files.readAllLines(journal).stream().filter(l -> l.contains("\"op\":\"" + op + "\"")).count();
    }

    @Test
    void aSigkilledStudyResumesWithNoTrialLostOrRunTwice() throws Exception {
        Path dir = tmp.resolve("killed");
        Path journal = Study.journalFile(dir);
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                StudyKillTarget.class.getName(), dir.toString(), "12");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("kill.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while ((!Files.exists(journal) || count(journal, "finish") < 4) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        p.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(tmp.resolve("kill.log"))).doesNotContain("Exception");

        Map<Integer, TrialRecord> before = StudyJournal.read(journal).trials();
        List<Integer> finished = before.values().stream().filter(t -> t.state().finished()).map(TrialRecord::number).toList();
        List<Integer> cut = before.values().stream().filter(t -> !t.state().finished()).map(TrialRecord::number).toList();
        assertThat(finished).hasSizeGreaterThanOrEqualTo(4);
        assertThat(before.size()).isLessThan(12);

        Set<Integer> evaluated = Collections.synchronizedSet(new HashSet<>());
        Objective slow = StudyKillTarget.objective();
        try (Study s = Study.open(dir, StudyKillTarget.sampler(), new Pruner.None())) {
            s.optimize(trial -> {
                assertThat(evaluated.add(trial.number())).as("trial %d run twice in this session", trial.number()).isTrue();
                return slow.evaluate(trial);
            }, Budget.ofTrials(12), 2, null);
            List<TrialRecord> all = s.trials();
            assertThat(all).hasSize(12).allMatch(t -> t.state() == TrialState.COMPLETE);
            assertThat(evaluated).doesNotContainAnyElementsOf(finished).containsAll(cut);
            for (int n : finished) {
                assertThat(all.get(n)).as("a finished trial is kept as it was").isEqualTo(before.get(n));
            }
            for (int n : cut) {
                assertThat(all.get(n).params()).as("a cut-off trial runs again with its parameters").isEqualTo(before.get(n).params());
            }
        }
        // The journal replays to the same study, and a second resume has nothing left to do.
        assertThat(StudyJournal.read(journal).trials().values()).allMatch(t -> t.state() == TrialState.COMPLETE).hasSize(12);
        assertThat(count(journal, "retry")).isEqualTo(cut.size());
        try (Study s = Study.open(dir, StudyKillTarget.sampler(), new Pruner.None())) {
            s.optimize(t -> {
                throw new AssertionError("nothing should run");
            }, Budget.ofTrials(12), 1, null);
        }
    }

    @Test
    void aTornLastLineIsDroppedAndACorruptLineIsReported() throws IOException {
        Path dir = tmp.resolve("torn");
        try (Study s = Study.create(dir, SyntheticObjectives.braninSpace(), Direction.MINIMIZE, new RandomSampler(0), new Pruner.None(), null)) {
            s.optimize(t -> t.number("x1"), Budget.ofTrials(3), 1, null);
        }
        Path j = Study.journalFile(dir);
        long goodSize = Files.size(j);
        Files.writeString(j, "{\"op\":\"report\",\"num", StandardOpenOption.APPEND);
        try (Study s = Study.open(dir, new RandomSampler(0), new Pruner.None())) {
            assertThat(s.trials()).hasSize(3);
        }
        assertThat(Files.size(j)).as("the torn write is cut off").isEqualTo(goodSize);

        List<String> lines = new ArrayList<>(Files.readAllLines(j));
        lines.set(2, "{\"op\":\"report\",\"number\":0,\"st");
        Files.write(j, lines, StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Study.open(dir, new RandomSampler(0), new Pruner.None()))
                .isInstanceOf(FormatException.class).hasMessageContaining("line 3").hasMessageContaining("corrupt");

        Files.writeString(j, "not a journal\n");
        assertThatThrownBy(() -> Study.open(dir, new RandomSampler(0), new Pruner.None())).isInstanceOf(FormatException.class);
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
            TrialRecord best = s.best().orElseThrow();
            assertThat(all.stream().filter(t -> t.state() == TrialState.COMPLETE)).allMatch(t -> t.value() <= best.value());
            assertThat(Study.header(tmp.resolve("fail")).attrs().get("note").asText()).isEqualTo("kept");
            assertThat(Study.header(tmp.resolve("fail")).space()).isEqualTo(SyntheticObjectives.braninSpace());
        }
        assertThatThrownBy(() -> Study.create(tmp.resolve("fail"), SyntheticObjectives.braninSpace(), Direction.MAXIMIZE, new RandomSampler(0), new Pruner.None(), null))
                .hasMessageContaining("already exists");
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
