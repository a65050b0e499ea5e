package dev.descent.tune;

import java.util.List;
import java.util.SplittableRandom;

/**
 * What a {@link Sampler} sees when it proposes trial {@code number}: every trial so far (finished,
 * running or waiting) and the objectives' directions.
 *
 * @param stream empty when the whole space is sampled; a parameter's name when one parameter is
 *               sampled as the trial asks for it, so that each such draw has a random stream of its own
 */
public record SamplingContext(List<TrialRecord> trials, List<Direction> directions, int number, String stream) {

    /** Copies the trials, so that the sampler sees the study as it was when asked. */
    public SamplingContext {
        trials = List.copyOf(trials);
        directions = List.copyOf(directions);
        stream = stream == null ? "" : stream;
    }

    /** A single-objective context for the whole space. */
    public static SamplingContext of(List<TrialRecord> trials, Direction direction, int number) {
        return new SamplingContext(trials, List.of(direction), number, "");
    }

    /**
     * The random stream of a sampler seeded with {@code seed} for this trial (and parameter): it depends
     * on nothing else, so a resumed study draws what an uninterrupted one would have from the same history.
     */
    public SplittableRandom random(long seed) {
        long salt = stream.isEmpty() ? 0 : 0x94D049BB133111EBL * (stream.hashCode() + 1L);
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + number * 0xBF58476D1CE4E5B9L + 1 + salt);
    }

    /** Whether the study has more than one objective. */
    public boolean multiObjective() {
        return directions.size() > 1;
    }

    /** The trials that are over and carry information: complete and pruned ones. */
    public List<TrialRecord> observed() {
        return trials.stream().filter(t -> t.state() == TrialState.COMPLETE || t.state() == TrialState.PRUNED).toList();
    }
}
