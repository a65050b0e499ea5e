package dev.descent.train;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.descent.data.DataLoader;
import dev.descent.data.TensorDataset;
import dev.descent.nn.Mlp;
import dev.descent.optim.Adam;
import dev.descent.optim.Muon;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerSpec;
import dev.descent.optim.OptimizerState;
import dev.descent.optim.ScheduleFree;
import dev.descent.optim.Sgd;
import dev.descent.optim.schedule.LrScheduler;
import dev.descent.optim.schedule.Schedule;
import dev.descent.tensor.Generator;
import dev.descent.tensor.Tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The training loop: exact resume mid-epoch, divergence, early stopping, accumulation. */
class TrainerTest {

    /** 256 examples of 6 features, 3 classes, learnable. */
    static TensorDataset data(long seed) {
        Generator g = new Generator(seed);
        int n = 256;
        float[] x = new float[n * 6];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = g.nextInt(3);
            for (int f = 0; f < 6; f++) {
                x[i * 6 + f] = (float) (g.nextGaussian() * 0.5 + (f % 3 == y[i] ? 1.5 : 0));
            }
        }
        return new TensorDataset(Tensor.of(x, n, 6), y, 3);
    }

    record Run(Mlp model, Optimizer<?> opt, LrScheduler sched, DataLoader loader, Trainer trainer) {
    }

    static Run run(List<TrainListener> listeners) {
        return run(listeners, new OptimizerSpec<>(Adam.ADAM, 0.01, 0, Adam.Options.defaults()));
    }

    static Run run(List<TrainListener> listeners, OptimizerSpec<?> spec) {
        Mlp model = Mlp.of(6, List.of(8, 8), 3, 1);
        Optimizer<?> opt = spec.create(model.namedParameters());
        LrScheduler sched = new LrScheduler(opt, new Schedule.CosineAnnealingLr(50, 0));
        DataLoader loader = new DataLoader(data(1), 16, true, false, true, new Generator(7));
        TrainConfig cfg = new TrainConfig(3, 5, 5, 2, 32, 1, 0, null);
        return new Run(model, opt, sched, loader, new Trainer(model, opt, sched, null, loader, data(2), cfg, listeners));
    }

    static java.util.stream.Stream<OptimizerSpec<?>> resumable() {
        return java.util.stream.Stream.of(new OptimizerSpec<>(Adam.ADAM, 0.01, 0, Adam.Options.defaults()),
                new OptimizerSpec<>(ScheduleFree.ADAMW, 0.01, 1e-3, new ScheduleFree.AdamWOptions(0.9, 0.999, 1e-8, 5, 0, 2)),
                Muon.spec(0.02, 0, Muon.Options.defaults()));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("resumable")
    @SuppressWarnings("unchecked")
    <O> void stoppingMidEpochAndResumingIsBitIdenticalToAnUninterruptedRun(OptimizerSpec<O> spec) {
        Run straight = run(List.of(), spec);
        straight.trainer().fit();

        // Stop after step 21 (epoch 2, batch 5 of 16) and keep what a checkpoint keeps.
        TrainerState[] saved = new TrainerState[1];
        Object[] snapshot = new Object[2];
        List<TrainListener> stopper = new ArrayList<>();
        stopper.add(new TrainListener() {
            @Override
            public void onStep(Trainer t, StepReport r) {
                if (r.step() == 21) {
                    // As a checkpoint does: the model saved at the evaluation point (Schedule-Free's x).
                    t.optimizer().eval();
                    saved[0] = t.state();
                    snapshot[0] = ((Mlp) t.model()).stateDict();
                    snapshot[1] = t.optimizer().stateDict();
                    t.requestStop();
                }
            }
        });
        Run first = run(stopper, spec);
        TrainResult r = first.trainer().fit();
        assertThat(r.reason()).isEqualTo(TrainResult.Stop.INTERRUPTED);
        History h = first.trainer().history();

        Run resumed = run(List.of(), spec);
        resumed.model().loadStateDict(deepCopy((java.util.Map<String, Tensor>) snapshot[0]));
        ((Optimizer<O>) resumed.opt()).loadStateDict((OptimizerState<O>) snapshot[1]);
        resumed.trainer().restore(saved[0], h);
        resumed.trainer().fit();

        assertThat(resumed.trainer().history().trainLoss()).containsExactly(straight.trainer().history().trainLoss());
        assertThat(resumed.trainer().history().valLoss()).containsExactly(straight.trainer().history().valLoss());
        straight.model().namedParameters().forEach((k, p) ->
                assertThat(resumed.model().namedParameters().get(k).toArray()).as(k).containsExactly(p.toArray()));
    }

    @Test
    @SuppressWarnings("unchecked")
    void stoppingBetweenEpochsAndResumingIsBitIdenticalToAnUninterruptedRun() {
        // Ctrl-C or SIGTERM at an epoch's last step: the loop has begun the next epoch (drawn its order)
        // when it sees the request, and train checkpoints the state fit() returns with (epoch 1, batch 0).
        // The resume once drew that epoch's order from the wrong generator state.
        Run straight = run(List.of());
        straight.trainer().fit();
        Run first = run(List.of(new TrainListener() {
            @Override
            public void onStep(Trainer t, StepReport r) {
                if (r.batchInEpoch() == r.batchesPerEpoch() && r.step() == 16) {
                    t.requestStop();
                }
            }
        }));
        assertThat(first.trainer().fit().reason()).isEqualTo(TrainResult.Stop.INTERRUPTED);
        TrainerState saved = first.trainer().state();
        assertThat(saved.epoch()).isEqualTo(1);
        assertThat(saved.batchInEpoch()).isZero();

        Run resumed = run(List.of());
        resumed.model().loadStateDict(deepCopy(((Mlp) first.model()).stateDict()));
        ((Optimizer<Object>) resumed.opt()).loadStateDict((OptimizerState<Object>) first.opt().stateDict());
        resumed.trainer().restore(saved, first.trainer().history());
        resumed.trainer().fit();

        assertThat(resumed.trainer().history().trainLoss()).containsExactly(straight.trainer().history().trainLoss());
        straight.model().namedParameters().forEach((k, p) ->
                assertThat(resumed.model().namedParameters().get(k).toArray()).as(k).containsExactly(p.toArray()));
    }

    /**
     * {@link Trainer#fitEpochs} one epoch at a time (as {@code bench} interleaves its peers) trains what one
     * fit() trains, validation and the scheduler included, and stops at the configuration's last epoch.
     */
    @Test
    void fittingOneEpochAtATimeIsBitIdenticalToOneFit() {
        Run straight = run(List.of());
        straight.trainer().fit();
        Run stepwise = run(List.of());
        int[] ends = new int[4];
        for (int e = 0; e < 4; e++) {
            TrainResult r = stepwise.trainer().fitEpochs(1);
            assertThat(r.reason()).isEqualTo(TrainResult.Stop.COMPLETED);
            ends[e] = r.steps();
        }
        // 256 examples in batches of 16: 16 steps an epoch, three epochs configured; the fourth call has none left.
        assertThat(ends).containsExactly(16, 32, 48, 48);
        assertThat(stepwise.trainer().history().trainLoss()).containsExactly(straight.trainer().history().trainLoss());
        assertThat(stepwise.trainer().history().valLoss()).containsExactly(straight.trainer().history().valLoss());
        straight.model().namedParameters().forEach((k, p) ->
                assertThat(stepwise.model().namedParameters().get(k).toArray()).as(k).containsExactly(p.toArray()));
        assertThatThrownBy(() -> stepwise.trainer().fitEpochs(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("count must be >= 1");
    }

    @SuppressWarnings("unchecked")
    private static java.util.Map<String, Tensor> deepCopy(java.util.Map<String, Tensor> m) {
        java.util.Map<String, Tensor> out = new java.util.LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, Tensor.of(v.toArray(), v.shape())));
        return out;
    }

    @Test
    void aDivergingRunStopsWithAClearMessage() {
        Mlp model = Mlp.of(6, List.of(8), 3, 1);
        Optimizer<Sgd.Options> opt = Sgd.create(model.parameters(), 1e12);
        DataLoader loader = new DataLoader(data(1), 16, true, false, true, new Generator(7));
        TrainResult r = new Trainer(model, opt, null, null, loader, null, TrainConfig.tutorial(3), List.of()).fit();
        assertThat(r.reason()).isEqualTo(TrainResult.Stop.DIVERGED);
        assertThat(r.message()).contains("diverged").contains("--lr");
    }

    @Test
    void earlyStoppingStopsWhenValidationLossStallsAndGradientAccumulationMatchesALargerBatch() {
        Mlp model = Mlp.of(6, List.of(8), 3, 1);
        Optimizer<Sgd.Options> opt = Sgd.create(model.parameters(), 1e-9);
        DataLoader loader = new DataLoader(data(1), 16, true, false, true, new Generator(7));
        TrainConfig cfg = new TrainConfig(20, 5, 4, 2, 32, 1, 2, null);
        TrainResult r = new Trainer(model, opt, null, null, loader, data(2), cfg, List.of()).fit();
        assertThat(r.reason()).isEqualTo(TrainResult.Stop.EARLY_STOPPED);
        assertThat(r.steps()).isLessThan(20 * 16);

        // Two accumulated batches of 16 in order == one batch of 32 (SGD, no shuffle).
        Mlp a = Mlp.of(6, List.of(8), 3, 3), b = Mlp.of(6, List.of(8), 3, 3);
        TrainConfig acc = new TrainConfig(1, 100, 0, 1, 32, 2, 0, null);
        TrainConfig one = new TrainConfig(1, 100, 0, 1, 32, 1, 0, null);
        new Trainer(a, Sgd.create(a.parameters(), 0.1), null, null, new DataLoader(data(1), 16, false, false, true, null), null, acc, List.of()).fit();
        new Trainer(b, Sgd.create(b.parameters(), 0.1), null, null, new DataLoader(data(1), 32, false, false, true, null), null, one, List.of()).fit();
        float[] pa = a.linears().get(0).weight().toArray(), pb = b.linears().get(0).weight().toArray();
        for (int i = 0; i < pa.length; i++) {
            assertThat(pa[i]).isCloseTo(pb[i], org.assertj.core.api.Assertions.within(1e-5f));
        }
    }

    @Test
    void gradientsLeftFromBeforeTheRunAreZeroedBeforeItsFirstStep() {
        // As PyTorch's loop calls zero_grad() first: a backward taken before fit() must not leak into step 1.
        Mlp stale = Mlp.of(6, List.of(8), 3, 3), clean = Mlp.of(6, List.of(8), 3, 3);
        float[] x = new float[4 * 6];
        for (int i = 0; i < x.length; i++) {
            x[i] = 1 + i % 5;
        }
        stale.forward(Tensor.of(x, 4, 6)).sum().backward();
        assertThat(stale.linears().get(0).weight().gradData()).as("a stale gradient").isNotNull().isNotEqualTo(new float[6 * 8]);
        TrainConfig cfg = new TrainConfig(1, 100, 0, 1, 32, 1, 0, null);
        for (Mlp m : List.of(stale, clean)) {
            new Trainer(m, Sgd.create(m.parameters(), 0.1), null, null, new DataLoader(data(1), 32, false, false, true, null), null, cfg, List.of()).fit();
        }
        for (int l = 0; l < 2; l++) {
            assertThat(stale.linears().get(l).weight().toArray()).containsExactly(clean.linears().get(l).weight().toArray());
        }
    }
}
