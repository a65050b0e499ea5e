package dev.descent.analysis;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.descent.data.TensorDataset;
import dev.descent.nn.Activation;
import dev.descent.train.Loss;
import dev.descent.nn.Mlp;
import dev.descent.nn.MlpSpec;
import dev.descent.optim.OptimizerSpec;
import dev.descent.optim.TutorialRules;
import dev.descent.tensor.F;
import dev.descent.tensor.Generator;
import dev.descent.tensor.Grad;
import dev.descent.tensor.Tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The explore topics' numerical parts: the two-weight surface, optimizer paths, the minibatch race, sharpness. */
class ExperimentsTest {

    /** 300 examples of 5×5 "images" in [0, 1] with 4 classes, some pixels zero. */
    private static TensorDataset data(long seed) {
        Generator g = new Generator(seed);
        int n = 300;
        float[] x = new float[n * 25];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = g.nextInt(4);
            for (int p = 0; p < 25; p++) {
                x[i * 25 + p] = g.nextInt(3) == 0 ? 0f : (float) (g.nextDouble() * (1 + (p % 4 == y[i] ? 1 : 0)) / 2);
            }
        }
        return new TensorDataset(Tensor.of(x, n, 5, 5), y, 4);
    }

    @Test
    void surfaceValueIsTheModelsLossAndItsDerivativesMatchFiniteDifferences() {
        TensorDataset d = data(1);
        Mlp m = Mlp.of(25, List.of(), 4, 7);
        LinearModelSurface s = LinearModelSurface.of(d, m, 12, 1, 3, 1).withScales(0.7, 1.3).withFactor(3);
        double a = 0.4, u = -0.2;
        // The same point through the model: w_A = 0.7·a, w_B = 1.3·3·u.
        float[] w = m.linears().get(0).weight().data();
        w[25 + 12] = (float) (0.7 * a);
        w[3 * 25 + 12] = (float) (1.3 * 3 * u);
        try (var off = Grad.off()) {
            double direct = F.nllLoss(m.forward(d.flattened().inputs()), d.labels()).item();
            assertThat(s.value(a, u)).isCloseTo(direct, within(1e-5));
        }
        double h = 1e-5;
        double[] g = s.gradient(a, u);
        assertThat(g[0]).isCloseTo((s.value(a + h, u) - s.value(a - h, u)) / (2 * h), within(1e-7));
        assertThat(g[1]).isCloseTo((s.value(a, u + h) - s.value(a, u - h)) / (2 * h), within(1e-7));
        double[][] hess = s.hessian(a, u);
        for (int i = 0; i < 2; i++) {
            double[] gp = i == 0 ? s.gradient(a + h, u) : s.gradient(a, u + h), gm = i == 0 ? s.gradient(a - h, u) : s.gradient(a, u - h);
            for (int j = 0; j < 2; j++) {
                assertThat(hess[j][i]).as("H[%d][%d]", j, i).isCloseTo((gp[j] - gm[j]) / (2 * h), within(1e-6));
            }
        }
        assertThatThrownBy(() -> LinearModelSurface.of(d, m, 12, 2, 2, 1)).hasMessageContaining("two different");
        assertThatThrownBy(() -> LinearModelSurface.of(d, Mlp.of(25, List.of(3), 4, 1), 12, 0, 1, 1)).hasMessageContaining("linear");
    }

    @Test
    void rescalingMultipliesTheCurvatureAlongTheSecondAxis() {
        LinearModelSurface base = Conditioning.normalised(LinearModelSurface.of(data(2), Mlp.of(25, List.of(), 4, 3), 12, 0, 2, 1));
        Conditioning one = Conditioning.of(base, 1), ten = Conditioning.of(base, 10);
        double[][] h1 = base.hessian(one.minimum()[0], one.minimum()[1]);
        assertThat(h1[0][0]).isCloseTo(1, within(1e-6));
        assertThat(h1[1][1]).isCloseTo(1, within(1e-6));
        // The minimum moves to u*/10 and the curvature along u grows 100-fold.
        assertThat(ten.minimum()[1]).isCloseTo(one.minimum()[1] / 10, within(1e-6));
        assertThat(ten.surface().hessian(ten.minimum()[0], ten.minimum()[1])[1][1]).isCloseTo(100, within(1e-4));
        assertThat(ten.conditionNumber()).isGreaterThan(50 * one.conditionNumber());
        assertThat(ten.fMin()).isCloseTo(one.fMin(), within(1e-9));
    }

    /** f = ½(x² + 10 y²). */
    private static final Surface2D QUADRATIC = new Surface2D() {
        @Override
        public double value(double x, double y) {
            return 0.5 * (x * x + 10 * y * y);
        }

        @Override
        public double[] gradient(double x, double y) {
            return new double[] {x, 10 * y};
        }

        @Override
        public double[][] hessian(double x, double y) {
            return new double[][] {{1, 0}, {0, 10}};
        }
    };

    @Test
    void gradientDescentPathFollowsTheClosedForm() {
        Trajectory2D t = Trajectory2D.run(QUADRATIC, new OptimizerSpec<>(TutorialRules.GradientDescent.RULE, 0.1, 0, new TutorialRules.NoOptions()), 1, 1, 40);
        for (int k = 0; k <= 40; k++) {
            assertThat(t.x()[k]).isCloseTo(Math.pow(0.9, k), within(1e-6));
            assertThat(t.y()[k]).isCloseTo(k == 0 ? 1 : 0, within(1e-6)); // 1 − 0.1·10 = 0: one step
        }
        // f_k = ½·0.81^k once y is gone: ≤ 1e-4·f₀ = 5.5e-4 first at k = ⌈ln(1.1e-3)/ln(0.81)⌉ = 33.
        assertThat(t.stepsToConverge(0, 1e-4)).isEqualTo(33);
        assertThat(t.diverged()).isFalse();
        Trajectory2D far = Trajectory2D.run(QUADRATIC, new OptimizerSpec<>(TutorialRules.GradientDescent.RULE, 0.25, 0, new TutorialRules.NoOptions()), 1, 1, 500);
        assertThat(far.diverged()).as("lr above 2/λ_max = 0.2").isTrue();
        assertThat(far.loss().length).isLessThan(501);
        Trajectory2D early = Trajectory2D.run(QUADRATIC, new OptimizerSpec<>(TutorialRules.GradientDescent.RULE, 0.1, 0, new TutorialRules.NoOptions()), 1, 1, 5000, 1e-6);
        assertThat(early.loss().length).isLessThan(200);
        assertThat(QUADRATIC.minimise(3, -2, 1e-12, 50)).containsExactly(new double[] {0, 0}, within(1e-9));
        assertThat(Surface2D.eigenvalues(new double[][] {{2, 1}, {1, 2}})).containsExactly(new double[] {1, 3}, within(1e-12));
    }

    @Test
    void poolingAveragesBlocks() {
        float[] img = new float[16];
        for (int i = 0; i < 16; i++) {
            img[i] = i;
        }
        TensorDataset p = new TensorDataset(Tensor.of(img, 1, 4, 4), new int[] {0}, 1).pooled(2);
        assertThat(p.exampleShape()).containsExactly(2, 2);
        assertThat(p.inputs().data()).containsExactly(2.5f, 4.5f, 10.5f, 12.5f);
        assertThatThrownBy(() -> p.pooled(3)).hasMessageContaining("larger than");
    }

    @Test
    void minibatchRaceRecordsCurvesWithinTheBudget() {
        TensorDataset d = data(3);
        List<MinibatchRace.Curve> curves = MinibatchRace.run(d, new MinibatchRace.Config(MlpSpec.of(25, List.of(8), 4),
                new OptimizerSpec<>(TutorialRules.GradientDescent.RULE, 0.1, 0, new TutorialRules.NoOptions()), List.of(4, 1_000_000), 0.2, 100, 5, 1));
        assertThat(curves).hasSize(2);
        assertThat(curves.get(1).fullBatch()).isTrue();
        for (MinibatchRace.Curve c : curves) {
            assertThat(c.seconds()[c.seconds().length - 1]).isGreaterThanOrEqualTo(0.2);
            assertThat(c.steps()).isPositive();
            assertThat(c.loss()[0]).isEqualTo(curves.get(0).loss()[0]); // same initial weights
        }
        assertThat(curves.get(1).examples()[curves.get(1).examples().length - 1]).isEqualTo(300.0 * curves.get(1).steps());
    }

    @Test
    void sharpnessIsTheTopEigenvalueOfTheDenseHessian() {
        TensorDataset d = data(4).pooled(2);
        MlpSpec spec = new MlpSpec(4, List.of(3), 4, true, Activation.TANH);
        for (Loss loss : Loss.values()) {
            SharpnessListener.Settings how = new SharpnessListener.Settings(4, 40, 1e-9, true, MlpCurvature.Precision.FLOAT64, 3);
            EdgeOfStability.Run r = EdgeOfStability.run(d, new EdgeOfStability.Config(spec, loss, 8, how, 5), 0.5, List.of());
            assertThat(r.measuredAt()).containsExactly(0, 4, 8);
            assertThat(r.threshold()).isEqualTo(4);
            assertThat(r.loss()).hasSize(8);
            Mlp m = new Mlp(spec, new Generator(5));
            MlpCurvature c = new MlpCurvature(m, d.flattened().inputs(), d.labels(), loss, MlpCurvature.Precision.FLOAT64);
            double[] theta = MlpCurvature.flatten(m);
            double[] eig = SymmetricEigen.eigenvalues(Hessians.dense(v -> c.hvp(theta, v), c.size()));
            double top = eig[eig.length - 1];
            assertThat(r.sharpness()[0]).as("%s", loss).isCloseTo(top, within(1e-6 * Math.max(1, top)));
            assertThat(r.loss()[7]).isLessThan(r.loss()[0]);
            assertThat(r.sharpnessSeconds()).isPositive().isLessThanOrEqualTo(r.seconds());
        }
    }

    @Test
    void stepsToReachAndTheMeanRatioAfterAreComputedFromTheMeasurements() {
        // 2/lr = 4: reached at the third measurement (step 20), then 3.8 and 4.6 → ratios 0.95 and 1.15.
        EdgeOfStability.Run r = new EdgeOfStability.Run(0.5, new float[30], new int[] {0, 10, 20, 30, 40}, new double[] {1, 3.9, 4.0, 3.8, 4.6}, null, 1, 0.5, 10);
        assertThat(r.stepsToReach()).hasValue(20);
        assertThat(r.meanRatioAfter().getAsDouble()).isCloseTo(1.05, within(1e-12));
        assertThat(r.maxSharpness()).isEqualTo(4.6);
        EdgeOfStability.Run never = new EdgeOfStability.Run(0.5, new float[30], new int[] {0, 10}, new double[] {1, 3.9}, null, 1, 0.5, 10);
        assertThat(never.stepsToReach()).isEmpty();
        assertThat(never.meanRatioAfter()).isEmpty();
        EdgeOfStability.Run atLast = new EdgeOfStability.Run(0.5, new float[30], new int[] {0, 10}, new double[] {1, 4.1}, null, 1, 0.5, 10);
        assertThat(atLast.stepsToReach()).hasValue(10);
        assertThat(atLast.meanRatioAfter()).isEmpty();
    }
}
