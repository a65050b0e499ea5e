package dev.descent.optim.transform;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.descent.optim.Adam;
import dev.descent.optim.Lion;
import dev.descent.optim.NAdam;
import dev.descent.optim.Optimizer;
import dev.descent.optim.RmsProp;
import dev.descent.optim.Sgd;
import dev.descent.optim.fused.FusedProvider;
import dev.descent.tensor.Generator;
import dev.descent.tensor.Tensor;
import dev.descent.tensor.kernel.Parallel;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A step of an element-wise scaling run by ranges on two threads ({@link FusedProvider#runByRanges})
 * leaves the parameters, the state and the zeroed gradients exactly as the parameter-by-parameter
 * step on one thread does, over several steps, for every algorithm that takes that path and for
 * chains that must not (maximize, L2 decay, a scaling that is not element-wise).
 */
class ChainByRangesTest {

    private static final int THREADS = Parallel.threads();
    /** Above the size at which a step is shared, with ragged shares and pieces; and two small ones. */
    private static final int[] SIZES = {70_001, 5_003, 10};

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(THREADS);
    }

    static Stream<Arguments> optimizers() {
        return Stream.of(
                Arguments.of("Adam", (Function<List<Tensor>, Optimizer<?>>) p -> Adam.adam(p, 1e-3, 0, Adam.Options.defaults())),
                Arguments.of("Adam amsgrad", (Function<List<Tensor>, Optimizer<?>>) p -> Adam.adam(p, 1e-3, 0, new Adam.Options(0.9, 0.99, 1e-8, true))),
                Arguments.of("AdamW", (Function<List<Tensor>, Optimizer<?>>) p -> Adam.adamW(p, 1e-2, 0.1, Adam.Options.defaults())),
                Arguments.of("Lion decoupled decay", (Function<List<Tensor>, Optimizer<?>>) p -> Lion.create(p, 1e-3, 0.5, Lion.Options.defaults())),
                Arguments.of("RMSprop centered momentum", (Function<List<Tensor>, Optimizer<?>>) p -> RmsProp.create(p, 1e-3, 0,
                        new RmsProp.Options(0.9, 1e-8, 0.5, true))),
                Arguments.of("SGD", (Function<List<Tensor>, Optimizer<?>>) p -> Sgd.create(p, 0.1)),
                Arguments.of("SGD momentum", (Function<List<Tensor>, Optimizer<?>>) p -> Sgd.create(p, 0.1, 0, new Sgd.Options(0.9, 0.1, false))),
                Arguments.of("SGD nesterov", (Function<List<Tensor>, Optimizer<?>>) p -> Sgd.create(p, 0.1, 0, Sgd.Options.nesterov(0.9))),
                // These take the parameter-by-parameter path on any thread count.
                Arguments.of("Adam with L2 decay", (Function<List<Tensor>, Optimizer<?>>) p -> Adam.adam(p, 1e-3, 0.1, Adam.Options.defaults())),
                Arguments.of("NAdam", (Function<List<Tensor>, Optimizer<?>>) p -> NAdam.create(p, 1e-3, 0, NAdam.Options.defaults())));
    }

    private static List<Tensor> params() {
        Generator g = new Generator(3);
        List<Tensor> ps = new ArrayList<>();
        for (int n : SIZES) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = (float) g.nextGaussian();
            }
            ps.add(Tensor.vector(v).requiresGrad(true));
        }
        return ps;
    }

    /** Gives every parameter step {@code k}'s gradient (a fresh one for each step). */
    private static void setGradients(List<Tensor> ps, int k) {
        Generator g = new Generator(100 + k);
        for (Tensor p : ps) {
            float[] v = new float[p.numel()];
            for (int i = 0; i < v.length; i++) {
                v[i] = i % 7 == 0 ? 0f : (float) g.nextGaussian();
            }
            p.backward(Tensor.vector(v), false);
        }
    }

    /** Three steps on {@code threads} threads; parameters, then each parameter's buffers. */
    private static List<float[]> run(Function<List<Tensor>, Optimizer<?>> make, int threads, boolean maximize) {
        Parallel.setThreads(threads);
        List<Tensor> ps = params();
        Optimizer<?> opt = make.apply(ps);
        if (maximize) {
            opt.paramGroups().forEach(g -> g.setMaximize(true));
        }
        for (int k = 0; k < 3; k++) {
            setGradients(ps, k);
            opt.stepAndZeroGrad();
            for (Tensor p : ps) {
                assertThat(p.gradData()).as("gradient zeroed after step %d", k).containsOnly(0f);
            }
        }
        List<float[]> out = new ArrayList<>();
        for (Tensor p : ps) {
            out.add(p.toArray());
            ParamState s = opt.state(p);
            for (int b = 0; b < s.bufferCount(); b++) {
                out.add(s.hasBuffer(b) ? s.buffer(b) : new float[0]);
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void twoThreadsByRangesEqualOneThreadParameterByParameter(String name, Function<List<Tensor>, Optimizer<?>> make) {
        List<float[]> expected = run(make, 1, false), got = run(make, 2, false);
        assertThat(got).hasSameSizeAs(expected);
        for (int i = 0; i < got.size(); i++) {
            assertThat(Arrays.equals(got.get(i), expected.get(i))).as("%s: array %d, first difference at %d", name, i,
                    Arrays.mismatch(got.get(i), expected.get(i))).isTrue();
        }
        assertThat(got.get(0)).as("the parameters moved").isNotEqualTo(params().get(0).toArray());
    }

    @Test
    void maximizingTakesTheParameterByParameterPathWithTheSameResults() {
        Function<List<Tensor>, Optimizer<?>> adam = p -> Adam.adam(p, 1e-3, 0, Adam.Options.defaults());
        List<float[]> expected = run(adam, 1, true), got = run(adam, 2, true);
        for (int i = 0; i < got.size(); i++) {
            assertThat(Arrays.equals(got.get(i), expected.get(i))).as("array %d", i).isTrue();
        }
        assertThat(Arrays.equals(got.get(0), run(adam, 2, false).get(0))).as("maximizing changed the step").isFalse();
    }

    /** A scaling that records where its pass ran: d = g, so θ ← θ − γ·g. */
    private static final class Recording implements ElementwiseFusable<Object> {
        final AtomicInteger passes = new AtomicInteger();

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public Runnable prepare(Slot<Object> s, float[] out, double eta) {
            float[] g = s.update();
            return () -> {
                passes.incrementAndGet();
                FusedProvider.updates().step(g, out, out.length, (float) eta);
            };
        }
    }

    @Test
    void anElementwiseStepRunsByPiecesOfEachThreadsShareAndMovesEachElementOnce() {
        Parallel.setThreads(2);
        Recording link = new Recording();
        List<Tensor> ps = params();
        List<float[]> before = ps.stream().map(Tensor::toArray).toList();
        Optimizer<Object> opt = new Optimizer<>(Chain.of(link, Transforms.scaleByLearningRate()), ps, 0.5, 0, new Object());
        setGradients(ps, 0);
        List<float[]> grads = ps.stream().map(p -> p.gradData().clone()).toList();
        opt.stepAndZeroGrad();
        // One pass per piece of each thread's share (which thread takes a share is up to the pool), where
        // the parameter-by-parameter step makes one per parameter. Shares cut at multiples of 64: 70,001 elements as 35,008 + 34,993, nine pieces of at most 4,096
        // each; 5,003 as 2,496 + 2,507, a piece each; the 10 all in the second share.
        assertThat(link.passes.get()).isEqualTo(18 + 2 + 1);
        for (int i = 0; i < ps.size(); i++) {
            float[] p = ps.get(i).toArray();
            for (int j = 0; j < p.length; j++) {
                assertThat(p[j]).as("parameter %d element %d", i, j).isEqualTo(before.get(i)[j] - 0.5f * grads.get(i)[j]);
            }
            assertThat(ps.get(i).gradData()).containsOnly(0f);
        }
    }
}
