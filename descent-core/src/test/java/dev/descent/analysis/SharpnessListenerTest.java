package dev.descent.analysis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.descent.data.DataLoader;
import dev.descent.data.TensorDataset;
import dev.descent.nn.Activation;
import dev.descent.nn.Mlp;
import dev.descent.nn.MlpSpec;
import dev.descent.optim.Optimizer;
import dev.descent.optim.Sgd;
import dev.descent.optim.schedule.LrScheduler;
import dev.descent.optim.schedule.Schedule;
import dev.descent.tensor.Generator;
import dev.descent.tensor.Tensor;
import dev.descent.train.Loss;
import dev.descent.train.RunDir;
import dev.descent.train.TrainConfig;
import dev.descent.train.TrainListener;
import dev.descent.train.Trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Sharpness measured during training: at the right steps, equal to the dense Hessian's top eigenvalue, logged. */
class SharpnessListenerTest {

    @TempDir
    Path tmp;

    private static TensorDataset data() {
        Generator g = new Generator(3);
        int n = 96;
        float[] x = new float[n * 5];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = g.nextInt(3);
            for (int f = 0; f < 5; f++) {
                x[i * 5 + f] = (float) (g.nextGaussian() * 0.7 + (f % 3 == y[i] ? 1 : 0));
            }
        }
        return new TensorDataset(Tensor.of(x, n, 5), y, 3);
    }

    @Test
    void everyNStepsTheColumnsHoldTheTopEigenvalueAndTwoOverTheCurrentLr() throws Exception {
        for (Loss loss : Loss.values()) {
            TensorDataset d = data();
            Mlp model = new Mlp(new MlpSpec(5, List.of(6), 3, true, Activation.TANH), new Generator(1));
            Tensor batch = Tensor.of(java.util.Arrays.copyOf(d.inputs().data(), 40 * 5), 40, 5);
            int[] labels = java.util.Arrays.copyOf(d.labels(), 40);
            SharpnessListener sharp = new SharpnessListener(model, batch, labels, loss, SharpnessListener.Settings.every(4));
            Optimizer<?> opt = Sgd.create(model.parameters(), 0.2);
            LrScheduler sched = new LrScheduler(opt, new Schedule.StepLr(6, 0.5));
            RunDir dir = RunDir.create(tmp.resolve(loss.label()));
            // The metrics log comes first: the measure hook runs before every onStep all the same.
            double[] atEight = new double[1];
            TrainListener snapshot = new TrainListener() {
                @Override
                public void onStep(Trainer t, StepReport r) {
                    if (r.step() == 8) {
                        MlpCurvature c = new MlpCurvature(model, batch, labels, loss, MlpCurvature.Precision.FLOAT64);
                        double[] th = MlpCurvature.flatten(model);
                        double[] ev = SymmetricEigen.eigenvalues(Hessians.dense(v -> c.hvp(th, v), c.size()));
                        atEight[0] = ev[ev.length - 1];
                    }
                }
            };
            DataLoader loader = new DataLoader(d, 32, true, false, true, new Generator(5));
            Trainer t = new Trainer(model, opt, sched, null, loader, null, TrainConfig.tutorial(4).withLoss(loss),
                    List.of(dir.metricsLog(SharpnessListener.COLUMNS), sharp, snapshot));
            t.fit();
            assertThat(t.history().metricSteps(SharpnessListener.SHARPNESS)).containsExactly(0, 4, 8, 12);
            assertThat(sharp.measurements()).isEqualTo(4);
            assertThat(sharp.products()).isGreaterThanOrEqualTo(4 * 3);
            assertThat(sharp.seconds()).isPositive();
            assertThat(sharp.examples()).isEqualTo(40);
            double at8 = t.history().metricAt(SharpnessListener.SHARPNESS, 8);
            assertThat(at8).as("%s", loss).isCloseTo(atEight[0], within(1e-4 * atEight[0]));
            // 2/lr is the next step's: the learning rate halves after steps 6 and 12, so 10, 10, 20, 40.
            assertThat(t.history().metricValues(SharpnessListener.TWO_OVER_LR)).containsExactly(new double[] {10, 10, 20, 40}, within(1e-9));
            List<String> lines = Files.readAllLines(dir.file(RunDir.METRICS));
            assertThat(lines.get(0)).endsWith(",sharpness,two_over_lr");
            String[] row8 = lines.get(8).split(",", -1);
            assertThat(row8[0]).isEqualTo("8");
            assertThat(Double.parseDouble(row8[6])).isEqualTo(at8);
            assertThat(Double.parseDouble(row8[7])).isEqualTo(20.0);
            assertThat(lines.get(7).split(",", -1)[6]).isEmpty();
            assertThat(lines).hasSize(13);
            // A checkpoint keeps the measurements, and a resumed trainer has them up to its step.
            dir.checkpoint(model, opt, t);
            RunDir.Saved saved = dir.readState();
            assertThat(saved.history().metricValues(SharpnessListener.SHARPNESS)).containsExactly(t.history().metricValues(SharpnessListener.SHARPNESS));
            Trainer again = new Trainer(model, opt, null, null, loader, null, TrainConfig.tutorial(4).withLoss(loss), List.of());
            saved.history().truncate(9);
            // Step 9 at 3 batches per epoch is the start of epoch 3 (0-based): restore checks the state fits the run.
            again.restore(new dev.descent.train.TrainerState(9, 3, 0, null, 0, null, Double.POSITIVE_INFINITY, 0, 0, 0), saved.history());
            assertThat(again.history().metricSteps(SharpnessListener.TWO_OVER_LR)).containsExactly(0, 4, 8);
        }
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> SharpnessListener.Settings.every(0)).hasMessageContaining("positive number of steps");
        assertThatThrownBy(() -> new SharpnessListener.Settings(1, 1, 1e-3, true, null, 0)).hasMessageContaining("at least 2 iterations");
        assertThatThrownBy(() -> new SharpnessListener.Settings(1, 5, 0, true, null, 0)).hasMessageContaining("tolerance");
        assertThat(new SharpnessListener.Settings(1, 5, 0.1, true, null, 0).precision()).isEqualTo(MlpCurvature.Precision.FLOAT32);
    }
}
