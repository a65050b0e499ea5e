package dev.descent.tune.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import dev.descent.io.InputException;
import dev.descent.tune.Direction;
import dev.descent.tune.Distribution;
import dev.descent.tune.SearchSpace;
import dev.descent.tune.StudyHeader;
import dev.descent.tune.TrialOwner;
import dev.descent.tune.TrialRecord;
import dev.descent.tune.TrialState;

/**
 * The contract of {@link StudyStorage}: every implementation extends this class and passes it.
 * A database storage added later passes the same tests.
 */
public abstract class StudyStorageContract {

    /** A storage where no study exists yet. */
    protected abstract StudyStorage fresh();

    /** Another handle on the study that {@code s} holds (as a second process would open it). */
    protected abstract StudyStorage reopen(StudyStorage s);

    private static final SearchSpace SPACE = SearchSpace.of(List.of(
            new SearchSpace.Param("opt", new Distribution.Categorical(List.of("sgd", "adam")), null),
            new SearchSpace.Param("lr", new Distribution.FloatRange(1e-4, 1, true), null)));

    private static StudyHeader header() {
        return new StudyHeader(SPACE, List.of(Direction.MAXIMIZE, Direction.MINIMIZE), List.of("acc", "seconds"), 1,
                JsonNodeFactory.instance.objectNode().put("note", "kept"));
    }

    private static TrialStart create(double lr) {
        return new TrialStart.Create(Map.of("opt", 1.0, "lr", lr), TrialState.RUNNING, -1, TrialOwner.current());
    }

    private static StudyStorage created(StudyStorage s) {
        s.create(header());
        return s;
    }

    @Test
    void aCreatedStudyReadsBackItsHeaderAndCannotBeCreatedTwice() {
        try (StudyStorage s = fresh()) {
            assertThat(s.exists()).isFalse();
            assertThatThrownBy(s::read).isInstanceOfAny(IllegalArgumentException.class, InputException.class);
            s.create(header());
            assertThat(s.exists()).isTrue();
            try (StudyStorage other = reopen(s)) {
                StudyHeader h = other.read().header();
                assertThat(h.space()).isEqualTo(SPACE);
                assertThat(h.directions()).containsExactly(Direction.MAXIMIZE, Direction.MINIMIZE);
                assertThat(h.objectives()).containsExactly("acc", "seconds");
                assertThat(h.pruneObjective()).isEqualTo(1);
                assertThat(h.attrs().get("note").asText()).isEqualTo("kept");
                assertThat(other.read().trials()).isEmpty();
                assertThat(other.read().tornTail()).isFalse();
            }
            assertThatThrownBy(() -> s.create(header())).isInstanceOfAny(IllegalArgumentException.class, InputException.class).hasMessageContaining("exists");
        }
    }

    @Test
    void aTrialKeepsEverythingRecordedAboutItAndAnotherHandleSeesIt() {
        try (StudyStorage s = created(fresh())) {
            TrialRecord t = s.startTrial(snap -> create(0.01)).orElseThrow();
            assertThat(t.number()).isZero();
            assertThat(t.state()).isEqualTo(TrialState.RUNNING);
            assertThat(t.owner()).isEqualTo(TrialOwner.current());
            Distribution.FloatRange drop = new Distribution.FloatRange(0, 0.5, false);
            s.setParam(0, "dropout", drop, 0.25);
            s.report(0, 1, 0.5);
            s.report(0, 3, Double.NaN);
            assertThat(s.finish(0, TrialState.COMPLETE, List.of(0.9, 12.5), 3.25, "")).isTrue();
            try (StudyStorage other = reopen(s)) {
                StudySnapshot snap = other.read();
                TrialRecord r = snap.trials().get(0);
                assertThat(r.params()).containsEntry("opt", 1.0).containsEntry("lr", 0.01).containsEntry("dropout", 0.25);
                assertThat(r.intermediate()).containsEntry(1, 0.5).containsKey(3);
                assertThat(r.intermediate().get(3)).isNaN();
                assertThat(r.values()).containsExactly(0.9, 12.5);
                assertThat(r.seconds()).isEqualTo(3.25);
                assertThat(r.state()).isEqualTo(TrialState.COMPLETE);
                assertThat(snap.distributions()).containsEntry("dropout", drop).containsKeys("opt", "lr");
            }
        }
    }

