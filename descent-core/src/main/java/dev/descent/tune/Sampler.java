package dev.descent.tune;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;

/**
 * Chooses the parameters of the next trial from the trials so far. A sampler's randomness comes from
 * its seed and the trial's number only, so a resumed study draws what an uninterrupted one would
 * have drawn from the same history.
 */
public sealed interface Sampler permits RandomSampler, GridSampler, TpeSampler {

    /**
     * The internal values (see {@link Distribution}) of every active parameter for trial
     * {@code number}.
     *
     * @param trials every trial so far, finished or running
     */
    Map<String, Double> sample(SearchSpace space, List<TrialRecord> trials, Direction direction, int number);

    /** How many distinct trials this sampler can propose, when that is finite (a grid). */
    default OptionalLong capacity(SearchSpace space) {
        return OptionalLong.empty();
    }

    /** The random stream for trial {@code number} of a sampler seeded with {@code seed}. */
    static SplittableRandom stream(long seed, int number) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + number * 0xBF58476D1CE4E5B9L + 1);
    }
}
