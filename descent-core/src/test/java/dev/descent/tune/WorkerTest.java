package dev.descent.tune;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.descent.tune.storage.InMemoryStorage;
import dev.descent.tune.storage.StudyStorage;

class WorkerTest {

    private static final SearchSpace SPACE = SearchSpace.of(List.of(new SearchSpace.Param("x", new Distribution.FloatRange(-1, 1, false), null)));

    @Test
    void workersShareTheStudysBudgetNotTheirOwn() {
        StudyStorage storage = new InMemoryStorage();
        try (Study a = Study.create(storage, StudyHeader.of(SPACE, Direction.MINIMIZE), new RandomSampler(1), null);
             Study b = Study.open(storage, new RandomSampler(2), null)) {
            Budget budget = Budget.ofTrials(10);
            int ranA = new Worker(a, t -> new double[] {t.number("x") * t.number("x")}, null).run(budget, System.nanoTime());
            int ranB = new Worker(b, t -> new double[] {t.number("x")}, null).run(budget, System.nanoTime());
            assertThat(ranA).isEqualTo(10);
            assertThat(ranB).as("the study's budget was spent by the first worker").isZero();
            assertThat(storage.read().trials()).hasSize(10).allMatch(t -> t.state() == TrialState.COMPLETE);
        }
    }

    @Test
    void aTrialWhoseRemoteWorkerStopsBeatingFailsAfterTheTimeoutAndAWaitingWorkerRunsItAgain() {
        StudyStorage storage = new InMemoryStorage();
        Duration timeout = Duration.ofMillis(300);
        try (Study study = Study.create(storage, StudyHeader.of(SPACE, Direction.MINIMIZE), new RandomSampler(3), null)) {
            study.retryFailed(1).heartbeat(timeout);
            // A worker on another machine takes trial 0, beats once, and is never heard of again.
            TrialOwner remote = new TrialOwner(4242, "another-machine", null);
            Trial lost = study.ask(remote);
            storage.heartbeat(lost.number(), timeout);
            long t0 = System.nanoTime();
            int ran = new Worker(study, t -> new double[] {Math.abs(t.number("x"))}, null).run(Budget.ofTrials(3), t0);
            long waited = System.nanoTime() - t0;
            List<TrialRecord> all = storage.read().trials();
            assertThat(ran).as("trials 1 and 2, then the retry of 0").isEqualTo(3);
            assertThat(all).hasSize(4);
            assertThat(all.get(0).state()).isEqualTo(TrialState.FAIL);
            assertThat(all.get(0).message()).startsWith(Study.SILENT).contains("pid 4242 on another-machine");
            TrialRecord retry = all.get(3);
            assertThat(retry.retryOf()).isZero();
            assertThat(retry.params()).isEqualTo(all.get(0).params());
            assertThat(retry.state()).isEqualTo(TrialState.COMPLETE);
            assertThat(all.stream().filter(t -> t.state() == TrialState.COMPLETE)).hasSize(3);
            assertThat(Duration.ofNanos(waited)).as("the worker waited for the timeout").isGreaterThanOrEqualTo(timeout);
        }
    }

    @Test
    void withoutRetriesAWorkerDoesNotWaitForOthers() {
        StudyStorage storage = new InMemoryStorage();
        try (Study study = Study.create(storage, StudyHeader.of(SPACE, Direction.MINIMIZE), new RandomSampler(4), null)) {
            study.heartbeat(Duration.ofMinutes(5));
            study.ask(new TrialOwner(4242, "another-machine", null));
            assertThat(new Worker(study, t -> new double[] {0}, null).run(Budget.ofTrials(2), System.nanoTime())).isEqualTo(1);
            assertThat(storage.read().trials().get(0).state()).isEqualTo(TrialState.RUNNING);
        }
    }
}
