package dev.descent.optim.transform;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.descent.nn.Mlp;
import dev.descent.optim.Adam;
import dev.descent.optim.Lion;
import dev.descent.optim.Muon;
import dev.descent.optim.NAdam;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerSpec;
import dev.descent.optim.RmsProp;
import dev.descent.optim.Sgd;
import dev.descent.tensor.F;
import dev.descent.tensor.Tensor;
import dev.descent.testing.Golden;

import static dev.descent.optim.transform.Transforms.clipByGlobalNorm;
import static dev.descent.optim.transform.Transforms.clipByValue;
import static dev.descent.optim.transform.Transforms.decoupledWeightDecay;
import static dev.descent.optim.transform.Transforms.maximize;
import static dev.descent.optim.transform.Transforms.scaleByLearningRate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Chains: the shared links, what a chain accepts, and the fused and unfused paths agreeing. */
class ChainTest {

    private static final JsonNode PROBLEM = Golden.read(Golden.dir().resolve("optim/adam.json"));

    private static Tensor withGrad(float... g) {
        Tensor p = Tensor.zeros(g.length).requiresGrad(true);
        p.backward(Tensor.vector(g), false);
        return p;
    }

    /** θ ← θ − 1·u: the update the links leave, read off the parameter. */
    private static float[][] updates(Chain<Object> chain, Tensor... params) {
        Optimizer<Object> opt = new Optimizer<>(chain, List.of(params), 1.0, 0, new Object());
        opt.step();
        float[][] u = new float[params.length][];
        for (int i = 0; i < params.length; i++) {
            u[i] = params[i].toArray();
            for (int j = 0; j < u[i].length; j++) {
                u[i][j] = -u[i][j];
            }
        }
        return u;
    }

    @Test
    void clippingByGlobalNormScalesAllUpdatesTogetherAndLeavesTheGradientsAlone() {
        Tensor a = withGrad(3f, 0f), b = withGrad(0f, 4f);
        float[][] u = updates(Chain.of(clipByGlobalNorm(1.0), scaleByLearningRate()), a, b);
        assertThat((double) u[0][0]).isCloseTo(3.0 / (5 + 1e-6), within(1e-6));
        assertThat((double) u[1][1]).isCloseTo(4.0 / (5 + 1e-6), within(1e-6));
        assertThat(a.grad().toArray()).containsExactly(3f, 0f);
        Tensor small = withGrad(0.3f, 0.4f);
        assertThat(updates(Chain.of(clipByGlobalNorm(1.0), scaleByLearningRate()), small)[0]).containsExactly(0.3f, 0.4f);
    }

    @Test
    void clippingByValueClampsEachElement() {
        assertThat(updates(Chain.of(clipByValue(1.0), scaleByLearningRate()), withGrad(-3f, 0.5f, 2f))[0]).containsExactly(-1f, 0.5f, 1f);
        assertThatThrownBy(() -> clipByValue(0)).hasMessageContaining("Invalid clip_value: 0.0");
        assertThatThrownBy(() -> clipByGlobalNorm(-1)).hasMessageContaining("Invalid max_norm: -1.0");
    }

    @Test
    void maximizeFlipsTheUpdateOfGroupsThatMaximize() {
        Tensor p = withGrad(1f, -2f);
        Optimizer<Object> opt = new Optimizer<>(Chain.of(maximize(), scaleByLearningRate()),
                List.of(new Optimizer.GroupSpec<>(List.of(p), 0.5, 0, true, new Object())));
        opt.step();
        assertThat(p.toArray()).containsExactly(0.5f, -1f);
        assertThat(p.grad().toArray()).containsExactly(1f, -2f);
    }

    @Test
    void aChainEndsWithTheOneLinkThatMovesTheParameters() {
        assertThatThrownBy(() -> Chain.of(maximize())).hasMessageContaining("the last link of a chain must move the parameters");
        assertThatThrownBy(() -> Chain.of(scaleByLearningRate(), maximize())).hasMessageContaining("only the last link");
        assertThatThrownBy(() -> Chain.<Adam.Options>of(Adam.scaleByAdam(), Adam.scaleByAdam(), scaleByLearningRate()))
                .hasMessageContaining("two links of the chain keep a buffer named exp_avg");
        assertThat(Chain.of(clipByGlobalNorm(1), Adam.scaleByAdam(), decoupledWeightDecay(), scaleByLearningRate()).name())
                .isEqualTo("clip_by_global_norm(1.0)+adam+decoupled_weight_decay+scale_by_learning_rate");
        assertThat(Adam.ADAMW.prepend(clipByValue(2)).name()).isEqualTo("AdamW");
    }

