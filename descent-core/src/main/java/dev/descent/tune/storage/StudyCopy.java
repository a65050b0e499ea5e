package dev.descent.tune.storage;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import dev.descent.tune.SearchSpace;
import dev.descent.tune.TrialRecord;
import dev.descent.tune.TrialState;

/**
 * Copies a study from one storage to another (a journal to PostgreSQL and back), trial by trial,
 * through the storages' ordinary calls, so the copy passes every rule a live study does. Each trial
 * keeps its number, parameters, intermediate values, state, values, time, message, owner and the trial
 * it retries; heartbeats are not copied. A copy that fails part-way is deleted.
 */
public final class StudyCopy {

    private StudyCopy() {
    }

    /**
     * Copies the study in {@code from} into {@code to}, where there must be none.
     *
     * @return the copy, as {@code to} reads it back
     * @throws dev.descent.io.InputException if {@code to} already holds a study, or {@code from} none (as {@code from.read()} says)
     */
    public static StudySnapshot copy(StudyStorage from, StudyStorage to) {
        StudySnapshot s = from.read();
        if (to.exists()) {
            throw new dev.descent.io.InputException(to.location() + " already holds a study");
        }
        to.create(s.header());
        try {
            Set<String> known = new HashSet<>();
            if (s.header().space() != null) {
                s.header().space().params().stream().map(SearchSpace.Param::name).forEach(known::add);
            }
            for (TrialRecord t : s.trials()) {
                copy(s, t, known, to);
                known.addAll(t.params().keySet());
            }
            return to.read();
        } catch (RuntimeException e) {
            to.delete();
            throw e;
        }
    }

    private static void copy(StudySnapshot s, TrialRecord t, Set<String> known, StudyStorage to) {
        // Parameters whose distribution the copy knows go with the trial; the first of each suggested one is set as it was.
        Map<String, Double> first = new LinkedHashMap<>();
        Map<String, Double> later = new LinkedHashMap<>();
        t.params().forEach((k, v) -> (known.contains(k) || t.state() == TrialState.WAITING ? first : later).put(k, v));
        TrialState start = t.state() == TrialState.WAITING ? TrialState.WAITING : TrialState.RUNNING;
        int n = to.startTrial(snap -> new TrialStart.Create(first, start, t.retryOf(), t.owner())).orElseThrow().number();
        if (n != t.number()) {
            throw new IllegalStateException("trial " + t.number() + " became " + n + " in the copy (another process wrote to it)");
        }
        if (start == TrialState.WAITING) {
            return;
        }
        later.forEach((k, v) -> to.setParam(n, k, s.distributions().get(k), v));
        t.intermediate().forEach((step, v) -> to.report(n, step, v));
        if (t.state().finished()) {
            to.finish(n, t.state(), t.values(), t.seconds(), t.message());
        }
    }
}
