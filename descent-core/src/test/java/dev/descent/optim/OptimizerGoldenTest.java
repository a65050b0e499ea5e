package dev.descent.optim;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.descent.nn.Mlp;
import dev.descent.tensor.Tensor;
import dev.descent.testing.Golden;

/** Every optimizer case in ../shared/golden/optim: loss before each step and all parameters after it. */
class OptimizerGoldenTest {

    static List<Path> cases() {
        return Golden.files("optim");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesPyTorchStepByStep(Path file) {
        JsonNode root = Golden.read(file);
        Mlp model = GoldenProblems.model(root);
        Optimizer<?> opt = GoldenProblems.spec(root.get("optimizer")).create(model.parameters());
        Tensor inputs = Golden.tensor(root.get("inputs"));
        int[] targets = Golden.ints(root.get("targets"));
        Map<String, Tensor> params = model.namedParameters();
        int k = 0;
        for (JsonNode step : root.get("steps")) {
            k++;
            float loss = GoldenProblems.step(model, opt, inputs, targets);
            Golden.assertClose("step " + k + " loss_before", loss, step.get("loss_before").asDouble());
            int kk = k;
            step.get("params").fields().forEachRemaining(e -> Golden.assertClose("step " + kk + " " + e.getKey(),
                    params.get(e.getKey()).toArray(), Golden.doubles(e.getValue().get("data"))));
        }
    }
}
