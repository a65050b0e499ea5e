package dev.descent.optim;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.descent.nn.Mlp;
import dev.descent.optim.schedule.LrScheduler;
import dev.descent.optim.schedule.Schedule;
import dev.descent.tensor.Tensor;
import dev.descent.testing.Golden;

import static org.assertj.core.api.Assertions.assertThat;

/** N steps, save, rebuild, load, M more steps equals N+M uninterrupted steps, bit for bit. */
class ResumeTest {

    static Stream<Arguments> optimizers() {
        Function<Double, OptimizerSpec<?>> none = null;
        return Stream.of(
                Arguments.of("SGD", new OptimizerSpec<>(Sgd.RULE, 0.1, 0, Sgd.Options.plain())),
                Arguments.of("SGD momentum+wd", new OptimizerSpec<>(Sgd.RULE, 0.1, 1e-3, new Sgd.Options(0.9, 0.1, false))),
                Arguments.of("SGD nesterov maximize-free", new OptimizerSpec<>(Sgd.RULE, 0.1, 0, Sgd.Options.nesterov(0.9))),
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
                Arguments.of("Lion", new OptimizerSpec<>(Lion.RULE, 1e-3, 0.1, Lion.Options.defaults())),
                Arguments.of("gradient_update", new OptimizerSpec<>(TutorialRules.GradientDescent.RULE, 0.1, 0, new TutorialRules.NoOptions())),
                Arguments.of("momentum_update", new OptimizerSpec<>(TutorialRules.Momentum.RULE, 0.1, 0, new TutorialRules.MomentumOptions(0.8))),
                Arguments.of("rmsprop_update", new OptimizerSpec<>(TutorialRules.RmsProp.RULE, 0.01, 0, new TutorialRules.RmsPropOptions(0.8, 1e-8))));
    }

    private static final JsonNode PROBLEM = Golden.read(Golden.dir().resolve("optim/adam.json"));

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    <O> void resumesBitExactly(String name, OptimizerSpec<O> spec) {
        Tensor inputs = Golden.tensor(PROBLEM.get("inputs"));
        int[] targets = Golden.ints(PROBLEM.get("targets"));
        int n = 4, m = 5;

        Mlp straight = GoldenProblems.model(PROBLEM);
        Optimizer<O> a = spec.create(straight.parameters());
        LrScheduler sa = new LrScheduler(a, new Schedule.CosineAnnealingLr(10, 1e-4));
        for (int i = 0; i < n + m; i++) {
            GoldenProblems.step(straight, a, inputs, targets);
            sa.step();
        }

        Mlp first = GoldenProblems.model(PROBLEM);
        Optimizer<O> b = spec.create(first.parameters());
        LrScheduler sb = new LrScheduler(b, new Schedule.CosineAnnealingLr(10, 1e-4));
        for (int i = 0; i < n; i++) {
            GoldenProblems.step(first, b, inputs, targets);
            sb.step();
        }
        Map<String, Tensor> savedModel = first.stateDict();
        OptimizerState<O> savedOpt = b.stateDict();
        long savedSched = sb.lastEpoch();

        Mlp resumed = GoldenProblems.model(PROBLEM);
        resumed.loadStateDict(savedModel);
        Optimizer<O> c = spec.create(resumed.parameters());
        c.loadStateDict(savedOpt);
        LrScheduler sc = new LrScheduler(c, new Schedule.CosineAnnealingLr(10, 1e-4));
        sc.loadState(savedSched);
        for (int i = 0; i < m; i++) {
            GoldenProblems.step(resumed, c, inputs, targets);
            sc.step();
        }

        straight.namedParameters().forEach((k, p) ->
                assertThat(resumed.namedParameters().get(k).toArray()).as(name + " " + k).containsExactly(p.toArray()));
        assertThat(c.steps()).isEqualTo(n + m);
        assertThat(sc.lastLr()).containsExactly(sa.lastLr());
    }

    @org.junit.jupiter.api.Test
    void randomSearchResumesWithItsGenerator() {
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
