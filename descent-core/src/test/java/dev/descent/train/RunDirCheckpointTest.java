package dev.descent.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.descent.io.Checkpoint;
import dev.descent.nn.Mlp;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A checkpoint is one unit: a kill between its three files leaves either the previous checkpoint or
 * the new one whole, never a model of one step with a trainer state of another.
 */
class RunDirCheckpointTest {

    @TempDir
    Path tmp;

    private static TrainerTest.Run checkpointAt(RunDir dir, int step) {
        TrainerTest.Run r = TrainerTest.run(List.of(new TrainListener() {
            @Override
            public void onStep(Trainer t, StepReport s) {
                if (s.step() == step) {
                    dir.checkpoint((Mlp) t.model(), t.optimizer(), t);
                    t.requestStop();
                }
            }
        }));
        r.trainer().fit();
        return r;
    }

    @Test
    void aSetKilledBeforeItsTrainerStateIsDroppedAndTheLastCompleteOneKept() throws IOException {
        Path d = tmp.resolve("run");
        RunDir dir = RunDir.create(d);
        checkpointAt(dir, 5);
        byte[] model5 = Files.readAllBytes(d.resolve(RunDir.MODEL));
        // A later checkpoint killed after its model and optimizer, before its trainer state.
        Path other = tmp.resolve("other");
        checkpointAt(RunDir.create(other), 9);
        Files.copy(other.resolve(RunDir.MODEL), d.resolve(RunDir.MODEL + ".next"));
        Files.copy(other.resolve(RunDir.OPTIMIZER), d.resolve(RunDir.OPTIMIZER + ".next"));
        // And part of its history's append to the log.
        Files.write(d.resolve(RunDir.HISTORY), Arrays.copyOf(Files.readAllBytes(other.resolve(RunDir.HISTORY)), 40), StandardOpenOption.APPEND);
        // And the temporary file of the trainer state's write, cut short.
        Files.writeString(d.resolve("." + RunDir.STATE + ".next.12345.part"), "{\"state\": {\"st");

        RunDir resumed = RunDir.existing(d);
        RunDir.Saved saved = resumed.readState();
        assertThat(saved.state().step()).isEqualTo(5);
        assertThat(saved.history().steps()).isEqualTo(5);
        assertThat(d.resolve("." + RunDir.STATE + ".next.12345.part")).doesNotExist();
        assertThat(Files.readAllBytes(d.resolve(RunDir.MODEL))).isEqualTo(model5);
        assertThat(d.resolve(RunDir.MODEL + ".next")).doesNotExist();
        assertThat(d.resolve(RunDir.OPTIMIZER + ".next")).doesNotExist();
    }

    @Test
    void aSetKilledBetweenItsRenamesIsFinished() throws IOException {
        Path d = tmp.resolve("run");
        checkpointAt(RunDir.create(d), 5);
        Path other = tmp.resolve("other");
        checkpointAt(RunDir.create(other), 9);
        // Killed after the model was renamed into place: optimizer and trainer state still .next.
        Files.copy(other.resolve(RunDir.MODEL), d.resolve(RunDir.MODEL), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(other.resolve(RunDir.OPTIMIZER), d.resolve(RunDir.OPTIMIZER + ".next"));
        Files.copy(other.resolve(RunDir.STATE), d.resolve(RunDir.STATE + ".next"));
        // Its history was appended to the log before its trainer state was written: the log the .next state covers.
        Files.copy(other.resolve(RunDir.HISTORY), d.resolve(RunDir.HISTORY), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        RunDir resumed = RunDir.existing(d);
        RunDir.Saved saved = resumed.readState();
        assertThat(saved.state().step()).isEqualTo(9);
        assertThat(saved.history().steps()).isEqualTo(9);
        assertThat(Files.readAllBytes(d.resolve(RunDir.OPTIMIZER))).isEqualTo(Files.readAllBytes(other.resolve(RunDir.OPTIMIZER)));
        assertThat(Checkpoint.load(d.resolve(RunDir.MODEL)).stateDict().get("main.0.weight").toArray())
                .containsExactly(Checkpoint.load(other.resolve(RunDir.MODEL)).stateDict().get("main.0.weight").toArray());
        try (var s = Files.list(d)) {
            assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".next"))).isEmpty();
        }
    }
}
