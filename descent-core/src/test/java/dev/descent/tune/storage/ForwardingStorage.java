package dev.descent.tune.storage;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import dev.descent.tune.Distribution;
import dev.descent.tune.StudyHeader;
import dev.descent.tune.TrialRecord;
import dev.descent.tune.TrialState;

/** A storage that passes every call to another: tests override one call to make it fail. */
class ForwardingStorage implements StudyStorage {

    private final StudyStorage to;

    ForwardingStorage(StudyStorage to) {
        this.to = to;
    }

    @Override
    public String location() {
        return to.location();
    }

    @Override
    public boolean exists() {
        return to.exists();
    }

    @Override
    public void create(StudyHeader header) {
        to.create(header);
    }

    @Override
    public StudySnapshot read() {
        return to.read();
    }

    @Override
    public Optional<TrialRecord> startTrial(Function<StudySnapshot, TrialStart> decide) {
        return to.startTrial(decide);
    }

    @Override
    public void setParam(int number, String name, Distribution distribution, double internal) {
        to.setParam(number, name, distribution, internal);
    }

    @Override
    public void report(int number, int step, double value) {
        to.report(number, step, value);
    }

    @Override
    public boolean finish(int number, TrialState state, List<Double> values, double seconds, String message) {
        return to.finish(number, state, values, seconds, message);
    }

    @Override
    public void heartbeat(int number, Duration timeout) {
        to.heartbeat(number, timeout);
    }

    @Override
    public List<Integer> silentTrials() {
        return to.silentTrials();
    }

    @Override
    public void delete() {
        to.delete();
    }

    @Override
    public void close() {
        to.close();
    }
}
