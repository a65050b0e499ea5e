package dev.descent.tune.storage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.descent.tune.Distribution;
import dev.descent.tune.SearchSpace;
import dev.descent.tune.StudyHeader;
import dev.descent.tune.TrialRecord;
import dev.descent.tune.TrialState;

/**
 * A study rebuilt from its events, and the rules an event must follow to be applied: every storage
 * checks a change here before recording it and replays its log through {@link #apply}.
 */
final class StudyModel {

    private final StudyHeader header;
    private final List<TrialRecord> trials = new ArrayList<>();
    private final Map<String, Distribution> distributions = new LinkedHashMap<>();

    StudyModel(StudyHeader header) {
        this.header = header;
        if (header.space() != null) {
            for (SearchSpace.Param p : header.space().params()) {
                distributions.put(p.name(), p.distribution());
            }
        }
    }

    StudyHeader header() {
        return header;
    }

    int size() {
        return trials.size();
    }

    TrialRecord trial(int number) {
        return trials.get(number);
    }

    StudySnapshot snapshot(boolean tornTail) {
        return new StudySnapshot(header, trials, distributions, tornTail);
    }

    /** Whether {@code e} finishes a trial that is already finished (which a storage answers with false). */
    boolean alreadyFinished(StudyEvent e) {
        return e instanceof StudyEvent.Finished f && f.number() >= 0 && f.number() < trials.size() && trials.get(f.number()).state().finished();
    }

    /**
     * Checks that {@code e} may be applied now.
     *
     * @throws IllegalArgumentException saying which rule it breaks
     */
    void check(StudyEvent e) {
        switch (e) {
            case StudyEvent.Created c -> {
                if (c.number() != trials.size()) {
                    throw new IllegalArgumentException("trial " + c.number() + " out of order (the next is " + trials.size() + ")");
                }
                if (c.state() != TrialState.RUNNING && c.state() != TrialState.WAITING) {
                    throw new IllegalArgumentException("trial " + c.number() + ": a new trial is running or waiting, not " + c.state().label());
                }
                if (c.retryOf() < -1 || c.retryOf() >= trials.size()) {
                    throw new IllegalArgumentException("trial " + c.number() + " retries trial " + c.retryOf() + ", which does not exist");
                }
                c.params().forEach((name, v) -> checkValue(c.number(), name, distributions.get(name), v));
            }
            case StudyEvent.Claimed c -> {
                if (existing(c.number()).state() != TrialState.WAITING) {
                    throw new IllegalArgumentException("trial " + c.number() + " is " + trials.get(c.number()).state().label() + ", not waiting");
                }
            }
            case StudyEvent.ParamSet p -> {
                TrialRecord t = running(p.number());
                if (t.params().containsKey(p.name())) {
                    throw new IllegalArgumentException("trial " + p.number() + " already has parameter '" + p.name() + "'");
                }
                Distribution known = distributions.get(p.name());
                if (known != null && !known.equals(p.distribution())) {
                    throw new IllegalArgumentException("parameter '" + p.name() + "' is " + known + " in this study, not " + p.distribution());
                }
                checkValue(p.number(), p.name(), p.distribution(), p.value());
            }
            case StudyEvent.Reported r -> {
                TrialRecord t = running(r.number());
                if (!t.intermediate().isEmpty() && r.step() <= t.lastStep()) {
                    throw new IllegalArgumentException("trial " + r.number() + ": report steps must increase, got " + r.step() + " after " + t.lastStep());
                }
            }
            case StudyEvent.Finished f -> {
                running(f.number());
                if (!f.state().finished()) {
                    throw new IllegalArgumentException("trial " + f.number() + " cannot finish as " + f.state().label());
                }
                if (f.state() == TrialState.COMPLETE) {
                    if (f.values().size() != header.directions().size()) {
                        throw new IllegalArgumentException("trial " + f.number() + ": " + f.values().size() + " values for a study of "
                                + header.directions().size() + " objective" + (header.directions().size() == 1 ? "" : "s") + " " + header.objectives());
                    }
                    if (f.values().stream().anyMatch(v -> Double.isNaN(v))) {
                        throw new IllegalArgumentException("trial " + f.number() + ": a complete trial's values must be numbers, got " + f.values());
                    }
                } else if (!f.values().isEmpty()) {
                    throw new IllegalArgumentException("trial " + f.number() + ": only a complete trial has values");
                }
            }
            case StudyEvent.Restarted r -> existing(r.number());
        }
    }

    /** Applies {@code e}, which {@link #check} accepted. */
    void apply(StudyEvent e) {
        switch (e) {
            case StudyEvent.Created c -> trials.add(TrialRecord.started(c.number(), ordered(c.params()), c.state(), c.retryOf(), c.owner()));
            case StudyEvent.Claimed c -> trials.set(c.number(), trials.get(c.number()).running(c.owner()));
            case StudyEvent.ParamSet p -> {
                distributions.putIfAbsent(p.name(), p.distribution());
                trials.set(p.number(), trials.get(p.number()).withParam(p.name(), p.value()));
            }
            case StudyEvent.Reported r -> trials.set(r.number(), trials.get(r.number()).withReport(r.step(), r.value()));
            case StudyEvent.Finished f -> trials.set(f.number(), trials.get(f.number()).finished(f.state(), f.values(), f.seconds(), f.message()));
            case StudyEvent.Restarted r -> {
                TrialRecord t = trials.get(r.number());
                trials.set(r.number(), TrialRecord.started(t.number(), t.params(), TrialState.RUNNING, t.retryOf(), t.owner()));
            }
        }
    }

    /** The parameters in the study's order (declared first, then as they were first suggested). */
    private Map<String, Double> ordered(Map<String, Double> params) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String name : distributions.keySet()) {
            if (params.containsKey(name)) {
                out.put(name, params.get(name));
            }
        }
        return out;
    }

    private TrialRecord existing(int number) {
        if (number < 0 || number >= trials.size()) {
            throw new IllegalArgumentException("trial " + number + " was never started");
        }
        return trials.get(number);
    }

    private TrialRecord running(int number) {
        TrialRecord t = existing(number);
        if (t.state() != TrialState.RUNNING) {
            throw new IllegalArgumentException("trial " + number + " is " + t.state().label() + ", not running");
        }
        return t;
    }

    private static void checkValue(int number, String name, Distribution d, double v) {
        if (d == null) {
            throw new IllegalArgumentException("trial " + number + ": parameter '" + name + "' is not in the study");
        }
        if (!d.contains(v)) {
            throw new IllegalArgumentException("trial " + number + ": " + name + " = " + v + " is outside " + d);
        }
    }
}
