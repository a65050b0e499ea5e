package dev.descent.tune;

import java.util.Map;
import java.util.OptionalLong;

/**
 * Chooses the parameters of the next trial from the trials so far (Optuna's {@code BaseSampler}).
 * Implement it to bring your own search strategy: a study calls {@link #sample} once when a trial
 * starts, for its declared space (or, for a study whose trials suggest their parameters as they run,
 * for the parameters every earlier trial had), and again with a one-parameter space for each
 * parameter a trial suggests that was not sampled then.
 *
 * <p>A sampler works on internal values (see {@link Distribution}) and must return a value for
 * every active parameter of the space (see {@link SearchSpace#assign}) and for no other. Take
 * randomness from {@link SamplingContext#random}, so that a resumed study draws what an uninterrupted
 * one would have drawn from the same history.
 */
public interface Sampler {

    /** The internal values of every active parameter of {@code space} for trial {@code context.number()}. */
    Map<String, Double> sample(SearchSpace space, SamplingContext context);

    /** How many distinct trials this sampler can propose in {@code space}, when that is finite (a grid). */
    default OptionalLong capacity(SearchSpace space) {
        return OptionalLong.empty();
    }
}
