package dev.descent.tune;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.descent.io.FormatException;

/**
 * A hyperparameter study that lives in a directory: the {@link SearchSpace}, a {@link Sampler} that
 * proposes trials, a {@link Pruner} that stops poor ones early, and the journal
 * ({@value StudyJournal#FILE}) where every trial's parameters, intermediate values, state and result
 * are appended and forced to disk as they happen.
 *
 * <p>A study killed at any moment resumes with {@link #open}: finished trials are kept and never run
 * again; trials that were running are run again with the same number and parameters; and a budget in
 * trials counts the trials of every session, so the study ends with the number of trials asked for.
 */
public final class Study implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final SearchSpace space;
    private final Direction direction;
    private final Sampler sampler;
    private final Pruner pruner;
    private final ObjectNode attrs;
    private final StudyJournal journal;
    private final List<TrialRecord> trials = new ArrayList<>();
    private final Deque<Integer> toRetry = new ArrayDeque<>();
    private volatile boolean stopRequested;
    private volatile boolean abandoned;

    private Study(Path dir, SearchSpace space, Direction direction, Sampler sampler, Pruner pruner, ObjectNode attrs, StudyJournal journal) {
        this.dir = dir;
        this.space = space;
        this.direction = direction;
        this.sampler = sampler;
        this.pruner = pruner;
        this.attrs = attrs;
        this.journal = journal;
    }

    /** The journal of the study in {@code dir}. */
    public static Path journalFile(Path dir) {
        return dir.resolve(StudyJournal.FILE);
    }

    /** Whether {@code dir} holds a study. */
    public static boolean exists(Path dir) {
        return Files.isRegularFile(journalFile(dir));
    }

    /**
     * Starts a new study in {@code dir} (created if needed).
     *
     * @param attrs anything the caller needs to rebuild the objective on resume (kept in the journal)
     * @throws IllegalArgumentException if {@code dir} already holds a study
     */
    public static Study create(Path dir, SearchSpace space, Direction direction, Sampler sampler, Pruner pruner, JsonNode attrs) {
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot create the study directory " + dir + " (" + e.getMessage() + ")");
        }
        ObjectNode header = JSON.createObjectNode();
        header.put("op", "study");
        header.put("format", "descent-study");
        header.put("version", 1);
        header.put("direction", direction.name().toLowerCase(java.util.Locale.ROOT));
        header.set("space", SearchSpaceJson.write(space));
        ObjectNode a = attrs == null ? JSON.createObjectNode() : attrs.deepCopy().require();
        header.set("attrs", a);
        return new Study(dir, space, direction, sampler, pruner, a, StudyJournal.create(journalFile(dir), header));
    }

    /** A study's saved header: its space, direction and attributes, read without opening it. */
    public record Header(SearchSpace space, Direction direction, ObjectNode attrs) {
    }

    /** Reads the header of the study in {@code dir}. */
    public static Header header(Path dir) {
        if (!exists(dir)) {
            throw new IllegalArgumentException(dir + " holds no study (no " + StudyJournal.FILE + ")");
        }
        return header(StudyJournal.read(journalFile(dir)));
    }

    private static Header header(StudyJournal.Content c) {
        ObjectNode h = c.header();
        Direction d;
        try {
            d = Direction.valueOf(h.path("direction").asText().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new FormatException("study journal: unknown direction " + h.path("direction"));
        }
        JsonNode a = h.path("attrs");
        return new Header(SearchSpaceJson.read(h.get("space")), d, a.isObject() ? (ObjectNode) a : JSON.createObjectNode());
    }

    /**
     * Re-opens the study in {@code dir} to continue it. Its finished trials are loaded; the trials a
     * crash cut off will run again first.
     *
     * @throws FormatException if the journal is corrupt or a trial's parameters do not fit the space
     */
    public static Study open(Path dir, Sampler sampler, Pruner pruner) {
        StudyJournal.Content c = StudyJournal.read(journalFile(dir));
        Header h = header(c);
        Study s = new Study(dir, h.space(), h.direction(), sampler, pruner, h.attrs(), StudyJournal.append(journalFile(dir)));
        for (TrialRecord t : c.trials().values()) {
            if (!h.space().accepts(t.params())) {
                throw new FormatException(journalFile(dir) + ": trial " + t.number() + " has parameters " + t.params() + " that do not fit the study's space");
            }
            s.trials.add(t);
            if (t.state() == TrialState.RUNNING) {
                s.toRetry.add(t.number());
            }
        }
        return s;
    }

    /** The study's directory. */
    public Path dir() {
        return dir;
    }

    /** The search space. */
    public SearchSpace space() {
        return space;
    }

    /** Whether lower or higher values are better. */
    public Direction direction() {
        return direction;
    }

    /** The attributes given at creation. */
    public ObjectNode attrs() {
        return attrs.deepCopy();
    }

    /** Every trial so far, by number. */
    public synchronized List<TrialRecord> trials() {
        return List.copyOf(trials);
    }

    /** The best complete trial, if any. */
    public synchronized Optional<TrialRecord> best() {
        TrialRecord best = null;
        for (TrialRecord t : trials) {
            if (t.state() == TrialState.COMPLETE && (best == null || direction.better(t.value(), best.value()))) {
                best = t;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The values the objective sees for a trial's parameters. */
    public Map<String, Object> params(TrialRecord t) {
        return space.external(t.params());
    }

    /** Stops starting new trials (running ones finish); safe to call from any thread. */
    public void requestStop() {
        stopRequested = true;
    }

    /**
     * Stops starting trials and leaves the running ones unfinished in the journal, as a crash would,
     * so that a resume runs them again: for an orderly shutdown (Ctrl-C) that interrupts trials whose
     * results would otherwise be recorded from a partial run.
     */
    public void abandon() {
        abandoned = true;
        stopRequested = true;
    }

    /**
     * Runs trials on {@code jobs} threads until the budget is spent (or the sampler's grid is
     * exhausted, or {@link #requestStop()}), then waits for the running trials.
     *
     * @throws IllegalArgumentException if the budget has no limit and the sampler none either, or jobs &lt; 1
     */
    public void optimize(Objective objective, Budget budget, int jobs, StudyListener listener) {
        if (jobs < 1) {
            throw new IllegalArgumentException("jobs must be >= 1, got " + jobs);
        }
        if (!budget.bounded() && sampler.capacity(space).isEmpty()) {
            throw new IllegalArgumentException("the study needs a budget: a number of trials, steps or a time limit");
        }
        StudyListener l = listener == null ? new StudyListener() { } : listener;
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(jobs, r -> {
            Thread t = new Thread(r, "descent-trial");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < jobs; w++) {
                workers.add(pool.submit(() -> {
                    for (Next n; (n = next(budget, start)) != null; ) {
                        l.onTrialStart(n.trial(), n.retry());
                        TrialRecord done = run(objective, n.trial());
                        if (done.state().finished()) {
                            l.onTrialEnd(done, best().orElse(null));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopRequested = true;
        } finally {
            pool.shutdown();
            try {
                pool.awaitTermination(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private record Next(TrialRecord trial, boolean retry) {
    }

    /** The next trial to run, journaled, or null when the budget is spent. */
    private synchronized Next next(Budget budget, long start) {
        if (stopRequested) {
            return null;
        }
        if (!toRetry.isEmpty()) {
            int n = toRetry.poll();
            TrialRecord t = trials.get(n).restarted();
            trials.set(n, t);
            journal.retried(n);
            return new Next(t, true);
        }
        int n = trials.size();
        OptionalLong cap = sampler.capacity(space);
        if ((budget.trials() > 0 && n >= budget.trials()) || (cap.isPresent() && n >= cap.getAsLong())) {
            return null;
        }
        if (budget.time() != null && Duration.ofNanos(System.nanoTime() - start).compareTo(budget.time()) >= 0) {
            return null;
        }
        if (budget.steps() > 0 && trials.stream().mapToLong(TrialRecord::lastStep).sum() >= budget.steps()) {
            return null;
        }
        Map<String, Double> params = sampler.sample(space, List.copyOf(trials), direction, n);
        if (!space.accepts(params)) {
            throw new IllegalStateException("sampler proposed " + params + ", which does not fit the space");
        }
        TrialRecord t = TrialRecord.started(n, params);
        journal.trialStarted(n, params);
        trials.add(t);
        return new Next(t, false);
    }

    private TrialRecord run(Objective objective, TrialRecord t) {
        long t0 = System.nanoTime();
        Trial trial = new Trial(this, t.number(), space.external(t.params()));
        TrialState state;
        double value = Double.NaN;
        String message = "";
        try {
            value = objective.evaluate(trial);
            if (Double.isNaN(value)) {
                state = TrialState.FAIL;
                message = "the objective returned NaN";
            } else {
                state = TrialState.COMPLETE;
            }
        } catch (TrialPrunedException e) {
            state = TrialState.PRUNED;
            message = e.getMessage() == null ? "" : e.getMessage();
        } catch (Exception e) {
            state = TrialState.FAIL;
            message = e.getMessage() == null ? e.toString() : e.getMessage();
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        synchronized (this) {
            if (abandoned) {
                return trials.get(t.number());
            }
            TrialRecord done = trials.get(t.number()).finished(state, state == TrialState.COMPLETE ? value : Double.NaN, secs, message);
            trials.set(t.number(), done);
            journal.finished(done);
            return done;
        }
    }

    /** Records an intermediate value and returns the pruner's decision. */
    synchronized boolean report(int number, int step, double value) {
        TrialRecord t = trials.get(number);
        if (!t.intermediate().isEmpty() && step <= t.lastStep()) {
            throw new IllegalArgumentException("trial " + number + ": report steps must increase, got " + step + " after " + t.lastStep());
        }
        t = t.withReport(step, value);
        trials.set(number, t);
        journal.reported(number, step, value);
        return pruner.prune(t, List.copyOf(trials), direction);
    }

    @Override
    public void close() {
        journal.close();
    }
}
