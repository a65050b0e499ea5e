package dev.descent.cli;

import java.util.List;

import dev.descent.data.DataLoader;
import dev.descent.data.Dataset;
import dev.descent.nn.Mlp;
import dev.descent.nn.MlpSpec;
import dev.descent.optim.OptimizerSpec;
import dev.descent.plot.Charts;
import dev.descent.tensor.Generator;
import dev.descent.train.Evaluation;
import dev.descent.train.Evaluator;
import dev.descent.train.History;
import dev.descent.train.Loss;
import dev.descent.train.TrainConfig;
import dev.descent.train.TrainResult;
import dev.descent.train.Trainer;

/** The library's {@link Trainer}, run quietly for the explore topics that train an MLP. */
final class ExploreTraining {

    /** One finished run. */
    record Run(String name, Mlp model, History history, Evaluation test, TrainResult result) {
        /** The mean training loss over the last tenth of the steps (a per-step loss is noisy). */
        double finalTrainLoss() {
            int n = history.steps();
            return history.meanTrainLoss(Math.max(0, n - Math.max(1, n / 10)), n);
        }

        /** The per-step training loss in {@code color}: raw and faint, with its debiased EMA over it. */
        List<Charts.Series> curve(java.awt.Color color) {
            float[] l = history.trainLoss();
            return Charts.rawAndSmoothed(name, Charts.steps(l.length), Charts.doubles(l), color);
        }
    }

    private ExploreTraining() {
    }

    /**
     * Trains an MLP of {@code spec} with {@code optimizer} for {@code epochs} epochs of shuffled
     * batches and evaluates it on {@code test}; the same seed gives the same initial weights and batch
     * order whatever the optimizer.
     */
    static Run fit(String name, MlpSpec spec, OptimizerSpec<?> optimizer, Dataset train, Dataset test, int epochs, int batchSize, long seed) {
        return fit(name, new Mlp(spec, new Generator(seed)), optimizer, Loss.NLL, train, test, epochs, batchSize, seed);
    }

    /** Trains {@code model} (already initialised) with {@code loss}; otherwise as above. */
    static Run fit(String name, Mlp model, OptimizerSpec<?> optimizer, Loss loss, Dataset train, Dataset test, int epochs, int batchSize, long seed) {
        DataLoader loader = new DataLoader(train, batchSize, true, false, true, new Generator(seed + 1));
        TrainConfig cfg = new TrainConfig(epochs, Integer.MAX_VALUE, 0, 1, 256, 1, 0, null, loss);
        Trainer trainer = new Trainer(model, optimizer.create(model.parameters()), null, null, loader, null, cfg, List.of());
        TrainResult r = trainer.fit();
        Evaluation e = test == null ? null : Evaluator.evaluate(model, test, 1000, Integer.MAX_VALUE, null, loss);
        return new Run(name, model, trainer.history(), e, r);
    }
}
