package dev.descent.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.descent.data.DataLoader;
import dev.descent.data.TensorDataset;
import dev.descent.nn.Mlp;
import dev.descent.optim.Adam;
import dev.descent.optim.Optimizer;
import dev.descent.optim.transform.Transforms;
import dev.descent.tensor.Generator;
import dev.descent.tensor.Tensor;
import dev.descent.tensor.kernel.Parallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The data-parallel step keeps the first layer's weight input-major between steps on sparse inputs
 * (AVX-512), and nobody outside the step ever sees it so: validations, listeners that read the model,
 * and the end of the run find it in the model's layout. Which steps hold it never changes a bit of the
 * results (a listener reading the model at every step, which keeps it in the model's layout, trains the
 * same network); against the step without bands ({@code descent.inputMajor=false}) they differ only by
 * rounding. Results are bit-identical for one and two threads; an optimizer that is not element-wise
 * never has it moved.
 */
class InputMajorLayoutTest {

    private static final int IN = 784, ROWS = 700;
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restore() {
        Parallel.setThreads(savedThreads);
        System.clearProperty(InputMajorLayout.PROPERTY);
    }

    /** What a run showed its listeners, and what it left. */
    private record Run(List<Boolean> heldAtSteps, List<float[]> readWeights, float[] losses, List<float[]> finalParams, int moves) {
    }

    /**
     * Two epochs of batch 64 with a validation every 7 steps, a listener that only watches and one that
     * reads the first weight every 5 steps.
     */
    private static Run train(boolean inputMajor, Function<List<Tensor>, Optimizer<?>> optimizer) {
        return train(inputMajor, optimizer, 5);
    }

    /** As {@link #train(boolean, Function)}, the reader reading every {@code every} steps. */
    private static Run train(boolean inputMajor, Function<List<Tensor>, Optimizer<?>> optimizer, int every) {
        if (!inputMajor) {
            System.setProperty(InputMajorLayout.PROPERTY, "false");
        }
        try {
            TensorDataset data = BatchStepTest.sparse(new Generator(21), ROWS, IN), val = BatchStepTest.sparse(new Generator(22), 128, IN);
            Mlp model = Mlp.of(IN, List.of(200, 100), 10, 3);
            Tensor w = model.parameters().get(0);
            List<Boolean> held = new ArrayList<>();
            List<float[]> reads = new ArrayList<>();
            TrainListener watcher = TrainListener.watching((t, r) -> held.add(t.batchStep().layout().held()));
            TrainListener reader = new TrainListener() {
                @Override
                public boolean readsModel(StepReport r) {
                    return r.step() % every == 0;
                }

                @Override
                public void onStep(Trainer t, StepReport r) {
                    if (r.step() % every == 0) {
                        reads.add(w.toArray());
                    }
                }
            };
            TrainConfig cfg = new TrainConfig(2, 1000, 7, 1, 128, 1, 0, null);
            Trainer t = new Trainer(model, optimizer.apply(model.parameters()), null, null,
                    new DataLoader(data, 64, true, false, true, new Generator(4)), val, cfg, List.of(watcher, reader));
            t.fit();
            List<float[]> params = new ArrayList<>();
            model.parameters().forEach(p -> params.add(p.toArray()));
            return new Run(held, reads, t.history().trainLoss(), params, t.batchStep().layout().moves());
        } finally {
            System.clearProperty(InputMajorLayout.PROPERTY);
        }
    }

    private static Optimizer<?> adam(List<Tensor> p) {
        return Adam.adam(p, 1e-3, 0, Adam.Options.defaults());
    }

    private static void assertClose(float[] got, float[] want, String what) {
        assertThat(got.length).isEqualTo(want.length);
        for (int i = 0; i < got.length; i++) {
            assertThat(Math.abs(got[i] - want[i])).as("%s element %d: %s vs %s", what, i, got[i], want[i]).isLessThan(1e-4f);
        }
    }

    @Test
    void heldBetweenStepsButEveryReaderFindsTheModelsLayout() {
        Run on = train(true, InputMajorLayoutTest::adam), off = train(false, InputMajorLayoutTest::adam);
        assumeTrue(on.moves() > 0, "the sparse paths run with AVX-512 only");
        assertThat(off.moves()).isZero();
        assertThat(off.heldAtSteps()).doesNotContain(true);
        // Held at most steps; a step after a validation (every 7) or a read (every 5) runs in the model's layout.
        long held = on.heldAtSteps().stream().filter(h -> h).count();
        assertThat(held).isGreaterThan(on.heldAtSteps().size() / 3);
        for (int s = 1; s <= on.heldAtSteps().size(); s++) {
            if (s % 5 == 0 || s % 7 == 0) {
                assertThat(on.heldAtSteps().get(s - 1)).as("step %d, read after it", s).isFalse();
            }
            if (s > 1 && ((s - 1) % 5 == 0 || (s - 1) % 7 == 0)) {
                assertThat(on.heldAtSteps().get(s - 1)).as("step %d, after a read", s).isFalse();
            }
        }
        assertThat(on.readWeights()).hasSameSizeAs(off.readWeights());
        for (int i = 0; i < on.readWeights().size(); i++) {
            assertClose(on.readWeights().get(i), off.readWeights().get(i), "first weight read at step " + 5 * (i + 1));
        }
        assertClose(on.losses(), off.losses(), "training loss");
        for (int i = 0; i < on.finalParams().size(); i++) {
            assertClose(on.finalParams().get(i), off.finalParams().get(i), "parameter " + i);
        }
    }

    /** Read at every step, the weight is never held after the first; read every 5 steps, mostly: the same bits. */
    @Test
    void whichStepsHoldItNeverChangesTheResults() {
        Run often = train(true, InputMajorLayoutTest::adam, 1), seldom = train(true, InputMajorLayoutTest::adam, 5);
        assumeTrue(seldom.moves() > 0, "the sparse paths run with AVX-512 only");
        assertThat(often.heldAtSteps().stream().filter(h -> h).count()).isZero();
        assertThat(often.moves()).isLessThanOrEqualTo(2);
        assertThat(often.losses()).isEqualTo(seldom.losses());
        for (int i = 0; i < often.finalParams().size(); i++) {
            assertThat(Arrays.equals(often.finalParams().get(i), seldom.finalParams().get(i))).as("parameter %d", i).isTrue();
        }
    }

    @Test
    void oneAndTwoThreadsTrainBitForBitAlike() {
        Parallel.setThreads(1);
        Run one = train(true, InputMajorLayoutTest::adam);
        Parallel.setThreads(2);
        Run two = train(true, InputMajorLayoutTest::adam);
        assumeTrue(two.moves() > 0, "the sparse paths run with AVX-512 only");
        assertThat(one.heldAtSteps()).isEqualTo(two.heldAtSteps());
        assertThat(two.losses()).isEqualTo(one.losses());
        for (int i = 0; i < one.finalParams().size(); i++) {
            assertThat(Arrays.equals(two.finalParams().get(i), one.finalParams().get(i))).as("parameter %d", i).isTrue();
        }
    }

    @Test
    void anOptimizerThatIsNotElementwiseNeverHasItMoved() {
        Run clipped = train(true, p -> new Optimizer<>(Adam.ADAM.prepend(Transforms.clipByGlobalNorm(1.0)), p, 1e-3, 0, Adam.Options.defaults()));
        assertThat(clipped.moves()).isZero();
        assertThat(clipped.heldAtSteps()).doesNotContain(true);
    }
}
