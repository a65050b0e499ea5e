package dev.descent.cli;

import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.descent.data.DataLoader;
import dev.descent.data.Dataset;
import dev.descent.nn.Mlp;
import dev.descent.nn.MlpSpec;
import dev.descent.optim.Adam;
import dev.descent.optim.Optimizer;
import dev.descent.tensor.Generator;
import dev.descent.testing.RandomSets;
import dev.descent.train.RunDir;
import dev.descent.train.TrainConfig;
import dev.descent.train.TrainListener;
import dev.descent.train.Trainer;

import static org.assertj.core.api.Assertions.assertThat;

/** The listeners train's kernel warm-up runs: the run's kinds, and one checkpoint per warm-up trainer. */
class WarmupListenersTest {

    @TempDir
    Path tmp;

    @Test
    void theWarmupRunsListenersOfTheRunsKindsAndCheckpointsOnce() {
        MlpSpec spec = MlpSpec.of(12, List.of(10), 3);
        Mlp model = new Mlp(spec, new Generator(1));
        Optimizer<?> opt = Adam.adam(model.parameters(), 1e-3, 0, Adam.Options.defaults());
        List<TrainListener> warm = TrainingSession.warmupListeners().create(model, opt, tmp.resolve("scratch"));
        List<TrainListener> run = TrainingSession.listeners(List.of(new ConsoleProgress(new PrintWriter(Writer.nullWriter()), false)),
                RunDir.create(tmp.resolve("run")), List.of(), model, opt, Integer.MAX_VALUE);
        assertThat(warm).extracting(Object::getClass).containsExactlyElementsOf(run.stream().<Class<?>>map(Object::getClass).toList());

        // 20 steps, a validation every 5: the run's checkpointer would save four times, the warm-up's saves at the first.
        List<Dataset> parts = RandomSets.trainAndVal(spec.inDim(), spec.outDim(), 3, 320, 100);
        TrainConfig cfg = new TrainConfig(1, 1000, 5, 2, 50, 1, 0, null);
        Trainer t = new Trainer(model, opt, null, null, new DataLoader(parts.get(0), 16, true, false, true, new Generator(2)), parts.get(1), cfg, warm);
        t.fit();
        assertThat(t.step()).isEqualTo(20);
        assertThat(RunDir.existing(tmp.resolve("scratch")).readState().state().step()).as("the step of the only checkpoint").isEqualTo(5);
        assertThat(tmp.resolve("scratch").resolve(RunDir.METRICS)).isNotEmptyFile();
    }
}
