package dev.descent.tune;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/** Test objectives with known minima, and a sampler loop that needs no study directory. */
final class SyntheticObjectives {

    private SyntheticObjectives() {
    }

    /** Branin on [-5, 10] × [0, 15]; minimum 0.397887 at three points. */
    static SearchSpace braninSpace() {
        return SearchSpace.of(List.of(
                new SearchSpace.Param("x1", new Distribution.FloatRange(-5, 10, false), null),
                new SearchSpace.Param("x2", new Distribution.FloatRange(0, 15, false), null)));
    }

    static double branin(Map<String, Double> p) {
        double x1 = p.get("x1");
        double x2 = p.get("x2");
        double b = 5.1 / (4 * Math.PI * Math.PI);
        double c = 5 / Math.PI;
        double t = 1 / (8 * Math.PI);
        return Math.pow(x2 - b * x1 * x1 + c * x1 - 6, 2) + 10 * (1 - t) * Math.cos(x1) + 10;
    }

    /** A 4-D quadratic with its minimum at (1, −2, 0.5, 3) on [-10, 10]⁴. */
    static SearchSpace quadraticSpace() {
        List<SearchSpace.Param> ps = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ps.add(new SearchSpace.Param("x" + i, new Distribution.FloatRange(-10, 10, false), null));
        }
        return SearchSpace.of(ps);
    }

    /** The quadratic plus Gaussian noise of standard deviation 0.1 (seeded by the trial). */
    static ToDoubleFunction<Map<String, Double>> noisyQuadratic(long seed) {
        double[] c = {1, -2, 0.5, 3};
        SplittableRandom rng = new SplittableRandom(seed);
        return p -> {
            double s = 0;
            for (int i = 0; i < 4; i++) {
                double d = p.get("x" + i) - c[i];
                s += d * d;
            }
            return s + 0.1 * rng.nextGaussian();
        };
    }

    /** Runs {@code n} sequential trials of {@code sampler} on {@code f} (minimised); the best value found. */
    static double bestAfter(Sampler sampler, SearchSpace space, ToDoubleFunction<Map<String, Double>> f, int n) {
        List<TrialRecord> trials = new ArrayList<>();
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            Map<String, Double> p = sampler.sample(space, SamplingContext.of(trials, Direction.MINIMIZE, i));
            double v = f.applyAsDouble(p);
            trials.add(TrialRecord.started(i, p).finished(TrialState.COMPLETE, List.of(v), 0, ""));
            best = Math.min(best, v);
        }
        return best;
    }
}
