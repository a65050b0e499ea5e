package dev.descent.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.descent.tune.storage.JournalStorage;
import dev.descent.tune.storage.StudySnapshot;

class AskTellTest {

    @TempDir
    Path tmp;

    /** A define-by-run study of Branin: the loop a Java program writes. */
    private static double defineByRunBranin(Sampler sampler, int trials) {
        try (Study study = Study.inMemory(null, Direction.MINIMIZE, sampler, null)) {
            for (int i = 0; i < trials; i++) {
                Trial t = study.ask();
                double x1 = t.suggestFloat("x1", -5, 10);
                double x2 = t.suggestFloat("x2", 0, 15);
                study.tell(t, SyntheticObjectives.branin(Map.of("x1", x1, "x2", x2)));
            }
            return study.best().orElseThrow().value();
        }
    }

    @Test
    void aJavaProgramCanAskAndTellWithParametersSuggestedAsItRuns() {
        int wins = 0;
        for (long seed = 0; seed < 10; seed++) {
            wins += defineByRunBranin(TpeSampler.multivariate(seed), 50) < defineByRunBranin(new RandomSampler(seed), 50) ? 1 : 0;
        }
        assertThat(wins).as("multivariate TPE on the parameters every trial had").isGreaterThanOrEqualTo(8);
    }

    @Test
    void suggestionsFollowTheStudysDistributionsAndRecordWhatTheyDraw() {
        Path dir = tmp.resolve("dbr");
        SearchSpace declared = SearchSpace.of(List.of(new SearchSpace.Param("lr", new Distribution.FloatRange(1e-4, 1e-1, true), null)));
        try (Study s = Study.create(dir, declared, Direction.MAXIMIZE, TpeSampler.withDefaults(1), null, null)) {
            Trial t = s.ask();
            double lr = (Double) t.get("lr");
            assertThat(t.suggestFloat("lr", 1e-4, 1e-1, true)).as("a declared parameter keeps its value").isEqualTo(lr);
            assertThatThrownBy(() -> t.suggestFloat("lr", 1e-5, 1e-1, true)).hasMessageContaining("'lr'");
            long batch = t.suggestInt("batch", 16, 1024, true);
            String opt = t.suggestCategorical("optimizer", List.of("sgd", "adam"));
            List<Integer> hidden = t.suggestCategorical("hidden", List.of(List.of(64), List.of(128, 64)));
            assertThat(batch).isBetween(16L, 1024L);
            assertThat(opt).isIn("sgd", "adam");
            assertThat(hidden).isIn(List.of(64), List.of(128, 64));
            assertThat(t.suggestInt("batch", 16, 1024, true)).as("asked again: the same value").isEqualTo(batch);
            assertThat(t.params()).containsEntry("batch", batch).containsEntry("optimizer", opt).containsKey("lr");
            s.tell(t, 0.5);
            Trial u = s.ask();
            assertThatThrownBy(() -> u.suggestInt("batch", 16, 512, true)).hasMessageContaining("'batch'");
            assertThatThrownBy(() -> s.tell(u, 1, 2)).hasMessageContaining("2 values for a study of 1 objective");
            s.tell(u, 0.7);
            assertThatThrownBy(() -> s.tell(u, 0.8)).hasMessageContaining("already finished");
        }
        try (JournalStorage j = JournalStorage.inDirectory(dir)) {
            StudySnapshot snap = j.read();
            assertThat(snap.distributions()).containsEntry("batch", new Distribution.IntRange(16, 1024, true))
                    .containsEntry("hidden", new Distribution.Categorical(List.of(List.of(64), List.of(128, 64))));
            assertThat(snap.trials().get(0).params()).containsKeys("lr", "batch", "optimizer", "hidden");
            assertThat(snap.trials().get(0).values()).containsExactly(0.5);
        }
    }

    @Test
    void anyoneCanBringTheirOwnSampler() {
        Sampler middle = (space, context) -> space.assign((p, assigned) -> switch (p.distribution()) {
            case Distribution.FloatRange f -> (f.low() + f.high()) / 2;
            case Distribution.IntRange r -> (double) ((r.low() + r.high()) / 2);
            case Distribution.Categorical c -> (double) (context.number() % c.choices().size());
        });
        try (Study s = Study.inMemory(SyntheticObjectives.braninSpace(), Direction.MINIMIZE, middle, null)) {
            s.optimize(t -> SyntheticObjectives.branin(Map.of("x1", t.number("x1"), "x2", t.number("x2"))), Budget.ofTrials(3), 1, null);
            assertThat(s.trials()).hasSize(3).allMatch(t -> t.params().equals(Map.of("x1", 2.5, "x2", 7.5)));
        }
        Sampler bad = (space, context) -> Map.of("x1", 99.0);
        try (Study s = Study.inMemory(SyntheticObjectives.braninSpace(), Direction.MINIMIZE, bad, null)) {
            assertThatThrownBy(s::ask).hasMessageContaining("does not fit the space");
        }
    }

    @Test
    void waitingTrialsComeFirstAndAGridEndsTheStudy() {
        try (Study s = Study.inMemory(SyntheticObjectives.braninSpace(), Direction.MINIMIZE, new GridSampler(0, 2), null)) {
            for (int i = 0; i < 4; i++) {
                s.tell(s.ask(), i);
            }
            assertThatThrownBy(s::ask).hasMessageContaining("no trial left");
        }
    }
}
