package dev.descent.tune.storage;

import java.util.List;
import java.util.Map;

import dev.descent.tune.Distribution;
import dev.descent.tune.StudyHeader;
import dev.descent.tune.TrialRecord;

/**
 * A study as read at one moment: its header, every trial by number, and the distribution of every
 * parameter any trial has (declared or suggested while running).
 *
 * @param tornTail whether the storage ended with a partial record (a write in progress, or one a crash
 *                 cut off), which the snapshot leaves out
 */
public record StudySnapshot(StudyHeader header, List<TrialRecord> trials, Map<String, Distribution> distributions, boolean tornTail) {

    /** Copies the trials and distributions, so that a snapshot does not change under its reader. */
    public StudySnapshot {
        trials = List.copyOf(trials);
        distributions = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(distributions));
    }
}
