package dev.descent.tune.storage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import dev.descent.tune.Distribution;
import dev.descent.tune.StudyHeader;
import dev.descent.tune.TrialRecord;
import dev.descent.tune.TrialState;

/**
 * A study kept in memory only (Optuna's {@code InMemoryStorage}): for studies that need not survive
 * their process, tests and benchmarks. Safe for threads; lost at exit.
 */
public final class InMemoryStorage implements StudyStorage {

    private StudyModel model;
    /** Trial number to {beat time, timeout}, in System.nanoTime units. */
    private final Map<Integer, long[]> beats = new HashMap<>();

    @Override
    public String location() {
        return "memory";
    }

    @Override
    public synchronized boolean exists() {
        return model != null;
    }

    @Override
    public synchronized void create(StudyHeader header) {
        if (model != null) {
            throw new IllegalArgumentException("a study already exists in this in-memory storage");
        }
        model = new StudyModel(header);
    }

    @Override
    public synchronized StudySnapshot read() {
        return model().snapshot(false);
    }

    @Override
    public synchronized Optional<TrialRecord> startTrial(Function<StudySnapshot, TrialStart> decide) {
        TrialStart start = decide.apply(model().snapshot(false));
        if (start == null) {
            return Optional.empty();
        }
        int number = switch (start) {
            case TrialStart.Claim c -> {
                record(new StudyEvent.Claimed(c.number(), c.owner()));
                yield c.number();
            }
            case TrialStart.Create c -> {
                int n = model.size();
                record(new StudyEvent.Created(n, c.params(), c.state(), c.retryOf(), c.owner()));
                yield n;
            }
        };
        return Optional.of(model.trial(number));
    }

    @Override
    public synchronized void setParam(int number, String name, Distribution distribution, double internal) {
        record(new StudyEvent.ParamSet(number, name, distribution, internal));
    }

    @Override
    public synchronized void report(int number, int step, double value) {
        record(new StudyEvent.Reported(number, step, value));
    }

    @Override
    public synchronized boolean finish(int number, TrialState state, List<Double> values, double seconds, String message) {
        StudyEvent e = new StudyEvent.Finished(number, state, values, seconds, message);
        if (model().alreadyFinished(e)) {
            return false;
        }
        record(e);
        return true;
    }

    @Override
    public synchronized void heartbeat(int number, Duration timeout) {
        beats.put(number, new long[] {System.nanoTime(), timeout.toNanos()});
    }

    @Override
    public synchronized List<Integer> silentTrials() {
        long now = System.nanoTime();
        List<Integer> out = new ArrayList<>();
        for (TrialRecord t : model().snapshot(false).trials()) {
            long[] b = beats.get(t.number());
            if (t.state() == TrialState.RUNNING && b != null && now - b[0] > b[1]) {
                out.add(t.number());
            }
        }
        return out;
    }

    private void record(StudyEvent e) {
        model().check(e);
        model.apply(e);
    }

    private StudyModel model() {
        if (model == null) {
            throw new IllegalArgumentException("no study in this in-memory storage");
        }
        return model;
    }

    @Override
    public synchronized void delete() {
        model = null;
        beats.clear();
    }

    @Override
    public void close() {
        // nothing to release
    }
}
