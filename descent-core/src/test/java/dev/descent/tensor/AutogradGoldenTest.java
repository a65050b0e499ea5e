package dev.descent.tensor;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.descent.nn.Mlp;
import dev.descent.testing.Golden;

import static org.assertj.core.api.Assertions.assertThat;

/** Loss, every parameter gradient and the input gradient against PyTorch, for every activation case; every key of a case mapped. */
class AutogradGoldenTest {

    static List<Path> cases() {
        return Golden.files("autograd");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesPyTorch(Path file) {
        JsonNode root = Golden.read(file);
        Golden.assertMapped(file.getFileName().toString(), root, "model", "params", "inputs", "targets", "loss_fn", "loss", "grads", "input_grad");
        assertThat(root.get("loss_fn").asText()).as("the loss the case computes").isEqualTo("nll_loss(mean)");
        Mlp model = Golden.model(root);
        Tensor inputs = Golden.tensor(root.get("inputs")).requiresGrad(true);
        int[] targets = Golden.ints(root.get("targets"));

        Tensor loss = F.nllLoss(model.forward(inputs), targets);
        loss.backward();

        Golden.assertClose("loss", loss.item(), root.get("loss").asDouble());
        Map<String, Tensor> params = model.namedParameters();
        assertThat(root.get("grads").size()).as("a gradient per parameter").isEqualTo(params.size());
        root.get("grads").fields().forEachRemaining(e ->
                Golden.assertClose("grad " + e.getKey(), params.get(e.getKey()).grad().toArray(), Golden.doubles(e.getValue().get("data"))));
        Golden.assertClose("input_grad", inputs.grad().toArray(), Golden.doubles(root.get("input_grad").get("data")));
    }
}
