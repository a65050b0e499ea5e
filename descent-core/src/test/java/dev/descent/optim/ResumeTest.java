package dev.descent.optim;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.descent.io.FormatException;
import dev.descent.io.OptimizerCheckpoint;
import dev.descent.io.Safetensors;
import dev.descent.nn.Mlp;
import dev.descent.optim.schedule.LrScheduler;
import dev.descent.optim.schedule.Schedule;
import dev.descent.tensor.Tensor;
import dev.descent.testing.Golden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * N steps, save (through {@code optimizer.safetensors}), rebuild, load, M more steps equals N+M
 * uninterrupted steps, bit for bit; and a saved state only loads into parameters of the same names
 * and shapes.
 */
class ResumeTest {

    static Stream<Arguments> optimizers() {
        return Stream.of(
                Arguments.of("SGD", new OptimizerSpec<>(Sgd.RULE, 0.1, 0, Sgd.Options.plain())),
                Arguments.of("SGD momentum+wd", new OptimizerSpec<>(Sgd.RULE, 0.1, 1e-3, new Sgd.Options(0.9, 0.1, false))),
                Arguments.of("SGD nesterov", new OptimizerSpec<>(Sgd.RULE, 0.1, 0, Sgd.Options.nesterov(0.9))),
                Arguments.of("Adam", new OptimizerSpec<>(Adam.ADAM, 0.01, 0, Adam.Options.defaults())),
                Arguments.of("Adam amsgrad", new OptimizerSpec<>(Adam.ADAM, 0.01, 1e-2, new Adam.Options(0.9, 0.999, 1e-8, true))),
                Arguments.of("AdamW", new OptimizerSpec<>(Adam.ADAMW, 0.01, 0.1, Adam.Options.defaults())),
                Arguments.of("Adamax", new OptimizerSpec<>(Adamax.RULE, 0.02, 0, Adamax.Options.defaults())),
                Arguments.of("NAdam", new OptimizerSpec<>(NAdam.RULE, 0.01, 0, NAdam.Options.defaults())),
                Arguments.of("RAdam", new OptimizerSpec<>(RAdam.RULE, 0.01, 0, RAdam.Options.defaults())),
                Arguments.of("RMSprop", new OptimizerSpec<>(RmsProp.RULE, 0.01, 0, RmsProp.Options.defaults())),
                Arguments.of("RMSprop centered momentum", new OptimizerSpec<>(RmsProp.RULE, 0.01, 0, new RmsProp.Options(0.99, 1e-8, 0.5, true))),
                Arguments.of("Adagrad", new OptimizerSpec<>(Adagrad.RULE, 0.1, 0, new Adagrad.Options(0.01, 0.1, 1e-10))),
                Arguments.of("Adadelta", new OptimizerSpec<>(Adadelta.RULE, 1.0, 0, Adadelta.Options.defaults())),
                Arguments.of("Adafactor", new OptimizerSpec<>(Adafactor.RULE, 0.1, 0.01, Adafactor.Options.defaults())),
                Arguments.of("Lion", new OptimizerSpec<>(Lion.RULE, 1e-3, 0.1, Lion.Options.defaults())),
                Arguments.of("Schedule-Free AdamW", new OptimizerSpec<>(ScheduleFree.ADAMW, 0.01, 0.01, new ScheduleFree.AdamWOptions(0.9, 0.999, 1e-8, 3, 0, 2))),
                Arguments.of("Schedule-Free SGD", new OptimizerSpec<>(ScheduleFree.SGD, 0.1, 0.01, new ScheduleFree.SgdOptions(0.9, 3, 0, 2))),
                Arguments.of("Muon", Muon.spec(0.05, 0.01, Muon.Options.defaults())),
                Arguments.of("random search", new OptimizerSpec<>(RandomSearch.RULE, 1, 0, new RandomSearch.Options(0.01, true, 5))),
                Arguments.of("gradient_update", new OptimizerSpec<>(TutorialRules.GradientDescent.RULE, 0.1, 0, new TutorialRules.NoOptions())),
                Arguments.of("momentum_update", new OptimizerSpec<>(TutorialRules.Momentum.RULE, 0.1, 0, new TutorialRules.MomentumOptions(0.8))),
                Arguments.of("rmsprop_update", new OptimizerSpec<>(TutorialRules.RmsProp.RULE, 0.01, 0, new TutorialRules.RmsPropOptions(0.8, 1e-8))));
    }

