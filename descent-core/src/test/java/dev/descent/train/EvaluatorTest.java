package dev.descent.train;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.descent.data.TensorDataset;
import dev.descent.nn.Mlp;
import dev.descent.tensor.Workspace;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A validation that takes its arrays from a workspace kept between validations gives what one with new
 * arrays gives, bit for bit: on its first use (arrays made), when reused, with a short last batch
 * (its slots the wrong size), for either loss, and after the model changed in between.
 */
class EvaluatorTest {

    @Test
    void aKeptWorkspaceChangesNoEvaluation() {
        TensorDataset val = TrainerTest.data(2); // 256 examples: batches of 48, the last one 16
        Mlp model = Mlp.of(6, List.of(8, 8), 3, 1);
        Workspace space = new Workspace();
        for (int round = 0; round < 3; round++) {
            for (Loss loss : Loss.values()) {
                Evaluation plain = Evaluator.evaluate(model, val, 48, Integer.MAX_VALUE, null, loss);
                Evaluation kept = Evaluator.evaluate(model, val, 48, Integer.MAX_VALUE, null, loss, space);
                assertThat(kept.loss()).as("round %d, %s", round, loss).isEqualTo(plain.loss());
                assertThat(kept.accuracy()).isEqualTo(plain.accuracy());
                assertThat(kept.confusion()).isEqualTo(plain.confusion());
            }
            // The model moves on between validations, as in training.
            model.parameters().forEach(p -> {
                float[] d = p.data();
                for (int i = 0; i < d.length; i++) {
                    d[i] += 0.05f * (float) Math.sin(i + 1.0);
                }
            });
        }
    }
}
