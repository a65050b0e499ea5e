package dev.descent.tune;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class SamplerTest {

    @Test
    void tpeBeatsRandomSearchOnBraninInAtLeastEightOfTenSeeds() {
        int wins = 0;
        StringBuilder log = new StringBuilder();
        for (long seed = 0; seed < 10; seed++) {
            double tpe = SyntheticObjectives.bestAfter(TpeSampler.multivariate(seed), SyntheticObjectives.braninSpace(), SyntheticObjectives::branin, 50);
            double rnd = SyntheticObjectives.bestAfter(new RandomSampler(seed), SyntheticObjectives.braninSpace(), SyntheticObjectives::branin, 50);
            log.append(String.format("seed %d: tpe %.4f random %.4f%n", seed, tpe, rnd));
            wins += tpe < rnd ? 1 : 0;
        }
        assertThat(wins).as(log.toString()).isGreaterThanOrEqualTo(8);
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

    private static SearchSpace mixedSpace() {
        return SearchSpace.of(List.of(
                new SearchSpace.Param("momentum", new Distribution.FloatRange(0.5, 0.99, false), new SearchSpace.Condition("optimizer", Set.of(0))),
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
        for (Sampler s : List.of(new RandomSampler(3), TpeSampler.withDefaults(3), new GridSampler(3, 3))) {
            List<TrialRecord> trials = new ArrayList<>();
            SplittableRandom noise = new SplittableRandom(1);
            for (int i = 0; i < 40; i++) {
                Map<String, Double> p = s.sample(space, trials, Direction.MINIMIZE, i);
                assertThat(space.accepts(p)).as(s + " " + p).isTrue();
                assertThat(p.containsKey("momentum")).isEqualTo(p.get("optimizer") == 0.0);
                trials.add(TrialRecord.started(i, p).finished(i % 5 == 4 ? TrialState.PRUNED : TrialState.COMPLETE, noise.nextDouble(), 0, ""));
            }
        }
    }

    @Test
    void logScaleSamplesSpreadOverDecades() {
        SearchSpace space = SearchSpace.of(List.of(new SearchSpace.Param("lr", new Distribution.FloatRange(1e-5, 1e-1, true), null)));
        RandomSampler r = new RandomSampler(7);
        int below1e3 = 0;
        for (int i = 0; i < 2000; i++) {
            below1e3 += r.sample(space, List.of(), Direction.MINIMIZE, i).get("lr") < 1e-3 ? 1 : 0;
        }
        assertThat(below1e3 / 2000.0).isBetween(0.45, 0.55); // half the decades lie below 1e-3
    }

    @Test
    void theGridVisitsEveryConditionalCombinationOnce() {
        SearchSpace space = SearchSpace.of(List.of(
                new SearchSpace.Param("optimizer", new Distribution.Categorical(List.of("sgd", "adam")), null),
                new SearchSpace.Param("momentum", new Distribution.FloatRange(0.5, 0.9, false), new SearchSpace.Condition("optimizer", Set.of(0))),
                new SearchSpace.Param("lr", new Distribution.FloatRange(1e-3, 1e-1, true), null)));
        GridSampler g = new GridSampler(0, 3);
        // sgd: 3 momenta × 3 lrs; adam: 3 lrs.
        assertThat(g.capacity(space).getAsLong()).isEqualTo(12);
        Set<Map<String, Double>> seen = new HashSet<>();
        for (int i = 0; i < 12; i++) {
            seen.add(g.sample(space, List.of(), Direction.MINIMIZE, i));
        }
        assertThat(seen).hasSize(12);
        List<Double> pts = g.points(new Distribution.FloatRange(1e-3, 1e-1, true));
        assertThat(pts).hasSize(3).startsWith(1e-3).endsWith(0.1);
        assertThat(pts.get(1)).isCloseTo(0.01, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(g.points(new Distribution.IntRange(1, 3, false))).containsExactly(1.0, 2.0, 3.0);
    }

    @Test
    void tpeSplitAndWeightsFollowOptunasDefaults() {
        assertThat(TpeSampler.gamma(1)).isEqualTo(1);
        assertThat(TpeSampler.gamma(10)).isEqualTo(1);
        assertThat(TpeSampler.gamma(11)).isEqualTo(2);
        assertThat(TpeSampler.gamma(1000)).isEqualTo(25);
        assertThat(TpeSampler.weights(3)).containsExactly(1, 1, 1);
        double[] w = TpeSampler.weights(30);
        assertThat(w[0]).isCloseTo(1 / 30.0, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(w[4]).isEqualTo(1.0);
        assertThat(w[29]).isEqualTo(1.0);
        assertThat(w[1]).isGreaterThan(w[0]);
    }

    @Test
    void theParzenEstimatorIsADensityAndFollowsOptunasBandwidthRule() {
        Distribution.FloatRange d = new Distribution.FloatRange(0, 10, false);
        ParzenEstimator pe = new ParzenEstimator(d, new double[] {2, 3, 9}, new double[] {1, 1, 1}, 1.0);
        double integral = 0;
        int n = 20000;
        for (int i = 0; i < n; i++) {
            integral += Math.exp(pe.logPdf((i + 0.5) * 10.0 / n)) * 10.0 / n;
        }
        assertThat(integral).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        // Discrete: the masses of the integers sum to one.
        ParzenEstimator pi = new ParzenEstimator(new Distribution.IntRange(1, 6, false), new double[] {2, 2, 5}, new double[] {1, 1, 1}, 1.0);
        double mass = 0;
        for (int k = 1; k <= 6; k++) {
            mass += Math.exp(pi.logPdf(k));
        }
        assertThat(mass).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
        // Categorical: kernel 0 puts 1 + 1/3 on choice 1 and 1/3 elsewhere (then normalised), the prior is uniform.
        ParzenEstimator pc = new ParzenEstimator(new Distribution.Categorical(List.of("a", "b", "c")), new double[] {1, 1}, new double[] {1, 1}, 1.0);
        double pb = (2 * ((1 + 1 / 3.0) / 2.0) + 1 / 3.0) / 3.0;
        assertThat(Math.exp(pc.logPdf(1))).isCloseTo(pb, org.assertj.core.data.Offset.offset(1e-12));
        SplittableRandom rng = new SplittableRandom(0);
        for (int i = 0; i < 1000; i++) {
            double x = pi.sample(rng);
            assertThat(x).isBetween(1.0, 6.0).matches(v -> v == Math.rint(v));
        }
    }

    @Test
    void normalQuantilesInvertTheDistributionFunction() {
        for (double p : new double[] {1e-9, 1e-4, 0.01, 0.3, 0.5, 0.8, 0.99, 1 - 1e-6}) {
            assertThat(Normal.cdf(Normal.inverseCdf(p))).isCloseTo(p, org.assertj.core.data.Percentage.withPercentage(1e-3));
        }
        assertThat(Normal.mass(8, 9)).isGreaterThan(0).isLessThan(1e-14);
    }
}
