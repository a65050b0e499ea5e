package dev.descent.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.descent.data.DataLoader;
import dev.descent.data.Dataset;
import dev.descent.nn.Activation;
import dev.descent.nn.Mlp;
import dev.descent.nn.MlpSpec;
import dev.descent.optim.Adam;
import dev.descent.optim.Optimizer;
import dev.descent.optim.Sgd;
import dev.descent.tensor.Generator;
import dev.descent.tensor.Grad;
import dev.descent.tensor.Tensor;
import dev.descent.testing.RandomSets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.within;

/** The kernel warm-up: when it counts as settled, that it runs the validation pass and the run's listeners, and that a run's results do not depend on it. */
class KernelWarmupTest {

    private static final long BLOCK = 1_000_000;

    @Test
    void settledNeedsEnoughStepsAFastBlockAndAQuietJit() {
        int enough = KernelWarmup.MIN_STEPS;
        assertThat(KernelWarmup.settled(enough, BLOCK, BLOCK, 0, 0, 0)).isTrue();
        assertThat(KernelWarmup.settled(enough, BLOCK * 114 / 100, BLOCK, 0, 0, 0)).isTrue();
        assertThat(KernelWarmup.settled(enough - KernelWarmup.BLOCK, BLOCK, BLOCK, 0, 0, 0)).as("too few steps").isFalse();
        assertThat(KernelWarmup.settled(enough, BLOCK * 12 / 10, BLOCK, 0, 0, 0)).as("a block 1.2x the best").isFalse();
        assertThat(KernelWarmup.settled(enough, BLOCK, BLOCK, 3, 0, 0)).as("a compilation finished in the last block").isFalse();
        assertThat(KernelWarmup.settled(enough, BLOCK, BLOCK, 0, 3, 0)).as("a compilation finished in the block before").isFalse();
        assertThat(KernelWarmup.settled(enough, BLOCK, BLOCK, -1, -1, -1)).as("a JVM that does not time its JIT").isTrue();
        assertThat(KernelWarmup.settled(enough, BLOCK, BLOCK, 0, 0, 2)).as("a compiler thread busy in the last block").isFalse();
    }

    @Test
    void warmsTheValidationPassWithTheRunsSettings() throws InterruptedException {
        MlpSpec spec = MlpSpec.of(12, List.of(10), 3);
        TrainConfig run = new TrainConfig(1, 200, 200, 100, 40, 1, 0, new float[] {1f, 2f, 0.5f});
        List<Optimizer<?>> made = new ArrayList<>();
        KernelWarmup w = KernelWarmup.start(spec, 32, run, recordingAdam(made));
        for (int i = 0; i < 20_000 && w.steps() < 3 * KernelWarmup.BLOCK; i++) {
            Thread.sleep(1);
        }
        w.cancel();
        w.close();
        assertThat(w.steps()).isGreaterThanOrEqualTo(3 * KernelWarmup.BLOCK);
        // one validation per block of steps, at least; the optimizer is the caller's, made once
        assertThat(w.validations()).isGreaterThanOrEqualTo(w.steps() / KernelWarmup.BLOCK);
        assertThat(made).hasSize(1);
    }

    @Test
    void theTailsAreTheShortLastBatchesTheRunWillMeet() {
        TrainConfig run = new TrainConfig(1, 100, 200, 100, 256, 1, 0, null);
        // MNIST's 50,000 / 10,000 split at batch 64 ends each epoch with 16 examples, each validation with 16
        assertThat(KernelWarmup.tails(50_000, 10_000, 64, 64, run)).isEqualTo(new KernelWarmup.Tails(16, 16));
        assertThat(KernelWarmup.tails(50_000, 10_240, 50, 50, run)).as("sets that divide evenly").isEqualTo(KernelWarmup.Tails.NONE);
        assertThat(KernelWarmup.tails(50_000, 10_000, 64, 128, run).train()).as("the warm-up runs at 64, not the run's 128").isZero();
        TrainConfig fewBatches = new TrainConfig(1, 100, 200, 10, 256, 1, 0, null);
        assertThat(KernelWarmup.tails(50_000, 10_000, 64, 64, fewBatches).val()).as("a validation of 10 batches stops before the end").isZero();
        TrainConfig never = new TrainConfig(1, 100, 0, 100, 256, 1, 0, null);
        assertThat(KernelWarmup.tails(50_000, 10_000, 64, 64, never).val()).as("no validation").isZero();
    }

