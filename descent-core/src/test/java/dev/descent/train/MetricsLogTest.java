package dev.descent.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.descent.data.DataLoader;
import dev.descent.nn.Mlp;
import dev.descent.optim.Adam;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerSpec;
import dev.descent.tensor.Generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * The metrics log writes the history's rows in blocks (at every validation, every 200 steps, at the
 * end): the file must end as {@link RunDir#writeMetrics} writes the same history, and hold every row
 * up to a validation once that validation's step is reported.
 */
class MetricsLogTest {

    @TempDir
    Path tmp;

    /** Rows in the file (header excluded) as each step is reported, after the metrics log has run. */
    private static TrainListener rowCounter(Path file, Map<Integer, Integer> rowsAt) {
        return new TrainListener() {
            @Override
            public void onStep(Trainer t, StepReport r) {
                try {
                    rowsAt.put(r.step(), Files.readAllLines(file).size() - 1);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    private static Trainer trainer(RunDir dir, int epochs, int valFreq, TrainListener after) {
        Mlp model = Mlp.of(6, List.of(8), 3, 1);
        Optimizer<?> opt = new OptimizerSpec<>(Adam.ADAM, 0.01, 0, Adam.Options.defaults()).create(model.namedParameters());
        // 256 examples at batch 2: 128 steps an epoch.
        DataLoader loader = new DataLoader(TrainerTest.data(1), 2, true, false, true, new Generator(7));
        TrainConfig cfg = new TrainConfig(epochs, 1000, valFreq, 1, 32, 1, 0, null);
        List<TrainListener> listeners = new ArrayList<>(List.of(dir.metricsLog()));
        listeners.add(after);
        return new Trainer(model, opt, null, null, loader, TrainerTest.data(2), cfg, listeners);
    }

    /** A trainer fitted with the rows in the file counted at each step. */
    private record Counted(Trainer trainer, Map<Integer, Integer> rowsAt) {
    }

    private static Counted fitCounting(RunDir dir, int epochs, int valFreq) {
        Map<Integer, Integer> rowsAt = new TreeMap<>();
        Trainer t = trainer(dir, epochs, valFreq, rowCounter(dir.file(RunDir.METRICS), rowsAt));
        t.fit();
        return new Counted(t, rowsAt);
    }

    /** The file's lines, after checking that they are what {@link RunDir#writeMetrics} writes from the same history. */
    private List<String> loggedAsRewritten(RunDir dir, Trainer t) throws IOException {
        List<String> logged = Files.readAllLines(dir.file(RunDir.METRICS));
        RunDir again = RunDir.create(tmp.resolve("again-" + dir.path().getFileName()));
        again.writeMetrics(t.history());
        assertThat(logged).isEqualTo(Files.readAllLines(again.file(RunDir.METRICS)));
        return logged;
    }

    @Test
    void rowsReachTheFileInBlocksAndEndAsTheHistoryRewritten() throws IOException {
        RunDir dir = RunDir.create(tmp.resolve("run"));
        // No validation: 3 epochs of 128 steps, rows every 200 steps and at the end.
        Counted c = fitCounting(dir, 3, 0);
        assertThat(c.rowsAt()).contains(entry(1, 0), entry(199, 0), entry(200, 200), entry(384, 200));

        assertThat(loggedAsRewritten(dir, c.trainer())).as("the last 184 rows at the end").hasSize(385);
        List<String> logged = Files.readAllLines(dir.file(RunDir.METRICS));
        assertThat(logged.get(128).split(",", -1)[4]).as("no validation loss").isEmpty();
    }

    @Test
    void everyValidationFlushesTheRowsUpToIt() throws IOException {
        RunDir dir = RunDir.create(tmp.resolve("run"));
        Counted c = fitCounting(dir, 1, 7);
        // Validations after steps 7, 14, …, 126, and at the epoch's end (128).
        assertThat(c.rowsAt()).contains(entry(6, 0), entry(7, 7), entry(13, 7), entry(14, 14), entry(127, 126), entry(128, 128));
        List<String> logged = loggedAsRewritten(dir, c.trainer());
        assertThat(logged).hasSize(129);
        assertThat(logged.get(14).split(",", -1)[5]).as("validation accuracy at step 14").isNotEmpty();
    }

    @Test
    void aStoppedRunWritesItsLastRowsAtTheEnd() throws IOException {
        // Stopped at step 150: the 22 rows since the epoch's end are written when the run ends.
        RunDir dir = RunDir.create(tmp.resolve("run"));
        Trainer first = trainer(dir, 2, 1_000_000, new TrainListener() {
            @Override
            public void onStep(Trainer t, StepReport r) {
                if (r.step() == 150) {
                    t.requestStop();
                }
            }
        });
        first.fit();
        List<String> stopped = Files.readAllLines(dir.file(RunDir.METRICS));
        assertThat(stopped).as("the rows after the last block are written at the end").hasSize(151);

        RunDir full = RunDir.create(tmp.resolve("full"));
        Trainer straight = trainer(full, 2, 1_000_000, new TrainListener() { });
        straight.fit();
        List<String> all = loggedAsRewritten(full, straight);
        assertThat(all).hasSize(257);
        assertThat(stopped).isEqualTo(all.subList(0, 151));
    }
}