    /** Presets whose scaling is fused with the learning rate, and their options. */
    static Stream<Arguments> fusable() {
        return Stream.of(
                Arguments.of("AdamW", new OptimizerSpec<>(Adam.ADAMW, 0.01, 0.1, Adam.Options.defaults())),
                Arguments.of("Adam amsgrad", new OptimizerSpec<>(Adam.ADAM, 0.01, 0.01, new Adam.Options(0.9, 0.99, 1e-8, true))),
                Arguments.of("SGD nesterov", new OptimizerSpec<>(Sgd.RULE, 0.1, 0.01, Sgd.Options.nesterov(0.9))),
                Arguments.of("RMSprop centered", new OptimizerSpec<>(RmsProp.RULE, 0.01, 0, new RmsProp.Options(0.9, 1e-8, 0.5, true))),
                Arguments.of("NAdam", new OptimizerSpec<>(NAdam.RULE, 0.01, 0, NAdam.Options.defaults())),
                Arguments.of("Lion", new OptimizerSpec<>(Lion.RULE, 0.01, 0.1, Lion.Options.defaults())),
                Arguments.of("Muon", Muon.spec(0.05, 0.1, Muon.Options.defaults())));
    }

    /**
     * The same links with a no-op clip between the scaling and the learning rate run unfused: the
     * scaling leaves its direction in the update, decay and learning rate follow as separate links.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("fusable")
    <O> void theUnfusedPathComputesWhatTheFusedOneDoes(String name, OptimizerSpec<O> fused) {
        List<Transform<? super O>> links = new ArrayList<>(fused.chain().links());
        int scaling = 0;
        while (!(links.get(scaling) instanceof Fusable)) {
            scaling++;
        }
        links.add(scaling + 1, clipByValue(1e30));
        @SuppressWarnings("unchecked")
        Chain<O> unfusedChain = Chain.of(links.toArray(Transform[]::new));
        OptimizerSpec<O> unfused = new OptimizerSpec<>(unfusedChain.named(fused.name()), fused.lr(), fused.weightDecay(), fused.options(), fused.grouping());
        Mlp a = Golden.model(PROBLEM), b = Golden.model(PROBLEM);
        Optimizer<O> oa = fused.create(a.namedParameters()), ob = unfused.create(b.namedParameters());
        Tensor inputs = Golden.tensor(PROBLEM.get("inputs"));
        int[] targets = Golden.ints(PROBLEM.get("targets"));
        for (int k = 0; k < 5; k++) {
            for (var pair : List.of(List.of(a, oa), List.of(b, ob))) {
                Mlp m = (Mlp) pair.get(0);
                Optimizer<?> o = (Optimizer<?>) pair.get(1);
                o.zeroGrad();
                F.nllLoss(m.forward(inputs), targets).backward();
                o.step();
            }
        }
        a.namedParameters().forEach((k, p) -> {
            float[] x = p.toArray(), y = b.namedParameters().get(k).toArray();
            for (int i = 0; i < x.length; i++) {
                assertThat(y[i]).as("%s %s[%d]", name, k, i).isCloseTo(x[i], within(1e-5f + 1e-5f * Math.abs(x[i])));
            }
        });
        assertThat(ob.stateDict().params().get(0).buffers()[0]).isNotNull();
    }

    @Test
    void aUserBuiltChainTrains() {
        // The README's example: AdamW's scaling with clipping first, as links.
        Chain<Adam.Options> mine = Chain.of(clipByGlobalNorm(1.0), maximize(), Adam.scaleByAdam(), decoupledWeightDecay(), scaleByLearningRate())
                .named("ClippedAdamW");
        Mlp model = Golden.model(PROBLEM);
        Optimizer<Adam.Options> opt = new OptimizerSpec<>(mine, 0.01, 0.01, Adam.Options.defaults()).create(model.namedParameters());
        Tensor inputs = Golden.tensor(PROBLEM.get("inputs"));
        int[] targets = Golden.ints(PROBLEM.get("targets"));
        float first = 0, last = 0;
        for (int k = 0; k < 30; k++) {
            opt.zeroGrad();
            Tensor loss = F.nllLoss(model.forward(inputs), targets);
            loss.backward();
            opt.step();
            last = loss.item();
            if (k == 0) {
                first = last;
            }
        }
        assertThat(last).isLessThan(0.75f * first);
        assertThat(opt.stateDict().algorithm()).isEqualTo("ClippedAdamW");
    }
}
