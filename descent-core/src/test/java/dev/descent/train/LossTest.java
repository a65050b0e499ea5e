package dev.descent.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.descent.data.DataLoader;
import dev.descent.nn.Mlp;
import dev.descent.optim.Sgd;
import dev.descent.tensor.F;
import dev.descent.tensor.Generator;
import dev.descent.tensor.Tensor;
import dev.descent.testing.GradCheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The MSE loss on one-hot targets (PyTorch's mean over all elements) in training and evaluation, and measurement columns. */
class LossTest {

    @TempDir
    Path tmp;

    @Test
    void mseIsTheMeanOverEveryElementAgainstOneHotTargets() {
        // F.mse_loss(torch.tensor([[1., 2.], [3., 4.]]), F.one_hot(torch.tensor([0, 1]), 2).float()) = (0 + 4 + 9 + 9) / 4 = 5.5
        Tensor scores = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        assertThat(Loss.MSE.mean(scores, new int[] {0, 1}, null).item()).isEqualTo(5.5f);
        assertThat(Loss.MSE.perExample(scores, new int[] {0, 1}, null)).containsExactly(2f, 9f);
        assertThat(F.oneHot(new int[] {2, 0}, 3).toArray()).containsExactly(0, 0, 1, 1, 0, 0);
        assertThat(F.oneHot(new int[] {2, 0}, 3).requiresGrad()).isFalse();
        assertThatThrownBy(() -> F.oneHot(new int[] {3}, 3)).hasMessageContaining("target 3 at position 0 is out of range for 3 classes");
        assertThatThrownBy(() -> Loss.MSE.mean(scores, new int[] {0, 1}, new float[] {1, 2})).hasMessageContaining("nll loss only");
        assertThat(TrainConfig.tutorial(1).withLoss(Loss.MSE).loss()).isEqualTo(Loss.MSE);
        assertThatThrownBy(() -> new TrainConfig(1, 1, 1, 1, 1, 1, 0, new float[] {1, 1, 1}, Loss.MSE)).hasMessageContaining("nll loss only, not mse");
        assertThat(Loss.NLL.label()).isEqualTo("nll");
    }

    @Test
    void bothLossesPassAFiniteDifferenceGradientCheck() {
        Generator g = new Generator(4);
        int[] y = {2, 0, 1, 2, 1};
        GradCheck.check("mse against one-hot", t -> Loss.MSE.mean(t[0], y, null), GradCheck.param(g, 5, 3));
        GradCheck.check("nll of log-softmax", t -> Loss.NLL.mean(t[0].logSoftmax(1), y, null), GradCheck.param(g, 5, 3));
        GradCheck.check("mse of an MLP's scores", t -> Loss.MSE.mean(t[0].matmul(t[1]).tanh().matmul(t[2]), y, null),
                GradCheck.param(g, 5, 4), GradCheck.param(g, 4, 6), GradCheck.param(g, 6, 3));
    }

    @Test
    void theMseLossReadsTheScoresBeforeTheLogSoftmaxAndTrains() {
        Mlp model = Mlp.of(6, List.of(8), 3, 1);
        Tensor x = TrainerTest.data(1).inputs();
        assertThat(Loss.MSE.output(model, x).toArray()).containsExactly(model.scores(x).toArray());
        assertThat(Loss.NLL.output(model, x).toArray()).containsExactly(model.scores(x).logSoftmax(1).toArray());
        DataLoader loader = new DataLoader(TrainerTest.data(1), 32, true, false, true, new Generator(3));
        TrainConfig cfg = TrainConfig.tutorial(4).withLoss(Loss.MSE);
        Trainer t = new Trainer(model, Sgd.create(model.parameters(), 0.5), null, null, loader, TrainerTest.data(2), cfg, List.of());
        t.fit();
        float[] loss = t.history().trainLoss();
        assertThat(loss[loss.length - 1]).isLessThan(loss[0] / 2);
        // Evaluation reports the same loss: the mean squared error over all N·C elements.
        Evaluation e = Evaluator.evaluate(model, TrainerTest.data(2), 100, Integer.MAX_VALUE, null, Loss.MSE);
        Tensor all = TrainerTest.data(2).inputs();
        assertThat(e.loss()).isCloseTo(Loss.MSE.mean(model.scores(all), TrainerTest.data(2).labels(), null).item(), within(1e-6));
        assertThat(e.accuracy()).isGreaterThan(0.8);
    }

    @Test
    void measurementsGoIntoTheirColumnsTheStateAndBackOnResume() throws Exception {
        History h = new History();
        for (int s = 1; s <= 6; s++) {
            h.addTrain(1, 1f / s, 0.5f);
        }
        h.addMetric("sharpness", 0, 1.5);
        h.addMetric("sharpness", 3, 2.5);
        h.addMetric("sharpness", 6, 3.5);
        assertThat(h.metricAt("sharpness", 3)).isEqualTo(2.5);
        assertThat(h.metricAt("sharpness", 4)).isNaN();
        assertThat(h.metricAt("other", 4)).isNaN();
        assertThatThrownBy(() -> h.addMetric("sharpness", 6, 1)).hasMessageContaining("step 6 after one at step 6");
        RunDir dir = RunDir.create(tmp.resolve("run"));
        dir.writeMetrics(h, List.of("sharpness", "two_over_lr"));
        List<String> lines = Files.readAllLines(dir.file(RunDir.METRICS));
        assertThat(lines.get(0)).isEqualTo("step,epoch,train_loss,train_acc,val_loss,val_acc,sharpness,two_over_lr");
        assertThat(lines.get(3)).endsWith(",,,2.5,");
        assertThat(lines.get(4)).endsWith(",,,,");
        h.truncate(4);
        assertThat(h.metricSteps("sharpness")).containsExactly(0, 3);
        assertThat(h.metricNames()).containsExactly("sharpness");
    }
}
