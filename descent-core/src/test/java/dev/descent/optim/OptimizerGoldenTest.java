package dev.descent.optim;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.descent.nn.Mlp;
import dev.descent.optim.fused.FusedProvider;
import dev.descent.tensor.Tensor;
import dev.descent.testing.Golden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every optimizer case in ../shared/golden/optim, and the Adafactor cases computed from its
 * documented algorithm: loss before each step and all parameters after it (for Schedule-Free the
 * training sequence y, then the evaluation sequence x). Runs on both fused-update forms: the build
 * runs it again with {@code -Ddescent.kernels=scalar}.
 */
class OptimizerGoldenTest {

    static List<Path> cases() {
        List<Path> all = new ArrayList<>(Golden.files("optim"));
        all.addAll(GoldenProblems.referenceCases());
        return all;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTheReferenceStepByStep(Path file) {
        JsonNode root = Golden.read(file);
        Mlp model = GoldenProblems.model(root);
        GoldenProblems.Built built = GoldenProblems.build(root.get("optimizer"), model, file.getFileName().toString());
        Tensor inputs = Golden.tensor(root.get("inputs"));
        int[] targets = Golden.ints(root.get("targets"));
        Map<String, Tensor> params = model.namedParameters();
        int k = 0;
        for (JsonNode step : root.get("steps")) {
            k++;
            float loss;
            if (built.lbfgs() != null) {
                loss = built.lbfgs().step(GoldenProblems.closure(model, inputs, targets));
            } else {
                if (built.scheduleFree()) {
                    built.optimizer().train();
                }
                loss = GoldenProblems.step(model, built.optimizer(), inputs, targets);
            }
            Golden.assertClose("step " + k + " loss_before", loss, step.get("loss_before").asDouble());
            int kk = k;
            step.get("params").fields().forEachRemaining(e -> Golden.assertClose("step " + kk + " " + e.getKey(),
                    params.get(e.getKey()).toArray(), Golden.doubles(e.getValue().get("data"))));
        }
        if (built.scheduleFree()) {
            built.optimizer().eval();
            root.get("eval_params").fields().forEachRemaining(e -> Golden.assertClose("eval " + e.getKey(),
                    params.get(e.getKey()).toArray(), Golden.doubles(e.getValue().get("data"))));
        } else {
            assertThat(root.has("eval_params")).as("eval_params outside a schedule-free case").isFalse();
        }
    }

    @Test
    void anOptionTheMappingDoesNotReadFailsTheCase() throws Exception {
        JsonNode root = Golden.read(Golden.dir().resolve("optim/adam.json"));
        com.fasterxml.jackson.databind.node.ObjectNode opt = root.get("optimizer").deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) opt.get("options")).put("foreach", true);
        assertThatThrownBy(() -> GoldenProblems.build(opt, GoldenProblems.model(root), "adam+foreach"))
                .hasMessageContaining("does not map [foreach]");
        com.fasterxml.jackson.databind.node.ObjectNode top = root.get("optimizer").deepCopy();
        top.put("differentiable", false);
        assertThatThrownBy(() -> GoldenProblems.build(top, GoldenProblems.model(root), "adam+differentiable"))
                .hasMessageContaining("does not map [differentiable]");
    }

    @Test
    void maximizeIsMappedAndClimbs() {
        JsonNode root = Golden.read(Golden.dir().resolve("optim/sgd.json"));
        com.fasterxml.jackson.databind.node.ObjectNode opt = root.get("optimizer").deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) opt.get("options")).put("maximize", true);
        Mlp model = GoldenProblems.model(root);
        Optimizer<?> o = GoldenProblems.build(opt, model, "sgd+maximize").optimizer();
        assertThat(o.paramGroups().get(0).maximize()).isTrue();
        Tensor inputs = Golden.tensor(root.get("inputs"));
        int[] targets = Golden.ints(root.get("targets"));
        float first = GoldenProblems.step(model, o, inputs, targets);
        float second = GoldenProblems.step(model, o, inputs, targets);
        assertThat(second).isGreaterThan(first);
    }

    @Test
    void theFusedFormInUseIsTheOneTheBuildAskedFor() {
        boolean scalar = "scalar".equals(System.getProperty("descent.kernels"));
        assertThat(FusedProvider.updates().name().equals("scalar")).isEqualTo(scalar);
    }
}
