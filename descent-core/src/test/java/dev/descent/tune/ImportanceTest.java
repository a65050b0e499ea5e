package dev.descent.tune;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ImportanceTest {

    private static Map<String, Distribution> dists(SearchSpace s) {
        Map<String, Distribution> out = new LinkedHashMap<>();
        s.params().forEach(p -> out.put(p.name(), p.distribution()));
        return out;
    }

    private static List<TrialRecord> randomTrials(SearchSpace space, java.util.function.ToDoubleFunction<Map<String, Double>> f, int n, long seed) {
        List<TrialRecord> out = new ArrayList<>();
        RandomSampler r = new RandomSampler(seed);
        for (int i = 0; i < n; i++) {
            Map<String, Double> p = r.sample(space, SamplingContext.of(out, Direction.MINIMIZE, i));
            out.add(TrialRecord.started(i, p).finished(TrialState.COMPLETE, List.of(f.applyAsDouble(p)), 0, ""));
        }
        return out;
    }

    @Test
    void anIrrelevantParameterScoresNearZeroAndTheRankingFollowsTheEffect() {
        SearchSpace space = SearchSpace.of(List.of(
                new SearchSpace.Param("x", new Distribution.FloatRange(0, 1, false), null),
                new SearchSpace.Param("lr", new Distribution.FloatRange(1e-5, 1, true), null),
                new SearchSpace.Param("noise", new Distribution.FloatRange(-3, 3, false), null)));
        // x matters most, log10(lr) a little, noise not at all.
        List<TrialRecord> trials = randomTrials(space, p -> 10 * Math.pow(p.get("x") - 0.3, 2) + 0.05 * Math.pow(Math.log10(p.get("lr")) + 2, 2), 400, 1);
        Map<String, Double> imp = Importance.pedAnova(trials, dists(space), 0, Direction.MINIMIZE, 0.1);
        assertThat(imp.keySet()).containsExactly("x", "lr", "noise");
        assertThat(imp.values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(imp.get("noise")).as(imp.toString()).isLessThan(0.05);
        assertThat(imp.get("x")).as(imp.toString()).isGreaterThan(0.5);
        // Maximising the negated function gives the same answer.
        List<TrialRecord> negated = trials.stream().map(t -> t.finished(TrialState.COMPLETE, List.of(-t.value()), 0, "")).toList();
        assertThat(Importance.pedAnova(negated, dists(space), 0, Direction.MAXIMIZE, 0.1)).isEqualTo(imp);
    }

    @Test
    void aCategoricalThatDecidesTheOutcomeComesFirstAndAnIrrelevantIntegerLast() {
        SearchSpace space = SearchSpace.of(List.of(
                new SearchSpace.Param("optimizer", new Distribution.Categorical(List.of("sgd", "adam", "rmsprop")), null),
                new SearchSpace.Param("batch", new Distribution.IntRange(16, 1024, true), null),
                new SearchSpace.Param("seed", new Distribution.IntRange(0, 9, false), null)));
        List<TrialRecord> trials = randomTrials(space, p -> (p.get("optimizer") == 1.0 ? 0 : 1) + 0.1 * Math.abs(Math.log(p.get("batch") / 64)), 300, 2);
        Map<String, Double> imp = Importance.pedAnova(trials, dists(space), 0, Direction.MINIMIZE, 0.1);
        assertThat(imp.keySet()).as(imp.toString()).startsWith("optimizer").endsWith("seed");
        assertThat(imp.get("seed")).as(imp.toString()).isLessThan(0.1);
    }

    @Test
    void tooFewTrialsGiveNothingAndAConditionalParameterIsJudgedWhereItIsActive() {
        SearchSpace space = SamplerTest.mixedSpace();
        assertThat(Importance.pedAnova(List.of(), dists(space), 0, Direction.MINIMIZE, 0.1)).isEmpty();
        List<TrialRecord> trials = randomTrials(space, p -> p.containsKey("momentum") ? Math.abs(p.get("momentum") - 0.9) : 0.2, 300, 3);
        Map<String, Double> imp = Importance.pedAnova(trials, dists(space), 0, Direction.MINIMIZE, 0.1);
        assertThat(imp).containsKeys("momentum", "optimizer", "lr");
        assertThat(imp.get("momentum")).as(imp.toString()).isGreaterThan(imp.get("lr"));
    }
}