    @Test
    void onceTheDataHasLoadedItStartsOverWithAFreshOptimizerAndTheRunsTails() throws InterruptedException {
        MlpSpec spec = MlpSpec.of(12, List.of(10), 3);
        TrainConfig run = new TrainConfig(1, 200, 200, 100, 40, 1, 0, null);
        List<Optimizer<?>> made = java.util.Collections.synchronizedList(new ArrayList<>());
        KernelWarmup w = KernelWarmup.start(spec, 32, run, recordingAdam(made));
        w.expect(1000 + 7, 400 + 3);
        int before = w.steps();
        for (int i = 0; i < 20_000 && w.steps() < before + 3 * KernelWarmup.BLOCK; i++) {
            Thread.sleep(1);
        }
        w.cancel();
        w.close();
        // Two at least: with steps this small the second trainer may have settled, and a third begun,
        // between two looks at the count.
        assertThat(made.size()).as("the second trainer's optimizer is new: its first step creates state, as the run's will").isGreaterThanOrEqualTo(2);
        assertThat(made.get(1)).isNotSameAs(made.get(0));
        assertThat(w.steps()).isGreaterThanOrEqualTo(before + 3 * KernelWarmup.BLOCK);
        assertThat(made.get(1).steps()).as("the second trainer stepped").isPositive();
        assertThatCode(() -> w.expect(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void warmsEveryOptimizerOfTheRunInTurnOnceTheDataHasLoaded() {
        MlpSpec spec = MlpSpec.of(12, List.of(10), 3);
        TrainConfig run = new TrainConfig(1, 200, 200, 100, 40, 1, 0, null);
        List<String> made = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Optimizer<?>> sgds = java.util.Collections.synchronizedList(new ArrayList<>());
        KernelWarmup w = KernelWarmup.start(spec, 32, run, List.of(
                params -> {
                    made.add("adam");
                    return Adam.adam(List.copyOf(params.values()), 1e-3, 0, Adam.Options.defaults());
                },
                params -> {
                    made.add("sgd");
                    Optimizer<?> o = Sgd.create(List.copyOf(params.values()), 0.01);
                    sgds.add(o);
                    return o;
                }));
        w.expect(1000 + 7, 400 + 3);
        // close() waits for both optimizers' trainers to settle (tiny steps: well inside the budget)
        w.close();
        assertThat(made).as("the first optimizer warms the step, then each gets a fresh trainer with the run's tails,"
                        + " and the first one more, whose first step meets the optimizer's compiled step")
                .containsExactly("adam", "adam", "sgd", "adam");
        assertThat(sgds.get(0).steps()).as("the second optimizer's trainer settled: at least MIN_STEPS")
                .isGreaterThanOrEqualTo(KernelWarmup.MIN_STEPS);
        assertThatCode(() -> KernelWarmup.start(spec, 32, run, List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void eachTrainerRunsTheRunsListenersInAScratchDirectoryThatIsDeletedAtTheEnd() throws IOException {
        MlpSpec spec = MlpSpec.of(12, List.of(10), 3);
        TrainConfig run = new TrainConfig(1, 200, 200, 100, 40, 1, 0, null);
        List<Path> scratches = Collections.synchronizedList(new ArrayList<>());
        List<Optimizer<?>> optimizers = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger steps = new AtomicInteger();
        KernelWarmup w = KernelWarmup.start(spec, 32, run, List.of(p -> Adam.adam(List.copyOf(p.values()), 1e-3, 0, Adam.Options.defaults())),
                (model, optimizer, scratch) -> {
                    scratches.add(scratch);
                    optimizers.add(optimizer);
                    return List.of(TrainListener.watching((t, r) -> {
                        steps.incrementAndGet();
                        if (r.validation() != null) {
                            try {
                                Files.writeString(scratch.resolve("seen.txt"), "step " + r.step());
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        }
                    }));
                });
        w.expect(1000 + 7, 400 + 3);
        w.close();
        assertThat(scratches).as("the first trainer, then one with the run's tails, and that optimizer's once more").hasSize(3).doesNotHaveDuplicates();
        assertThat(optimizers.get(2).steps()).as("each trainer's listeners are made for its own optimizer").isPositive();
        assertThat(steps.get()).as("the listeners saw every step").isEqualTo(w.steps());
        Path root = scratches.get(0).getParent();
        assertThat(scratches).allSatisfy(d -> assertThat(d.getParent()).isEqualTo(root));
        assertThat(root).as("the warm-up's scratch directory, with what its listeners wrote, is gone").doesNotExist();
    }

    @Test
    void atTheJvmsExitAWarmupStillRunningStopsAndDeletesItsScratchDirectory() throws IOException {
        MlpSpec spec = MlpSpec.of(12, List.of(10), 3);
        TrainConfig run = new TrainConfig(1, 200, 200, 100, 40, 1, 0, null);
        List<Path> scratches = Collections.synchronizedList(new ArrayList<>());
        KernelWarmup w = KernelWarmup.start(spec, 32, run, List.of(p -> Adam.adam(List.copyOf(p.values()), 1e-3, 0, Adam.Options.defaults())),
                (model, optimizer, scratch) -> {
                    scratches.add(scratch);
                    return List.of();
                });
        // No expect(): the first trainer waits for the data's sizes, with its scratch directory in place.
        assertThat(scratches).hasSize(1);
        assertThat(scratches.get(0)).exists();
        w.cleanUp(); // what the shutdown hook runs on Ctrl-C while the data loads
        assertThat(scratches.get(0).getParent()).doesNotExist();
        w.close();
    }

    @Test
    void runListenersThatCannotBeMadeLeaveTheWarmupRunningWithoutThem() throws IOException {
        MlpSpec spec = MlpSpec.of(12, List.of(10), 3);
        TrainConfig run = new TrainConfig(1, 200, 200, 100, 40, 1, 0, null);
        KernelWarmup w = KernelWarmup.start(spec, 32, run, List.of(p -> Adam.adam(List.copyOf(p.values()), 1e-3, 0, Adam.Options.defaults())),
                (model, optimizer, scratch) -> {
                    throw new dev.descent.io.InputException("--out " + scratch + " is not writable");
                });
        w.expect(1000 + 7, 400 + 3);
        w.close();
        assertThat(w.steps()).as("the warm-up went on without the run's listeners").isGreaterThanOrEqualTo(KernelWarmup.MIN_STEPS);
    }

    @Test
    void withoutRunListenersOrWithoutAWarmupNoScratchDirectoryIsMade() throws IOException {
        MlpSpec spec = MlpSpec.of(12, List.of(10), 3);
        TrainConfig run = new TrainConfig(1, 200, 200, 100, 40, 1, 0, null);
        List<Path> before = scratchDirectories();
        String was = System.getProperty(KernelWarmup.PROPERTY);
        System.setProperty(KernelWarmup.PROPERTY, "false");
        try {
            List<Path> made = new ArrayList<>();
            KernelWarmup off = KernelWarmup.start(spec, 32, run, List.of(p -> Adam.adam(List.copyOf(p.values()), 1e-3, 0, Adam.Options.defaults())),
                    (model, optimizer, scratch) -> {
                        made.add(scratch);
                        return List.of();
                    });
            off.close();
            assertThat(made).as("a warm-up turned off makes no trainer run, and no directory").isEmpty();
        } finally {
            if (was == null) {
                System.clearProperty(KernelWarmup.PROPERTY);
            } else {
                System.setProperty(KernelWarmup.PROPERTY, was);
            }
        }
        assertThat(scratchDirectories()).containsExactlyInAnyOrderElementsOf(before);
    }

    @Test
    void aWarmupTurnedOffByItsCallerTrainsNothingAndAnswersEveryCall() {
        MlpSpec spec = MlpSpec.of(12, List.of(10), 3);
        TrainConfig run = new TrainConfig(1, 200, 200, 100, 40, 1, 0, null);
        List<Path> made = new ArrayList<>();
        KernelWarmup off = KernelWarmup.start(spec, 32, run, List.of(p -> Adam.adam(List.copyOf(p.values()), 1e-3, 0, Adam.Options.defaults())),
                (model, optimizer, scratch) -> {
                    made.add(scratch);
                    return List.of();
                }, false);
        assertThat(off.enabled()).isFalse();
        off.expect(1000 + 7, 400 + 3);
        off.close();
        off.cancel();
        assertThat(off.steps()).isZero();
        assertThat(off.validations()).isZero();
        assertThat(made).as("no trainer, so no listeners made").isEmpty();
    }

    private static List<Path> scratchDirectories() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("descent-warmup-")).toList();
        }
    }

    @Test
    void sparsifyHiddenLeavesAboutFifteenPercentOfEachHiddenLayerNonZero() {
        MlpSpec spec = MlpSpec.of(64, List.of(40, 30), 5);
        Mlp model = new Mlp(spec, new Generator(3));
        Tensor x = sparseInputs(256, spec.inDim());
        assertThat(hiddenDensities(model, x)).allSatisfy(d -> assertThat(d).isGreaterThan(0.35));
        KernelWarmup.sparsifyHidden(model, x);
        assertThat(hiddenDensities(model, x)).allSatisfy(d -> assertThat(d).isBetween(0.1, 0.2));
        float[] lastBias = model.linears().get(2).bias().toArray();
        assertThat(new Mlp(spec, new Generator(3)).linears().get(2).bias().toArray()).as("the output layer is left alone").isEqualTo(lastBias);
    }

    @Test
    void sparsifyHiddenLeavesModelsWithoutZerosOrBiasesAlone() {
        for (MlpSpec spec : List.of(new MlpSpec(16, List.of(12), 3, true, Activation.TANH), new MlpSpec(16, List.of(12), 3, false, Activation.RELU))) {
            Mlp model = new Mlp(spec, new Generator(3)), fresh = new Mlp(spec, new Generator(3));
            KernelWarmup.sparsifyHidden(model, sparseInputs(32, spec.inDim()));
            for (int i = 0; i < model.parameters().size(); i++) {
                assertThat(model.parameters().get(i).toArray()).as("%s, tensor %d", spec, i).isEqualTo(fresh.parameters().get(i).toArray());
            }
        }
    }

    @Test
    void whileTheDataLoadsASettledWarmupTrainsASparseModelUntilTheRunsSizesCome() throws InterruptedException {
        MlpSpec spec = MlpSpec.of(12, List.of(10), 3);
        TrainConfig run = new TrainConfig(1, 200, 200, 100, 40, 1, 0, null);
        List<Optimizer<?>> made = java.util.Collections.synchronizedList(new ArrayList<>());
        KernelWarmup w = KernelWarmup.start(spec, 32, run, recordingAdam(made));
        for (int i = 0; i < 20_000 && (made.size() < 2 || made.get(1).steps() == 0); i++) {
            Thread.sleep(1);
        }
        assertThat(made).as("the first trainer settled, and the sparse one began while no sizes had come").hasSizeGreaterThanOrEqualTo(2);
        assertThat(made.get(1).paramGroups().get(0).lr()).as("the sparse trainer's rate, scaled down").isCloseTo(1e-3 * KernelWarmup.SPARSE_LR_SCALE, within(1e-12));
        w.expect(1000 + 7, 400 + 3);
        w.close();
        assertThat(made).as("expect() stopped it: then a trainer with the run's tails, and the first optimizer's once more").hasSize(4);
        assertThat(made.get(2).paramGroups().get(0).lr()).as("the tails' trainers train at the run's rate").isEqualTo(1e-3);
        assertThat(made.get(2).steps()).isGreaterThanOrEqualTo(KernelWarmup.MIN_STEPS);
    }

    /** A factory of Adam at lr 1e-3 that adds each optimizer it makes to {@code made}. */
    private static Function<Map<String, Tensor>, Optimizer<?>> recordingAdam(List<Optimizer<?>> made) {
        return params -> {
            Optimizer<?> o = Adam.adam(List.copyOf(params.values()), 1e-3, 0, Adam.Options.defaults());
            made.add(o);
            return o;
        };
    }

    /** Synthetic inputs as the warm-up's: mostly zero, the rest uniform in [0, 1). */
    private static Tensor sparseInputs(int rows, int cols) {
        Generator g = new Generator(5);
        float[] x = new float[rows * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = g.nextDouble() < 0.7 ? 0f : (float) g.nextDouble();
        }
        return Tensor.of(x, rows, cols);
    }

    /** The share of non-zero outputs of each hidden layer of {@code model} on {@code x}. */
    private static List<Double> hiddenDensities(Mlp model, Tensor x) {
        List<Double> out = new ArrayList<>();
        try (Grad.Scope off = Grad.off()) {
            Tensor h = x;
            for (int i = 0; i + 1 < model.linears().size(); i++) {
                h = model.linears().get(i).forward(h).relu();
                float[] v = h.toArray();
                long nonZero = 0;
                for (float f : v) {
                    nonZero += f != 0f ? 1 : 0;
                }
                out.add((double) nonZero / v.length);
            }
        }
        return out;
    }

    @Test
    void closeDoesNotWaitForDataSizesThatNeverCome() {
        MlpSpec spec = MlpSpec.of(12, List.of(10), 3);
        TrainConfig run = new TrainConfig(1, 200, 200, 100, 40, 1, 0, null);
        KernelWarmup w = KernelWarmup.start(spec, 32, run, params -> Adam.adam(List.copyOf(params.values()), 1e-3, 0, Adam.Options.defaults()));
        long t0 = System.nanoTime();
        w.close();
        // It waits for the first trainer to settle (a few hundred tiny steps), not for an expect() that
        // never comes: that wait would last until the deadline, 8 s after start.
        assertThat(System.nanoTime() - t0).isLessThan(KernelWarmup.BUDGET_NANOS - 1_000_000_000L);
    }

    @Test
    void aRunIsBitIdenticalWithAndWithoutAWarmupRunningBesideIt() {
        MlpSpec spec = MlpSpec.of(30, List.of(24, 16), 4);
        List<float[]> quiet = train(spec, false), warmed = train(spec, true);
        for (int i = 0; i < quiet.size(); i++) {
            assertThat(Arrays.equals(quiet.get(i), warmed.get(i))).as("tensor %d", i).isTrue();
        }
    }

    /** Two epochs of a small run with validation; its losses and final weights. */
    private static List<float[]> train(MlpSpec spec, boolean withWarmup) {
        List<Dataset> parts = RandomSets.trainAndVal(spec.inDim(), spec.outDim(), 7, 300, 100);
        TrainConfig cfg = new TrainConfig(2, 1000, 3, 2, 32, 1, 0, null);
        KernelWarmup w = withWarmup ? KernelWarmup.start(spec, 64, cfg, p -> Adam.adam(List.copyOf(p.values()), 1e-3, 0, Adam.Options.defaults())) : null;
        try {
            Mlp model = new Mlp(spec, new Generator(1));
            Optimizer<Adam.Options> opt = Adam.adam(model.parameters(), 1e-3, 0, Adam.Options.defaults());
            Trainer t = new Trainer(model, opt, null, null, new DataLoader(parts.get(0), 64, true, false, true, new Generator(2)), parts.get(1), cfg, List.of());
            t.fit();
            List<float[]> out = new ArrayList<>(List.of(t.history().trainLoss(), t.history().valLoss()));
            model.parameters().forEach(p -> out.add(p.toArray()));
            return out;
        } finally {
            if (w != null) {
                w.cancel();
                w.close();
            }
        }
    }
}
