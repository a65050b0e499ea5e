package dev.descent.benchmark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.descent.optim.OptimizerSpec;
import dev.descent.optim.Sgd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class BenchmarkTest {

    private static OptimizerSpec<?> sgd(double lr) {
        return new OptimizerSpec<>(Sgd.RULE, lr, 0, new Sgd.Options(0, 0, false));
    }

    @Test
    void quadraticDeepHasDeepObsSpectrumAndItsKnownOptimum() {
        QuadraticDeep q = new QuadraticDeep();
        double[] e = q.eigenvalues();
        assertThat(java.util.Arrays.stream(e, 0, 90)).allMatch(v -> v > 0 && v < 1);
        assertThat(java.util.Arrays.stream(e, 90, 100)).allMatch(v -> v > 30 && v < 60);
        // Q = Rᵀ D R with R orthogonal: Q is symmetric and its trace is the eigenvalues' sum.
        double[][] r = QuadraticDeep.haarOrthogonal(20, new dev.descent.tensor.Generator(7));
        for (int i = 0; i < 20; i++) {
            for (int j = 0; j < 20; j++) {
                double dot = 0;
                for (int k = 0; k < 20; k++) {
                    dot += r[k][i] * r[k][j];
                }
                assertThat(dot).isCloseTo(i == j ? 1 : 0, within(1e-12));
            }
        }
        double trace = java.util.Arrays.stream(e).sum();
        assertThat(q.optimalExpectedLoss()).isCloseTo(0.5 * 0.36 * trace, within(1e-9));
        // The test points average to ≈ 0, so θ = 0 gives nearly the expected optimum on them.
        assertThat(q.testLossAtOptimum()).isCloseTo(q.optimalExpectedLoss(), within(0.05 * q.optimalExpectedLoss()));
    }

    @Test
    void quadraticDeepTrainsTowardTheOptimumAndDivergesAboveTwoOverTheLargestEigenvalue() {
        QuadraticDeep q = new QuadraticDeep();
        ProblemRun good = q.run(sgd(0.02), new Budget(30, 128), 1);
        assertThat(good.diverged()).isFalse();
        assertThat(good.evalSteps()).hasSize(30);
        assertThat(good.evalSteps()[0]).isEqualTo(7);
        assertThat(good.finalMetric()).isLessThan(good.evalMetric()[0]);
        assertThat(good.testLoss()).isCloseTo(q.testLossAtOptimum(), within(0.1 * q.testLossAtOptimum()));
        ProblemRun bad = q.run(sgd(1.0), new Budget(30, 128), 1);
        assertThat(bad.diverged()).isTrue();
        assertThat(bad.finalMetric()).isNaN();
        // A seed changes the batch order only: the same seed gives the same run.
        assertThat(q.run(sgd(0.02), new Budget(3, 128), 5).evalMetric()).containsExactly(q.run(sgd(0.02), new Budget(3, 128), 5).evalMetric());
    }

    /** A problem whose validation accuracy peaks at lr 0.1 and grows by one hundredth of the seed. */
    private static final class Synthetic implements TestProblem {
        final List<String> calls = new ArrayList<>();

        @Override
        public String name() {
            return "synthetic";
        }

        @Override
        public String description() {
            return "a function of lr and seed";
        }

        @Override
        public boolean hasAccuracy() {
            return true;
        }

        @Override
        public Budget budget(Scale scale) {
            return new Budget(2, 10);
        }

        @Override
        public ProblemRun run(OptimizerSpec<?> optimizer, Budget budget, long seed) {
            calls.add(optimizer.lr() + "@" + seed);
            if (optimizer.lr() >= 1) {
                return new ProblemRun(new int[0], new double[0], new double[0], new float[] {Float.NaN}, Double.NaN, Double.NaN, 1, 0.1, true);
            }
            double peak = 0.9 - 0.1 * Math.abs(Math.log10(optimizer.lr() / 0.1)) + 0.001 * (seed % 10);
            return new ProblemRun(new int[] {5, 10}, new double[] {0.5, 1.0}, new double[] {peak - 0.05, peak}, new float[] {1, 0.5f}, 1 - peak, peak, 10, 1.0, false);
        }
    }

    @Test
    void theProtocolTunesOnOneSeedAndReusesThatRunAsTheFirstSeed() {
        Synthetic p = new Synthetic();
        Benchmark.Protocol proto = new Benchmark.Protocol(Benchmark.Protocol.logGrid(1e-3, 1, 1), 3, 10, Scale.MACHINE);
        assertThat(proto.lrGrid()).containsExactly(1e-3, 1e-2, 1e-1, 1);
        Benchmark.Result r = Benchmark.run(List.of(p), List.of(new Benchmark.Contender("sgd", BenchmarkTest::sgd)), proto, new Benchmark.Listener() {
        });
        Benchmark.ContenderResult c = r.problems().get(0).contenders().get(0);
        assertThat(c.bestLr()).isEqualTo(0.1);
        assertThat(c.tuning()).hasSize(4);
        assertThat(c.tuning().get(3).diverged()).isTrue();
        assertThat(c.seeds()).containsExactly(10, 11, 12);
        assertThat(p.calls).containsExactly("0.001@10", "0.01@10", "0.1@10", "1.0@10", "0.1@11", "0.1@12");
        Benchmark.ProblemResult pr = r.problems().get(0);
        assertThat(pr.target()).isCloseTo(0.901 - Benchmark.ACCURACY_TOLERANCE, within(1e-9));
        assertThat(pr.metrics().get("test_accuracy").entry("sgd").stats().mean()).isCloseTo(0.901, within(1e-12));
        // Every seed reaches the target at the second evaluation (step 10, 1 s).
        assertThat(pr.metrics().get("steps_to_target").entry("sgd").values()).containsExactly(10, 10, 10);
        assertThat(pr.metrics().get("seconds_to_target").entry("sgd").values()).containsExactly(1, 1, 1);
    }

    @Test
    void performanceProfilesCountProblemsWithinAFactorOfTheBest() {
        Map<String, double[]> costs = new LinkedHashMap<>();
        costs.put("a", new double[] {10, 20, Double.POSITIVE_INFINITY});
        costs.put("b", new double[] {20, 10, 30});
        Benchmark.Profile p = Benchmark.profile("steps", List.of("p1", "p2", "p3"), costs);
        assertThat(p.taus()[0]).isEqualTo(1);
        // a is best on p1, within 2× on p2, failed on p3; b best on p2 and p3, 2× on p1.
        assertThat(rho(p, "a", 1)).isCloseTo(1 / 3.0, within(1e-12));
        assertThat(rho(p, "a", 2)).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(rho(p, "b", 1)).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(rho(p, "b", 2)).isCloseTo(1, within(1e-12));
    }

    private static double rho(Benchmark.Profile p, String name, double tau) {
        double[] t = p.taus(), y = p.rho().get(name);
        // The first grid point at or past τ (the grid is log-spaced, so τ itself may fall between points).
        for (int i = 0; i < t.length; i++) {
            if (t[i] >= tau * (1 - 1e-9)) {
                return y[i];
            }
        }
        return y[y.length - 1];
    }
}