    private static final JsonNode PROBLEM = Golden.read(Golden.dir().resolve("optim/adam.json"));

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    <O> void resumesBitExactly(String name, OptimizerSpec<O> spec, @TempDir Path dir) {
        Tensor inputs = Golden.tensor(PROBLEM.get("inputs"));
        int[] targets = Golden.ints(PROBLEM.get("targets"));
        int n = 4, m = 5;

        Mlp straight = GoldenProblems.model(PROBLEM);
        Optimizer<O> a = spec.create(straight.namedParameters());
        LrScheduler sa = new LrScheduler(a, new Schedule.CosineAnnealingLr(10, 1e-4));
        for (int i = 0; i < n + m; i++) {
            GoldenProblems.step(straight, a, inputs, targets);
            sa.step();
        }

        Mlp first = GoldenProblems.model(PROBLEM);
        Optimizer<O> b = spec.create(first.namedParameters());
        LrScheduler sb = new LrScheduler(b, new Schedule.CosineAnnealingLr(10, 1e-4));
        for (int i = 0; i < n; i++) {
            GoldenProblems.step(first, b, inputs, targets);
            sb.step();
        }
        // As a checkpoint does: the model at the evaluation point, the optimizer state on disk.
        b.eval();
        Map<String, Tensor> savedModel = first.stateDict();
        OptimizerCheckpoint.save(dir.resolve("optimizer.safetensors"), b);
        long savedSched = sb.lastEpoch();

        Mlp resumed = GoldenProblems.model(PROBLEM);
        resumed.loadStateDict(savedModel);
        Optimizer<O> c = spec.create(resumed.namedParameters());
        OptimizerCheckpoint.load(dir.resolve("optimizer.safetensors"), c);
        assertThat(c.isTrainMode()).isFalse();
        LrScheduler sc = new LrScheduler(c, new Schedule.CosineAnnealingLr(10, 1e-4));
        sc.loadState(savedSched);
        for (int i = 0; i < m; i++) {
            c.train();
            GoldenProblems.step(resumed, c, inputs, targets);
            sc.step();
        }

        straight.namedParameters().forEach((k, p) ->
                assertThat(resumed.namedParameters().get(k).toArray()).as(name + " " + k).containsExactly(p.toArray()));
        assertThat(c.steps()).isEqualTo(n + m);
        assertThat(sc.lastLr()).containsExactly(sa.lastLr());
        assertThat(c.stateDict().params()).isEqualTo(a.stateDict().params());
    }

