package dev.descent.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class MultiObjectiveTest {

    /** ZDT1 on [0, 1]^4: f1 = x0, f2 = g (1 − √(f1/g)), g = 1 + 9·mean(x1..x3); the front is g = 1. */
    private static SearchSpace zdtSpace() {
        List<SearchSpace.Param> ps = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ps.add(new SearchSpace.Param("x" + i, new Distribution.FloatRange(0, 1, false), null));
        }
        return SearchSpace.of(ps);
    }

    private static double[] zdt1(Trial t) {
        double f1 = t.number("x0");
        double g = 1 + 9 * (t.number("x1") + t.number("x2") + t.number("x3")) / 3;
        return new double[] {f1, g * (1 - Math.sqrt(f1 / g))};
    }

    private static double hypervolume(Sampler sampler, int trials) {
        StudyHeader h = new StudyHeader(zdtSpace(), List.of(Direction.MINIMIZE, Direction.MINIMIZE), List.of("f1", "f2"), 0, null);
        try (Study s = Study.create(new dev.descent.tune.storage.InMemoryStorage(), h, sampler, null)) {
            s.optimizeMulti(MultiObjectiveTest::zdt1, Budget.ofTrials(trials), 1, null);
            List<TrialRecord> front = s.paretoFront();
            return Pareto.hypervolume2d(Pareto.losses(front, s.directions()), new double[] {1.1, 11});
        }
    }

    @Test
    void theParetoFrontHoldsExactlyTheUndominatedTrials() {
        StudyHeader h = new StudyHeader(zdtSpace(), List.of(Direction.MINIMIZE, Direction.MINIMIZE), List.of("f1", "f2"), 0, null);
        try (Study s = Study.create(new dev.descent.tune.storage.InMemoryStorage(), h, new RandomSampler(4), null)) {
            s.optimizeMulti(MultiObjectiveTest::zdt1, Budget.ofTrials(60), 1, null);
            List<TrialRecord> all = s.trials();
            List<TrialRecord> front = s.paretoFront();
            assertThat(front).isNotEmpty();
            for (TrialRecord t : all) {
                boolean dominated = all.stream().anyMatch(o -> Pareto.dominates(Pareto.losses(o, s.directions()), Pareto.losses(t, s.directions())));
                assertThat(front.contains(t)).as("trial %d", t.number()).isEqualTo(!dominated);
            }
            assertThat(front).isSortedAccordingTo((a, b) -> Double.compare(a.values().get(0), b.values().get(0)));
            assertThatThrownBy(s::best).hasMessageContaining("Pareto front");
            assertThatThrownBy(() -> s.optimize(t -> 1.0, Budget.ofTrials(1), 1, null)).hasMessageContaining("optimizeMulti");
        }
    }

    @Test
    void nsgaTwoAndMultiObjectiveTpeBeatRandomSearchOnZdt1AndTpeNeedsFewerTrials() {
        int nsga = 0;
        int tpe = 0;
        int tpeFirst = 0;
        StringBuilder log = new StringBuilder();
        for (long seed = 0; seed < 6; seed++) {
            double r = hypervolume(new RandomSampler(seed), 200);
            double n = hypervolume(new NsgaSampler(seed, 10, 0.9, 0), 200);
            double t = hypervolume(TpeSampler.multivariate(seed), 100);
            log.append(String.format("seed %d: random(200) %.3f nsga2(200) %.3f tpe(100) %.3f%n", seed, r, n, t));
            nsga += n > r ? 1 : 0;
            tpe += t > r ? 1 : 0;
            tpeFirst += t > n ? 1 : 0;
        }
        assertThat(nsga).as(log.toString()).isGreaterThanOrEqualTo(5);
        assertThat(tpe).as("TPE in half the trials\n" + log).isGreaterThanOrEqualTo(5);
        assertThat(tpeFirst).as("TPE in half the trials\n" + log).isGreaterThanOrEqualTo(4);
    }

    @Test
    void aStudyOfSeveralObjectivesPrunesOnTheNamedOne() {
        SearchSpace space = SearchSpace.of(List.of(new SearchSpace.Param("q", new Distribution.FloatRange(0, 1, false), null)));
        // accuracy (maximised, reported each epoch) and seconds (minimised, known only at the end); prune on accuracy.
        StudyHeader h = new StudyHeader(space, List.of(Direction.MAXIMIZE, Direction.MINIMIZE), List.of("accuracy", "seconds"), 0, null);
        try (Study s = Study.create(new dev.descent.tune.storage.InMemoryStorage(), h, new RandomSampler(7), new Pruner.Median(3, 0, 1))) {
            s.optimizeMulti(t -> {
                double q = t.number("q");
                for (int epoch = 1; epoch <= 5; epoch++) {
                    t.report(epoch, q * epoch / 5.0);
                    if (t.shouldPrune()) {
                        throw new TrialPrunedException("pruned at epoch " + epoch);
                    }
                }
                return new double[] {q, 10 * q};
            }, Budget.ofTrials(30), 1, null);
            List<TrialRecord> all = s.trials();
            List<TrialRecord> pruned = all.stream().filter(t -> t.state() == TrialState.PRUNED).toList();
            assertThat(pruned).hasSizeGreaterThanOrEqualTo(5).allMatch(t -> t.values().isEmpty());
            double medianQ = all.stream().filter(t -> t.state() == TrialState.COMPLETE).mapToDouble(t -> t.params().get("q")).sorted()
                    .toArray()[(int) all.stream().filter(t -> t.state() == TrialState.COMPLETE).count() / 2];
            assertThat(pruned).allMatch(t -> t.params().get("q") < Math.max(medianQ, 0.9), "pruned trials had low accuracy");
            assertThat(s.paretoFront()).allMatch(t -> t.values().size() == 2);
        }
    }
}
