package dev.descent.tune.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.descent.tune.Direction;
import dev.descent.tune.Distribution;
import dev.descent.tune.RandomSampler;
import dev.descent.tune.SearchSpace;
import dev.descent.tune.Study;
import dev.descent.tune.StudyHeader;
import dev.descent.tune.Trial;
import dev.descent.tune.TrialOwner;
import dev.descent.tune.TrialState;

class StudyCopyTest {

    @TempDir
    Path tmp;

    /** A study with a declared and a suggested parameter, reports, and trials in every state, a retry among them. */
    private static void fill(StudyStorage s) {
        SearchSpace space = SearchSpace.of(List.of(new SearchSpace.Param("lr", new Distribution.FloatRange(1e-4, 1, true), null)));
        try (Study study = Study.create(s, StudyHeader.of(space, Direction.MAXIMIZE), new RandomSampler(7), null)) {
            for (int i = 0; i < 4; i++) {
                Trial t = study.ask();
                t.suggestInt("width", 8, 64, false);
                t.report(1, 0.1 * i);
                t.report(2, 0.2 * i);
                switch (i) {
                    case 0 -> study.tell(t, 0.9);
                    case 1 -> study.tellPruned(t.number(), "pruned at report 2");
                    case 2 -> study.tellFailed(t.number(), "diverged");
                    default -> {
                        // left running
                    }
                }
            }
        }
        // The failed trial queued again, waiting.
        s.startTrial(snap -> new TrialStart.Create(snap.trials().get(2).params(), TrialState.WAITING, 2, null));
        s.heartbeat(3, java.time.Duration.ofMinutes(1));
    }

    @Test
    void aJournalStudyGoesToPostgresAndBackUnchanged() {
        PgCluster pg = PgCluster.shared();
        String db = pg.newDatabase();
        try (JournalStorage journal = JournalStorage.inDirectory(tmp.resolve("a"));
             PostgresStorage postgres = PostgresStorage.open(pg.target(db), PgCluster.PASSWORD, "copied");
             JournalStorage back = JournalStorage.inDirectory(tmp.resolve("b"))) {
            fill(journal);
            StudySnapshot original = journal.read();
            StudySnapshot inDb = StudyCopy.copy(journal, postgres);
            StudySnapshot home = StudyCopy.copy(postgres, back);
            for (StudySnapshot c : List.of(inDb, home)) {
                assertThat(c.trials()).isEqualTo(original.trials());
                assertThat(c.distributions()).isEqualTo(original.distributions());
                assertThat(c.header().space()).isEqualTo(original.header().space());
                assertThat(c.header().directions()).isEqualTo(original.header().directions());
            }
            assertThat(original.trials().get(3).owner()).isEqualTo(TrialOwner.current());
            assertThat(original.trials().get(4).state()).isEqualTo(TrialState.WAITING);
            assertThatThrownBy(() -> StudyCopy.copy(journal, postgres)).hasMessageContaining("already holds a study");
        }
    }

    @Test
    void aCopyThatFailsLeavesNothingBehind() {
        try (JournalStorage from = JournalStorage.inDirectory(tmp.resolve("from")); InMemoryStorage to = new InMemoryStorage()) {
            fill(from);
            // A target that refuses reports: the copy stops at the first and deletes what it wrote.
            StudyStorage refusing = new ForwardingStorage(to) {
                @Override
                public void report(int number, int step, double value) {
                    throw new StorageException("the database went away", null);
                }
            };
            assertThatThrownBy(() -> StudyCopy.copy(from, refusing)).hasMessageContaining("went away");
            assertThat(to.exists()).isFalse();
        }
    }
}