    @Test
    void brokenRulesThrowAndChangeNothing() {
        try (StudyStorage s = created(fresh())) {
            s.startTrial(snap -> create(0.01));
            s.setParam(0, "dropout", new Distribution.FloatRange(0, 0.5, false), 0.25);
            s.report(0, 2, 0.5);
            StudySnapshot before = s.read();
            assertThatThrownBy(() -> s.report(0, 2, 0.4)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("steps must increase");
            assertThatThrownBy(() -> s.report(5, 1, 0.4)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("never started");
            assertThatThrownBy(() -> s.setParam(0, "dropout", new Distribution.FloatRange(0, 0.5, false), 0.3))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already has");
            s.startTrial(snap -> create(0.02));
            assertThatThrownBy(() -> s.setParam(1, "dropout", new Distribution.FloatRange(0, 0.9, false), 0.3))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dropout");
            assertThatThrownBy(() -> s.setParam(1, "width", new Distribution.IntRange(1, 4, false), 9))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside");
            assertThatThrownBy(() -> s.startTrial(snap -> new TrialStart.Create(Map.of("lr", 5.0), TrialState.RUNNING, -1, null)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside");
            assertThatThrownBy(() -> s.finish(0, TrialState.COMPLETE, List.of(0.9), 1, ""))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 values for a study of 2 objectives");
            assertThatThrownBy(() -> s.finish(0, TrialState.PRUNED, List.of(0.9), 1, ""))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only a complete trial");
            assertThatThrownBy(() -> s.startTrial(snap -> new TrialStart.Claim(0, null)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not waiting");
            StudySnapshot after = s.read();
            assertThat(after.trials().get(0)).isEqualTo(before.trials().get(0));
            assertThat(after.trials()).hasSize(2);
        }
    }

    @Test
    void finishingIsConditionalAndAWaitingTrialIsTakenOnce() {
        try (StudyStorage s = created(fresh())) {
            s.startTrial(snap -> create(0.01));
            assertThat(s.finish(0, TrialState.FAIL, List.of(), 0, "its process died")).isTrue();
            assertThat(s.finish(0, TrialState.FAIL, List.of(), 0, "again")).isFalse();
            assertThat(s.read().trials().get(0).message()).isEqualTo("its process died");
            TrialRecord w = s.startTrial(snap -> new TrialStart.Create(snap.trials().get(0).params(), TrialState.WAITING, 0, null)).orElseThrow();
            assertThat(w.state()).isEqualTo(TrialState.WAITING);
            assertThat(w.retryOf()).isZero();
            assertThatThrownBy(() -> s.report(1, 1, 0.5)).hasMessageContaining("not running");
            // Two handles race for the waiting trial: exactly one takes it.
            try (StudyStorage other = reopen(s)) {
                List<Optional<TrialRecord>> got = Collections.synchronizedList(new ArrayList<>());
                runConcurrently(2, i -> got.add((i == 0 ? s : other).startTrial(snap -> snap.trials().stream()
                        .filter(t -> t.state() == TrialState.WAITING).findFirst().<TrialStart>map(t -> new TrialStart.Claim(t.number(), TrialOwner.current()))
                        .orElse(null))));
                assertThat(got.stream().filter(Optional::isPresent)).hasSize(1);
                assertThat(s.read().trials().get(1).state()).isEqualTo(TrialState.RUNNING);
            }
        }
    }

    @Test
    void concurrentStartsGetConsecutiveNumbersAndEachDecisionSeesEveryEarlierTrial() {
        try (StudyStorage s = created(fresh())) {
            List<StudyStorage> handles = List.of(s, reopen(s), reopen(s));
            AtomicInteger wrongView = new AtomicInteger();
            List<Integer> numbers = Collections.synchronizedList(new ArrayList<>());
            runConcurrently(6, i -> {
                StudyStorage h = handles.get(i % handles.size());
                for (int k = 0; k < 15; k++) {
                    TrialRecord t = h.startTrial(snap -> {
                        if (snap.trials().size() != snap.trials().stream().mapToInt(TrialRecord::number).max().orElse(-1) + 1) {
                            wrongView.incrementAndGet();
                        }
                        return create(1e-3 * (1 + snap.trials().size() % 100));
                    }).orElseThrow();
                    numbers.add(t.number());
                    h.report(t.number(), 1, k);
                    assertThat(h.finish(t.number(), TrialState.COMPLETE, List.of(0.5, 1.0), 0, "")).isTrue();
                }
            });
            assertThat(numbers).hasSize(90).doesNotHaveDuplicates().allMatch(n -> n >= 0 && n < 90);
            assertThat(wrongView).hasValue(0);
            List<TrialRecord> all = s.read().trials();
            assertThat(all).hasSize(90).allMatch(t -> t.state() == TrialState.COMPLETE && t.intermediate().size() == 1);
            for (int i = 0; i < 90; i++) {
                assertThat(all.get(i).number()).isEqualTo(i);
            }
            for (StudyStorage h : handles.subList(1, 3)) {
                assertThat(h.read().trials()).isEqualTo(all);
                h.close();
            }
        }
    }

    @Test
    void aTrialWhoseWorkerMissesItsHeartbeatIsSilentAndOthersAreNot() throws InterruptedException {
        try (StudyStorage s = created(fresh()); StudyStorage other = reopen(s)) {
            for (int i = 0; i < 4; i++) {
                s.startTrial(snap -> create(0.01));
            }
            // 0 beats with a long timeout, 1 with a short one, 2 never beats (a trial another program runs), 3 beats and finishes.
            s.heartbeat(0, java.time.Duration.ofMinutes(5));
            s.heartbeat(1, java.time.Duration.ofMillis(150));
            s.heartbeat(3, java.time.Duration.ofMillis(150));
            s.finish(3, TrialState.COMPLETE, List.of(0.5, 1.0), 0, "");
            Thread.sleep(600);
            assertThat(other.silentTrials()).containsExactly(1);
            // A new beat, from any handle, makes it alive again, with the timeout it now promises.
            other.heartbeat(1, java.time.Duration.ofMinutes(5));
            assertThat(s.silentTrials()).isEmpty();
            s.heartbeat(0, java.time.Duration.ofMillis(100));
            Thread.sleep(400);
            assertThat(s.silentTrials()).containsExactly(0);
            assertThat(s.finish(0, TrialState.FAIL, List.of(), 0, "silent")).isTrue();
            assertThat(other.silentTrials()).isEmpty();
        }
    }

    @Test
    void aDeletedStudyIsGoneAndItsPlaceCanHoldANewOne() {
        try (StudyStorage s = created(fresh())) {
            s.startTrial(snap -> create(0.01));
            s.delete();
            assertThat(s.exists()).isFalse();
            try (StudyStorage other = reopen(s)) {
                assertThat(other.exists()).isFalse();
                assertThatThrownBy(other::read).isInstanceOfAny(IllegalArgumentException.class, InputException.class);
            }
            s.create(header());
            assertThat(s.read().trials()).isEmpty();
        }
    }

    @Test
    void aDecisionOfNoneRecordsNothing() {
        try (StudyStorage s = created(fresh())) {
            assertThat(s.startTrial(snap -> null)).isEmpty();
            assertThat(s.read().trials()).isEmpty();
        }
    }

    private interface Body {
        void run(int i) throws Exception;
    }

    private static void runConcurrently(int n, Body body) {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int id = i;
                fs.add(pool.submit(() -> {
                    go.await();
                    body.run(id);
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : fs) {
                f.get(60, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            pool.shutdownNow();
        }
    }
}
