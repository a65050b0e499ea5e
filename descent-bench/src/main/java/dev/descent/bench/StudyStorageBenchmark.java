package dev.descent.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import dev.descent.tune.Direction;
import dev.descent.tune.StudyHeader;
import dev.descent.tune.TrialOwner;
import dev.descent.tune.TrialState;
import dev.descent.tune.storage.JournalStorage;
import dev.descent.tune.storage.PostgresStorage;
import dev.descent.tune.storage.PostgresTarget;
import dev.descent.tune.storage.StudyStorage;
import dev.descent.tune.storage.TrialStart;

/**
 * What a study's storage costs per trial (docs/SCALE-OUT.md): a trial's locked writes (its creation,
 * {@value #REPORTS} intermediate values, its end), alone and with 4 workers on one study, whose changes
 * the study's lock serialises, and with the catch-up read a pruner makes after each report.
 * {@code storage=postgresql} needs {@code -Ddescent.bench.postgresql=postgresql://HOST:PORT/DB?user=NAME}
 * and {@code PGPASSWORD}; {@code journal} writes in a temporary directory.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class StudyStorageBenchmark {

    /** The study all threads share, created once per trial of the benchmark. */
    @State(Scope.Benchmark)
    public static class Shared {
        @Param({"journal", "postgresql"})
        public String storage;

        String where;
        Path dir;

        @TearDown(Level.Trial)
        public void remove() throws java.io.IOException {
            try (StudyStorage s = open()) {
                s.delete();
            }
            if (dir != null) {
                Files.deleteIfExists(dir);
            }
        }

        @Setup(Level.Trial)
        public void create() throws Exception {
            if (storage.equals("journal")) {
                dir = Files.createTempDirectory("descent-bench-study");
                where = dir.toString();
            } else {
                where = "bench-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
            }
            try (StudyStorage s = open()) {
                s.create(StudyHeader.of(null, Direction.MAXIMIZE));
            }
        }

        StudyStorage open() {
            if (storage.equals("journal")) {
                return JournalStorage.inDirectory(Path.of(where));
            }
            String url = System.getProperty("descent.bench.postgresql");
            if (url == null) {
                throw new IllegalStateException("set -Ddescent.bench.postgresql=postgresql://HOST:PORT/DB?user=NAME (and PGPASSWORD)");
            }
            return PostgresStorage.open(PostgresTarget.parse(url), System.getenv("PGPASSWORD"), where);
        }
    }

    /** One worker: its own handle (for a database, its own connection). */
    @State(Scope.Thread)
    public static class Worker {
        StudyStorage s;

        @Setup(Level.Trial)
        public void open(Shared shared) {
            s = shared.open();
        }

        @TearDown(Level.Trial)
        public void close() {
            s.close();
        }
    }

    /** Reports per trial: a trial's writes are its creation, these reports and its end. */
    public static final int REPORTS = 8;

    private static int trial(StudyStorage s, boolean prunerReads) {
        int n = s.startTrial(snap -> new TrialStart.Create(Map.of(), TrialState.RUNNING, -1, TrialOwner.current())).orElseThrow().number();
        int seen = 0;
        for (int step = 1; step <= REPORTS; step++) {
            s.report(n, step, 0.5);
            if (prunerReads) {
                seen += s.read().trials().size();
            }
        }
        s.finish(n, TrialState.COMPLETE, List.of(0.5), 0, "");
        return seen;
    }

    /** One trial's locked writes ({@value #REPORTS} + 2), by one worker. */
    @Benchmark
    @Threads(1)
    public int trial(Worker w) {
        return trial(w.s, false);
    }

    /** The same with 4 workers on one study at once: the study's lock orders their writes. */
    @Benchmark
    @Threads(4)
    public int trial4(Worker w) {
        return trial(w.s, false);
    }

    /** One trial's writes and, after each report, the catch-up read that a pruner's decision needs. */
    @Benchmark
    @Threads(1)
    public int trialWithPrunerReads(Worker w) {
        return trial(w.s, true);
    }
}
