package dev.descent.tune;

import java.util.Map;
import java.util.SplittableRandom;

/**
 * Independent uniform sampling (Optuna's {@code RandomSampler}): floats uniform, or log-uniform on a
 * log scale; integers uniform, or spread evenly in log space on a log scale; a choice uniformly.
 */
public record RandomSampler(long seed) implements Sampler {

    @Override
    public Map<String, Double> sample(SearchSpace space, SamplingContext context) {
        SplittableRandom rng = context.random(seed);
        return space.assign((p, assigned) -> draw(p.distribution(), rng));
    }

    /** One value of {@code d} drawn from its prior. */
    static double draw(Distribution d, SplittableRandom rng) {
        return switch (d) {
            case Distribution.FloatRange f -> f.log()
                    ? Math.min(f.high(), Math.max(f.low(), Math.exp(uniform(rng, Math.log(f.low()), Math.log(f.high())))))
                    : uniform(rng, f.low(), f.high());
            case Distribution.IntRange r -> {
                if (!r.log()) {
                    yield r.low() + rng.nextLong(r.size());
                }
                // As Optuna: uniform in [log(low − ½), log(high + ½)], rounded and clipped.
                double x = Math.exp(uniform(rng, Math.log(r.low() - 0.5), Math.log(r.high() + 0.5)));
                yield Math.min(r.high(), Math.max(r.low(), Math.round(x)));
            }
            case Distribution.Categorical c -> rng.nextInt(c.choices().size());
        };
    }

    private static double uniform(SplittableRandom rng, double lo, double hi) {
        return lo == hi ? lo : lo + (hi - lo) * rng.nextDouble();
    }
}