    @Test
    void aStateLoadsOnlyIntoParametersOfTheSameNamesAndShapes(@TempDir Path dir) {
        Mlp model = Mlp.of(4, List.of(4, 4), 4, 1);
        Tensor inputs = Tensor.randn(new dev.descent.tensor.Generator(3), 8, 4);
        int[] targets = {0, 1, 2, 3, 0, 1, 2, 3};
        OptimizerSpec<Adam.Options> spec = new OptimizerSpec<>(Adam.ADAM, 0.01, 0, Adam.Options.defaults());
        Optimizer<Adam.Options> opt = spec.create(model.namedParameters());
        GoldenProblems.step(model, opt, inputs, targets);
        Path file = dir.resolve("optimizer.safetensors");
        OptimizerCheckpoint.save(file, opt);
        assertThat(Safetensors.read(file).tensors()).doesNotContainKey("state.0.max_exp_avg_sq").containsKey("state.0.exp_avg");

        // The same shapes in another order: PyTorch, matching by position, would load the moments into the wrong layers.
        Map<String, Tensor> swapped = new LinkedHashMap<>();
        Map<String, Tensor> fresh = Mlp.of(4, List.of(4, 4), 4, 1).namedParameters();
        swapped.put("main.2.weight", fresh.get("main.2.weight"));
        swapped.put("main.0.bias", fresh.get("main.0.bias"));
        swapped.put("main.0.weight", fresh.get("main.0.weight"));
        fresh.forEach(swapped::putIfAbsent);
        assertThatThrownBy(() -> OptimizerCheckpoint.load(file, spec.create(swapped)))
                .isInstanceOf(FormatException.class)
                .hasMessageContaining("parameter 0 is main.0.weight [4, 4] in the saved state but main.2.weight [4, 4] here");

        // Other shapes, named or not.
        assertThatThrownBy(() -> OptimizerCheckpoint.load(file, spec.create(Mlp.of(4, List.of(5, 4), 4, 1).parameters())))
                .isInstanceOf(FormatException.class)
                .hasMessageContaining("parameter 0 is main.0.weight [4, 4] in the saved state but unnamed [5, 4] here");

        // The right names load, and the failed attempts changed nothing.
        Optimizer<Adam.Options> again = spec.create(Mlp.of(4, List.of(4, 4), 4, 1).namedParameters());
        OptimizerCheckpoint.load(file, again);
        assertThat(again.stateDict().params()).isEqualTo(opt.stateDict().params());
        assertThat(again.stateDict().names()).isEqualTo(new ArrayList<>(model.namedParameters().keySet()));
    }

    @Test
    void aStateSavedBeforeNamesWereRecordedStillLoads(@TempDir Path dir) throws Exception {
        Tensor inputs = Golden.tensor(PROBLEM.get("inputs"));
        int[] targets = Golden.ints(PROBLEM.get("targets"));
        Mlp model = GoldenProblems.model(PROBLEM);
        OptimizerSpec<Sgd.Options> spec = new OptimizerSpec<>(Sgd.RULE, 0.1, 0, Sgd.Options.momentum(0.9));
        Optimizer<Sgd.Options> opt = spec.create(model.namedParameters());
        GoldenProblems.step(model, opt, inputs, targets);
        Path file = dir.resolve("optimizer.safetensors");
        OptimizerCheckpoint.save(file, opt);
        Safetensors.Contents c = Safetensors.read(file);
        Map<String, String> legacy = new LinkedHashMap<>(c.metadata());
        legacy.remove("names");
        legacy.remove("shapes");
        legacy.remove("train_mode");
        Path old = dir.resolve("old.safetensors");
        Safetensors.write(old, c.tensors(), legacy);
        Optimizer<Sgd.Options> loaded = spec.create(GoldenProblems.model(PROBLEM).namedParameters());
        OptimizerCheckpoint.load(old, loaded);
        assertThat(loaded.stateDict().params()).isEqualTo(opt.stateDict().params());
    }

    @Test
    void randomSearchResumesFromItsOptions() {
        Tensor p1 = Tensor.zeros(50), p2 = Tensor.zeros(50), p3 = Tensor.zeros(50);
        Optimizer<RandomSearch.Options> a = RandomSearch.create(List.of(p1), 0.1, false, 5);
        for (int i = 0; i < 6; i++) {
            a.step();
        }
        Optimizer<RandomSearch.Options> b = RandomSearch.create(List.of(p2), 0.1, false, 5);
        for (int i = 0; i < 3; i++) {
            b.step();
        }
        p3.copyFrom(p2);
        Optimizer<RandomSearch.Options> c = RandomSearch.create(List.of(p3), 0.1, false, 999);
        c.loadStateDict(b.stateDict());
        for (int i = 0; i < 3; i++) {
            c.step();
        }
        assertThat(p3.toArray()).containsExactly(p1.toArray());
    }
}
