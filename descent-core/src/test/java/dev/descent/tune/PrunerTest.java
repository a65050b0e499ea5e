package dev.descent.tune;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrunerTest {

    @TempDir
    Path tmp;

    /**
     * A learning curve: the loss after {@code step} of 27 epochs for a configuration whose final loss
     * is {@code x²} — curves do not cross, so an early look ranks trials right.
     */
    private static double curve(double x, int step) {
        return x * x + 1.0 / step;
    }

    private static SearchSpace oneParameter() {
        return SearchSpace.of(List.of(new SearchSpace.Param("x", new Distribution.FloatRange(-1, 1, false), null)));
    }

    private static Objective learningCurve() {
        return trial -> {
            double x = trial.number("x");
            for (int step = 1; step <= 27; step++) {
                trial.report(step, curve(x, step));
                if (trial.shouldPrune()) {
                    throw new TrialPrunedException("pruned at step " + step);
                }
            }
            return curve(x, 27);
        };
    }

    @Test
    void ashaStopsAtLeastHalfTheTrialsEarly() {
        try (Study s = Study.create(tmp.resolve("asha"), oneParameter(), Direction.MINIMIZE, new RandomSampler(1),
                new Pruner.SuccessiveHalving(1, 3, 0), null)) {
            s.optimize(learningCurve(), Budget.ofTrials(40), 1, null);
            List<TrialRecord> t = s.trials();
            long pruned = t.stream().filter(r -> r.state() == TrialState.PRUNED).count();
            assertThat(t).hasSize(40);
            assertThat(pruned).isGreaterThanOrEqualTo(20);
            // Pruned trials stopped at a rung: step 1, 3 or 9 with η = 3.
            assertThat(t.stream().filter(r -> r.state() == TrialState.PRUNED).map(TrialRecord::lastStep)).allMatch(st -> st == 1 || st == 3 || st == 9);
            // The best trial is never pruned: the pruned ones are all worse than the best complete one.
            double best = s.best().orElseThrow().value();
            assertThat(t.stream().filter(r -> r.state() == TrialState.PRUNED).mapToDouble(r -> curve(s.params(r).get("x") instanceof Double d ? d : 0, 27)))
                    .allMatch(v -> v >= best);
        }
    }

    @Test
    void ashaPromotesTheTopThirdAtEachRung() {
        Pruner.SuccessiveHalving sh = new Pruner.SuccessiveHalving(1, 3, 0);
        assertThat(sh.rungStep(0)).isEqualTo(1);
        assertThat(sh.rungStep(2)).isEqualTo(9);
        // Three trials have reached rung 0 with 0.1, 0.2, 0.3; a fourth with 0.25 is not in the top ⌊4/3⌋ = 1.
        List<TrialRecord> others = List.of(
                done(0, 0.1), done(1, 0.2), done(2, 0.3));
        TrialRecord mine = TrialRecord.started(3, java.util.Map.of("x", 0.0)).withReport(1, 0.25);
        assertThat(sh.prune(mine, append(others, mine), Direction.MINIMIZE)).isTrue();
        TrialRecord good = TrialRecord.started(3, java.util.Map.of("x", 0.0)).withReport(1, 0.05);
        assertThat(sh.prune(good, append(others, good), Direction.MINIMIZE)).isFalse();
        // Between rungs nothing is decided.
        TrialRecord between = good.withReport(2, 5.0);
        assertThat(sh.prune(between, append(others, between), Direction.MINIMIZE)).isFalse();
        // Maximising flips the order.
        assertThat(sh.prune(good, append(others, good), Direction.MAXIMIZE)).isTrue();
    }

    @Test
    void theMedianRulePrunesTrialsWorseThanTheMedianAtTheSameStep() {
        Pruner.Median m = new Pruner.Median(3, 0, 1);
        List<TrialRecord> done = List.of(done(0, 0.1), done(1, 0.2), done(2, 0.3));
        TrialRecord bad = TrialRecord.started(3, java.util.Map.of("x", 0.0)).withReport(1, 0.5);
        TrialRecord ok = TrialRecord.started(3, java.util.Map.of("x", 0.0)).withReport(1, 0.15);
        assertThat(m.prune(bad, append(done, bad), Direction.MINIMIZE)).isTrue();
        assertThat(m.prune(ok, append(done, ok), Direction.MINIMIZE)).isFalse();
        // Too few complete trials: never.
        assertThat(new Pruner.Median(5, 0, 1).prune(bad, append(done, bad), Direction.MINIMIZE)).isFalse();
        // Inside the warm-up: never.
        assertThat(new Pruner.Median(3, 2, 1).prune(bad, append(done, bad), Direction.MINIMIZE)).isFalse();
    }

    @Test
    void theMedianPrunerStopsTrialsInAStudy() {
        try (Study s = Study.create(tmp.resolve("median"), oneParameter(), Direction.MINIMIZE, new RandomSampler(2), Pruner.Median.withDefaults(), null)) {
            s.optimize(learningCurve(), Budget.ofTrials(30), 2, null);
            assertThat(s.trials().stream().filter(r -> r.state() == TrialState.PRUNED).count()).isGreaterThanOrEqualTo(8);
            assertThat(s.trials().stream().filter(r -> r.state() == TrialState.COMPLETE).count()).isGreaterThanOrEqualTo(5);
        }
    }

    private static TrialRecord done(int n, double at1) {
        return TrialRecord.started(n, java.util.Map.of("x", 0.0)).withReport(1, at1).withReport(2, at1 / 2).finished(TrialState.COMPLETE, List.of(at1 / 2), 1, "");
    }

    private static List<TrialRecord> append(List<TrialRecord> l, TrialRecord t) {
        java.util.ArrayList<TrialRecord> out = new java.util.ArrayList<>(l);
        out.add(t);
        return out;
    }
}
