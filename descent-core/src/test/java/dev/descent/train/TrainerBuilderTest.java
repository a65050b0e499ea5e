package dev.descent.train;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.descent.data.DataLoader;
import dev.descent.nn.Mlp;
import dev.descent.optim.Adam;
import dev.descent.optim.Optimizer;
import dev.descent.optim.Sgd;
import dev.descent.tensor.Generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Trainer.builder: the tutorial's defaults, and the same run as the trainer built by hand. */
class TrainerBuilderTest {

    @Test
    void defaultsAreTheTutorialsBenchmarkRecipe() {
        Mlp model = Mlp.of(6, List.of(8), 3, 1);
        Trainer t = Trainer.builder(model, TrainerTest.data(1)).build();
        assertThat(t.config()).isEqualTo(TrainConfig.tutorial(2));
        assertThat(t.totalSteps()).as("2 epochs of ⌈256 / 64⌉ batches").isEqualTo(2 * 4);
        Optimizer<?> opt = t.optimizer();
        assertThat(opt.paramGroups()).hasSize(1);
        assertThat(opt.paramGroups().get(0).lr()).isEqualTo(1e-3);
        assertThat(opt.paramGroups().get(0).weightDecay()).isZero();
        assertThat(opt.paramGroups().get(0).options()).isEqualTo(Adam.Options.defaults());
        assertThat(opt.paramGroups().get(0).params()).containsExactlyElementsOf(model.parameters());
    }

    @Test
    void buildsExactlyTheTrainerOfTheCommandLineAndPrintsTheLog() {
        TrainConfig cfg = new TrainConfig(2, 5, 5, 2, 32, 1, 0, null);
        Mlp byHand = Mlp.of(6, List.of(8), 3, 1);
        Optimizer<?> sgd = Sgd.create(byHand.parameters(), 0.1);
        // descent train: shuffling seeded with seed + 1, batch buffers reused, nothing dropped.
        Trainer reference = new Trainer(byHand, sgd, null, null, new DataLoader(TrainerTest.data(1), 16, true, false, true, new Generator(8)),
                TrainerTest.data(2), cfg, List.of());
        reference.fit();

        Mlp built = Mlp.of(6, List.of(8), 3, 1);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Trainer t = Trainer.builder(built, TrainerTest.data(1)).validation(TrainerTest.data(2)).optimizer(Sgd.create(built.parameters(), 0.1))
                .batchSize(16).seed(7).config(cfg).log(new PrintStream(log, true, StandardCharsets.UTF_8)).build();
        t.fit();
        assertThat(t.history().trainLoss()).containsExactly(reference.history().trainLoss());
        assertThat(t.history().valLoss()).containsExactly(reference.history().valLoss());
        List<String> lines = log.toString(StandardCharsets.UTF_8).lines().toList();
        // 32 steps: [TRAIN] at 5, 10, …, 30; [VALID] there and at the end of each epoch (16, 32).
        assertThat(lines).hasSize(6 + 8);
        assertThat(lines.get(0)).startsWith("[TRAIN] Epoch 1 | Iter      5 | Loss: ");
        assertThat(lines.get(1)).startsWith("[VALID] Epoch 1 | Iter      5 | Loss: ");
    }

    @Test
    void epochsKeepTheRestOfTheConfigAndBadValuesAreRefused() {
        Trainer t = Trainer.builder(Mlp.of(6, List.of(), 3, 1), TrainerTest.data(1)).epochs(5).log(null).build();
        assertThat(t.config()).isEqualTo(new TrainConfig(5, 200, 200, 100, 256, 1, 0, null));
        assertThatThrownBy(() -> Trainer.builder(Mlp.of(6, List.of(), 3, 1), TrainerTest.data(1)).batchSize(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batch size");
    }
}
