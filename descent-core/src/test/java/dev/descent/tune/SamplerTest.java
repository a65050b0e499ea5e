package dev.descent.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class SamplerTest {

    @Test
    void bothTpeModesBeatRandomSearchOnBraninInAtLeastEightOfTenSeeds() {
        for (boolean multivariate : new boolean[] {false, true}) {
            int wins = 0;
            StringBuilder log = new StringBuilder();
            for (long seed = 0; seed < 10; seed++) {
                Sampler tpe = multivariate ? TpeSampler.multivariate(seed) : TpeSampler.withDefaults(seed);
                double t = SyntheticObjectives.bestAfter(tpe, SyntheticObjectives.braninSpace(), SyntheticObjectives::branin, 50);
                double r = SyntheticObjectives.bestAfter(new RandomSampler(seed), SyntheticObjectives.braninSpace(), SyntheticObjectives::branin, 50);
                log.append(String.format("seed %d: tpe %.4f random %.4f%n", seed, t, r));
                wins += t < r ? 1 : 0;
            }
            assertThat(wins).as((multivariate ? "multivariate\n" : "independent\n") + log).isGreaterThanOrEqualTo(8);
        }
    }

    @Test
    void tpeBeatsRandomSearchOnANoisyQuadraticInAtLeastEightOfTenSeeds() {
        int wins = 0;
        StringBuilder log = new StringBuilder();
        for (long seed = 0; seed < 10; seed++) {
            double tpe = SyntheticObjectives.bestAfter(TpeSampler.multivariate(seed), SyntheticObjectives.quadraticSpace(),
                    SyntheticObjectives.noisyQuadratic(seed + 100), 50);
            double rnd = SyntheticObjectives.bestAfter(new RandomSampler(seed), SyntheticObjectives.quadraticSpace(),
                    SyntheticObjectives.noisyQuadratic(seed + 100), 50);
            log.append(String.format("seed %d: tpe %.4f random %.4f%n", seed, tpe, rnd));
            wins += tpe < rnd ? 1 : 0;
        }
        assertThat(wins).as(log.toString()).isGreaterThanOrEqualTo(8);
    }

    static SearchSpace mixedSpace() {
        return SearchSpace.of(List.of(
                new SearchSpace.Param("momentum", new Distribution.FloatRange(0.5, 0.99, false), new SearchSpace.Condition("optimizer", Set.of(0))),
                new SearchSpace.Param("nesterov", new Distribution.Categorical(List.of(false, true)), new SearchSpace.Condition("optimizer", Set.of(0))),
                new SearchSpace.Param("optimizer", new Distribution.Categorical(List.of("sgd", "adam", "rmsprop")), null),
                new SearchSpace.Param("lr", new Distribution.FloatRange(1e-4, 1e-1, true), null),
                new SearchSpace.Param("batch", new Distribution.IntRange(16, 512, true), null),
                new SearchSpace.Param("hidden", new Distribution.Categorical(List.of(List.of(200, 100, 50), List.of(512), List.of())), null),
                new SearchSpace.Param("layers", new Distribution.IntRange(1, 4, false), null)));
    }

    @Test
    void everySamplerRespectsRangesScalesAndConditions() {
        SearchSpace space = mixedSpace();
        assertThat(space.params().get(0).name()).as("parents first").isEqualTo("optimizer");
        List<Sampler> samplers = List.of(new RandomSampler(3), TpeSampler.withDefaults(3), TpeSampler.multivariate(3), new GridSampler(3, 3), NsgaSampler.withDefaults(3));
        for (Sampler s : samplers) {
            List<TrialRecord> trials = new ArrayList<>();
            SplittableRandom noise = new SplittableRandom(1);
            for (int i = 0; i < 60; i++) {
                Map<String, Double> p = s.sample(space, SamplingContext.of(trials, Direction.MINIMIZE, i));
                assertThat(space.accepts(p)).as(s + " " + p).isTrue();
                assertThat(p.containsKey("momentum")).isEqualTo(p.get("optimizer") == 0.0);
                TrialRecord t = TrialRecord.started(i, p);
                trials.add(i % 5 == 4 ? t.withReport(1, noise.nextDouble()).finished(TrialState.PRUNED, List.of(), 0, "")
                        : t.finished(TrialState.COMPLETE, List.of(noise.nextDouble()), 0, ""));
            }
        }
    }

    @Test
    void theSamePlaceInTheSameHistoryDrawsTheSameValuesAndParametersDrawnAloneDiffer() {
        SearchSpace one = SearchSpace.of(List.of(new SearchSpace.Param("x", new Distribution.FloatRange(0, 1, false), null)));
        Sampler s = TpeSampler.multivariate(9);
        List<TrialRecord> none = List.of();
        assertThat(s.sample(one, SamplingContext.of(none, Direction.MINIMIZE, 4))).isEqualTo(s.sample(one, SamplingContext.of(none, Direction.MINIMIZE, 4)));
        double a = s.sample(one, new SamplingContext(none, List.of(Direction.MINIMIZE), 4, "a")).get("x");
        double b = s.sample(one, new SamplingContext(none, List.of(Direction.MINIMIZE), 4, "b")).get("x");
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void logScaleSamplesSpreadOverDecades() {
        SearchSpace space = SearchSpace.of(List.of(new SearchSpace.Param("lr", new Distribution.FloatRange(1e-5, 1e-1, true), null)));
        RandomSampler r = new RandomSampler(7);
        int below1e3 = 0;
        for (int i = 0; i < 2000; i++) {
            below1e3 += r.sample(space, SamplingContext.of(List.of(), Direction.MINIMIZE, i)).get("lr") < 1e-3 ? 1 : 0;
        }
        assertThat(below1e3 / 2000.0).isBetween(0.45, 0.55); // half the decades lie below 1e-3
    }

    @Test
    void theGridVisitsEveryConditionalCombinationOnceAndNeedsADeclaredSpace() {
        SearchSpace space = SearchSpace.of(List.of(
                new SearchSpace.Param("optimizer", new Distribution.Categorical(List.of("sgd", "adam")), null),
                new SearchSpace.Param("momentum", new Distribution.FloatRange(0.5, 0.9, false), new SearchSpace.Condition("optimizer", Set.of(0))),
                new SearchSpace.Param("lr", new Distribution.FloatRange(1e-3, 1e-1, true), null)));
        GridSampler g = new GridSampler(0, 3);
        // sgd: 3 momenta × 3 lrs; adam: 3 lrs.
        assertThat(g.capacity(space).getAsLong()).isEqualTo(12);
        Set<Map<String, Double>> seen = new HashSet<>();
        List<TrialRecord> trials = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Map<String, Double> p = g.sample(space, SamplingContext.of(trials, Direction.MINIMIZE, i));
            seen.add(p);
            trials.add(TrialRecord.started(i, p));
        }
        assertThat(seen).hasSize(12);
        List<Double> pts = g.points(new Distribution.FloatRange(1e-3, 1e-1, true));
        assertThat(pts).hasSize(3).startsWith(1e-3).endsWith(0.1);
        assertThat(pts.get(1)).isCloseTo(0.01, Offset.offset(1e-12));
        assertThat(g.points(new Distribution.IntRange(1, 3, false))).containsExactly(1.0, 2.0, 3.0);
        assertThatThrownBy(() -> g.sample(space, new SamplingContext(List.of(), List.of(Direction.MINIMIZE), 0, "dropout")))
                .hasMessageContaining("declared search space");
    }

    @Test
    void tpeSplitsOffTheBestTenPercentUpToTwentyFive() {
        assertThat(TpeSampler.gamma(1)).isEqualTo(1);
        assertThat(TpeSampler.gamma(10)).isEqualTo(1);
        assertThat(TpeSampler.gamma(11)).isEqualTo(2);
        assertThat(TpeSampler.gamma(1000)).isEqualTo(25);
        assertThatThrownBy(() -> new TpeSampler(0, 10, 24, 1, false, List.of())).hasMessageContaining("clip exponents");
        assertThatThrownBy(() -> new TpeSampler(0, 10, 0, 1, false, List.of(1.0))).hasMessageContaining("candidates");
    }

    @Test
    void theParzenEstimatorIsADensityInEveryKindOfDimension() {
        Distribution.FloatRange d = new Distribution.FloatRange(0, 10, false);
        ParzenEstimator pe = new ParzenEstimator(d, new double[] {2, 3, 9}, new double[] {1, 2, 1}, 1.0, 2.0);
        double integral = 0;
        int n = 20000;
        for (int i = 0; i < n; i++) {
            integral += Math.exp(pe.logPdf(new double[] {(i + 0.5) * 10.0 / n})) * 10.0 / n;
        }
        assertThat(integral).isCloseTo(1.0, Offset.offset(1e-4));
        // Two dimensions, one on a log scale: the density in log space integrates to one.
        Distribution.FloatRange lr = new Distribution.FloatRange(1e-4, 1, true);
        ParzenEstimator pe2 = new ParzenEstimator(List.of(d, lr), new double[][] {{2, 1e-3}, {7, 0.3}}, new double[] {1, 1}, 1.0, 1.0);
        double area = 0;
        int m = 400;
        double logSpan = Math.log(1) - Math.log(1e-4);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                double x = (i + 0.5) * 10.0 / m;
                double u = Math.log(1e-4) + (j + 0.5) * logSpan / m;
                area += Math.exp(pe2.logPdf(new double[] {x, Math.exp(u)})) * (10.0 / m) * (logSpan / m);
            }
        }
        assertThat(area).isCloseTo(1.0, Offset.offset(2e-3));
        // Discrete: the masses of the integers sum to one, with and without a log scale.
        for (Distribution.IntRange r : List.of(new Distribution.IntRange(1, 6, false), new Distribution.IntRange(1, 64, true))) {
            ParzenEstimator pi = new ParzenEstimator(r, new double[] {2, 2, 5}, new double[] {1, 1, 1}, 1.0, 2.0);
            double mass = 0;
            for (long k = r.low(); k <= r.high(); k++) {
                mass += Math.exp(pi.logPdf(new double[] {k}));
            }
            assertThat(mass).as(r.toString()).isCloseTo(1.0, Offset.offset(1e-6));
            SplittableRandom rng = new SplittableRandom(0);
            for (int i = 0; i < 500; i++) {
                double x = pi.sample(rng)[0];
                assertThat(r.contains(x)).as(r + " " + x).isTrue();
            }
        }
        // Categorical: kernel 0 puts 1 + 1/3 on choice 1 and 1/3 elsewhere (then normalised), the prior is uniform.
        ParzenEstimator pc = new ParzenEstimator(new Distribution.Categorical(List.of("a", "b", "c")), new double[] {1, 1}, new double[] {1, 1}, 1.0, 2.0);
        double pb = (2 * ((1 + 1 / 3.0) / 2.0) + 1 / 3.0) / 3.0;
        assertThat(Math.exp(pc.logPdf(new double[] {1}))).isCloseTo(pb, Offset.offset(1e-12));
        // Scaling every weight (as the EI weighting does) leaves a categorical estimate unchanged.
        ParzenEstimator scaled = new ParzenEstimator(new Distribution.Categorical(List.of("a", "b", "c")), new double[] {1, 1}, new double[] {0.01, 0.01}, 0.01, 2.0);
        assertThat(Math.exp(scaled.logPdf(new double[] {1}))).isCloseTo(pb, Offset.offset(1e-12));
    }

    @Test
    void kernelsNarrowWithTheirNeighboursDownToTheClip() {
        // Observations 2, 3, 9 on [0, 10]: the kernel at 2 has width 1 (the outermost use their inner gap),
        // those at 3 and 9 width 6; the clip is 10 · max(0.01, 5^-α): 2 for α = 1, 0.4 for α = 2.
        Distribution.FloatRange d = new Distribution.FloatRange(0, 10, false);
        ParzenEstimator a1 = new ParzenEstimator(d, new double[] {2, 3, 9}, new double[] {1, 1, 1}, 1.0, 1.0);
        ParzenEstimator a2 = new ParzenEstimator(d, new double[] {2, 3, 9}, new double[] {1, 1, 1}, 1.0, 2.0);
        // With α = 1 the first kernel's width 1 is clipped up to 2; with α = 2 (clip 0.4) it stays 1,
        // so the density next to 2 is higher.
        assertThat(a2.logPdf(new double[] {2.0})).isGreaterThan(a1.logPdf(new double[] {2.0}));
        // Far from every observation the two agree more closely than near one.
        double near = a2.logPdf(new double[] {2.0}) - a1.logPdf(new double[] {2.0});
        double far = Math.abs(a2.logPdf(new double[] {6.0}) - a1.logPdf(new double[] {6.0}));
        assertThat(far).isLessThan(near);
    }

    @Test
    void normalQuantilesInvertTheDistributionFunction() {
        for (double p : new double[] {1e-9, 1e-4, 0.01, 0.3, 0.5, 0.8, 0.99, 1 - 1e-6}) {
            assertThat(Normal.cdf(Normal.inverseCdf(p))).isCloseTo(p, org.assertj.core.data.Percentage.withPercentage(1e-3));
        }
        assertThat(Normal.mass(8, 9)).isGreaterThan(0).isLessThan(1e-14);
    }
}
