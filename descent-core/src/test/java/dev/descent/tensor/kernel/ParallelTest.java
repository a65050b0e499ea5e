package dev.descent.tensor.kernel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pool's hand-off: the work its caller does while the other threads finish ({@link Parallel#whileWaiting}). */
class ParallelTest {

    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restore() {
        Parallel.whileWaiting(null);
        Parallel.setThreads(savedThreads);
    }

    /**
     * Two tasks, the caller's short and a worker's 50 ms long: the caller takes task 0 and holds it
     * until a worker has started the other, so that the caller then waits for that worker. Sets
     * {@code workerDone} when the worker's task ends.
     */
    private static IntConsumer callerWaitsForAWorker(Thread caller, AtomicBoolean workerDone) {
        AtomicBoolean workerStarted = new AtomicBoolean();
        return t -> {
            if (Thread.currentThread() == caller) {
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (!workerStarted.get() && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                assertThat(workerStarted).as("a worker took the other task").isTrue();
            } else {
                workerStarted.set(true);
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                workerDone.set(true);
            }
        };
    }

    @Test
    void theCallersWorkRunsOnceOnTheCallerWhileAWorkerIsBusy() {
        Parallel.setThreads(2);
        Thread caller = Thread.currentThread();
        AtomicBoolean workerDone = new AtomicBoolean();
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        Parallel.whileWaiting(() -> log.add((Thread.currentThread() == caller ? "caller" : "other") + (workerDone.get() ? ", after" : ", during")));
        Parallel.run(2, callerWaitsForAWorker(caller, workerDone));
        assertThat(workerDone).isTrue();
        assertThat(log).containsExactly("caller, during");

        // Run once: the next hand-off does not run it again.
        Parallel.run(2, callerWaitsForAWorker(caller, new AtomicBoolean()));
        assertThat(log).hasSize(1);
    }

    @Test
    void withdrawnOrWithNobodyToWaitForItDoesNotRun() {
        Thread caller = Thread.currentThread();
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        Parallel.setThreads(2);
        Parallel.whileWaiting(() -> log.add("ran"));
        Parallel.whileWaiting(null);
        Parallel.run(2, callerWaitsForAWorker(caller, new AtomicBoolean()));
        assertThat(log).as("withdrawn").isEmpty();

        // On one thread the tasks run inline and there is no waiting: it stays registered...
        Parallel.setThreads(1);
        Parallel.whileWaiting(() -> log.add("ran"));
        Parallel.run(2, t -> { });
        assertThat(log).isEmpty();
        // ...until a hand-off with something to wait for.
        Parallel.setThreads(2);
        Parallel.run(2, callerWaitsForAWorker(caller, new AtomicBoolean()));
        assertThat(log).containsExactly("ran");
    }

    @Test
    void whenTheWorkersAreDoneFirstItWaitsForALaterHandOff() {
        Parallel.setThreads(2);
        Thread caller = Thread.currentThread();
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        Parallel.whileWaiting(() -> log.add("ran"));
        AtomicBoolean workerDone = new AtomicBoolean();
        Parallel.run(2, t -> {
            if (Thread.currentThread() == caller) {
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (!workerDone.get() && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                // The worker counts its task done just after its body returns: leave it ample time to,
                // so that the caller finds nobody busy (without this the test could fail whenever the
                // worker's vCPU was descheduled in those few instructions).
                long grace = System.nanoTime() + 50_000_000L;
                while (System.nanoTime() < grace) {
                    Thread.onSpinWait();
                }
            } else {
                workerDone.set(true);
            }
        });
        assertThat(workerDone).isTrue();
        assertThat(log).as("nothing to wait for").isEmpty();
        Parallel.run(2, callerWaitsForAWorker(caller, new AtomicBoolean()));
        assertThat(log).containsExactly("ran");
    }

    @Test
    void eachThreadHasItsOwn() throws InterruptedException {
        Parallel.setThreads(2);
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        Parallel.whileWaiting(() -> log.add("mine"));
        // Another thread registers and withdraws its own: this thread's stays, and runs here alone.
        Thread other = new Thread(() -> {
            Parallel.whileWaiting(() -> log.add("other's"));
            Parallel.whileWaiting(null);
            Parallel.whileWaiting(() -> log.add("other's"));
        });
        other.start();
        other.join();
        Parallel.run(2, callerWaitsForAWorker(Thread.currentThread(), new AtomicBoolean()));
        assertThat(log).containsExactly("mine");
    }

    @Test
    void whatItThrowsIsRethrownOnceTheHandOffIsComplete() {
        Parallel.setThreads(2);
        AtomicBoolean workerDone = new AtomicBoolean();
        Parallel.whileWaiting(() -> {
            throw new IllegalStateException("the next batch failed");
        });
        assertThatThrownBy(() -> Parallel.run(2, callerWaitsForAWorker(Thread.currentThread(), workerDone)))
                .hasMessage("the next batch failed");
        assertThat(workerDone).as("the hand-off finished before the rethrow").isTrue();
        // The pool is free again.
        List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
        Parallel.run(4, ran::add);
        assertThat(ran).containsExactlyInAnyOrder(0, 1, 2, 3);
    }
}
