package dev.descent.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.descent.data.DataLoader;
import dev.descent.data.TensorDataset;
import dev.descent.io.Checkpoint;
import dev.descent.io.Idx;
import dev.descent.io.IdxArray;
import dev.descent.io.IdxType;
import dev.descent.io.InputException;
import dev.descent.io.Json;
import dev.descent.io.OptimizerCheckpoint;
import dev.descent.io.Safetensors;
import dev.descent.nn.Mlp;
import dev.descent.optim.Adam;
import dev.descent.optim.Optimizer;
import dev.descent.tensor.Generator;
import dev.descent.tensor.Tensor;
import dev.descent.testing.Fuzz;
import dev.descent.testing.Golden;
import dev.descent.train.HistoryLog;
import dev.descent.train.RunDir;
import dev.descent.train.TrainConfig;
import dev.descent.train.Trainer;

/**
 * The core's parsers of outside bytes as fuzz targets, each with valid seed files: IDX (raw and
 * gzip), safetensors, model checkpoints, optimizer state and trainer state. Each may throw only
 * {@link InputException} (the format error and its kin).
 */
public final class CoreTargets {

    private CoreTargets() {
    }

    /** IDX bytes, raw or gzip, as {@code descent train --dataset DIR} reads them. */
    public static final Fuzz.Target IDX = new Fuzz.Target("idx", InputException.class, b -> Idx.read(b, "fuzz.idx"));

    /** Any safetensors file. */
    public static final Fuzz.Target SAFETENSORS = new Fuzz.Target("safetensors", InputException.class, b -> Safetensors.read(b, "fuzz.safetensors"));

    /** A model checkpoint as {@code eval} and {@code --resume} load it. */
    public static final Fuzz.Target CHECKPOINT = new Fuzz.Target("checkpoint", InputException.class,
            b -> Checkpoint.load(Safetensors.read(b, "model.safetensors"), "model.safetensors"));

    /** An optimizer state as {@code --resume} loads it into the run's optimizer (Adam over a 6-4-3 MLP). */
    public static final Fuzz.Target OPTIMIZER = new Fuzz.Target("optimizer-state", InputException.class,
            b -> OptimizerCheckpoint.load(Safetensors.read(b, "optimizer.safetensors"), "optimizer.safetensors", adam(Mlp.of(6, List.of(4), 3, 1))));

    /**
     * A trainer state as {@code --resume} reads it: an inline history (a run checkpointed before the
     * history log) is restored into the run's trainer; a log's extent is checked as a field.
     */
    public static final Fuzz.Target TRAINER_STATE = new Fuzz.Target("trainer-state", InputException.class, b -> {
        RunDir.StateFile s = RunDir.parseState(Json.parse(b, "trainer-state.json"), "trainer-state.json");
        if (s.history() instanceof RunDir.SavedHistory.Inline in) {
            trainer().restore(s.state(), in.history());
        }
    });

    /** A history log ({@code trainer-history.bin}), all of its bytes as the extent a checkpoint covers. */
    public static final Fuzz.Target TRAINER_HISTORY = new Fuzz.Target("trainer-history", InputException.class,
            b -> HistoryLog.parse(new java.io.ByteArrayInputStream(b), b.length, "trainer-history.bin"));

    /** Every core target. */
    public static final List<Fuzz.Target> ALL = List.of(IDX, SAFETENSORS, CHECKPOINT, OPTIMIZER, TRAINER_STATE, TRAINER_HISTORY);

    static Optimizer<Adam.Options> adam(Mlp model) {
        return Adam.adam(model.parameters(), 0.01, 0, Adam.Options.defaults());
    }

    private static TensorDataset data() {
        Generator g = new Generator(3);
        float[] x = new float[40 * 6];
        int[] y = new int[40];
        for (int i = 0; i < 40; i++) {
            y[i] = g.nextInt(3);
            for (int f = 0; f < 6; f++) {
                x[i * 6 + f] = (float) g.nextGaussian() + (f % 3 == y[i] ? 1 : 0);
            }
        }
        return new TensorDataset(Tensor.of(x, 40, 6), y, 3);
    }

    /** The run every trainer state is restored into: 2 epochs of 5 batches. */
    static Trainer trainer() {
        Mlp model = Mlp.of(6, List.of(4), 3, 1);
        Optimizer<Adam.Options> opt = adam(model);
        DataLoader loader = new DataLoader(data(), 8, true, false, true, new Generator(1));
        return new Trainer(model, opt, null, null, loader, data(), new TrainConfig(2, 3, 3, 1, 16, 1, 0, null), List.of());
    }

    /** Valid files for {@code target}, written by the library itself (and PyTorch's, for safetensors). */
    public static List<byte[]> seeds(Fuzz.Target target, Path tmp) {
        try {
            List<byte[]> out = new ArrayList<>();
            switch (target.name()) {
                case "idx" -> {
                    for (IdxType t : IdxType.values()) {
                        double[] v = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
                        for (boolean gz : new boolean[] {false, true}) {
                            Path f = tmp.resolve("seed-" + t + gz + ".idx");
                            Idx.write(f, IdxArray.of(t, v, 3, 2, 2), gz);
                            out.add(Files.readAllBytes(f));
                        }
                    }
                    Path labels = tmp.resolve("labels.idx");
                    Idx.write(labels, IdxArray.ofUnsignedBytes(new byte[] {1, 2, 3, 0, 9}, 5), false);
                    out.add(Files.readAllBytes(labels));
                }
                case "safetensors" -> {
                    out.add(Files.readAllBytes(Golden.dir().resolve("io/tiny_mlp.safetensors")));
                    out.add(Files.readAllBytes(Golden.dir().resolve("io/mixed_dtypes.safetensors")));
                    out.add(checkpoint(tmp, Mlp.of(3, List.of(2), 2, 5)));
                }
                case "checkpoint" -> {
                    out.add(Files.readAllBytes(Golden.dir().resolve("io/tiny_mlp.safetensors")));
                    out.add(checkpoint(tmp, Mlp.of(6, List.of(4), 3, 1)));
                    out.add(checkpoint(tmp, Mlp.of(5, List.of(), 2, 1)));
                }
                case "optimizer-state" -> {
                    Mlp m = Mlp.of(6, List.of(4), 3, 1);
                    Optimizer<Adam.Options> opt = adam(m);
                    Tensor x = Tensor.randn(new Generator(2), 5, 6);
                    for (int i = 0; i < 2; i++) {
                        opt.zeroGrad();
                        dev.descent.tensor.F.nllLoss(m.forward(x), new int[] {0, 1, 2, 0, 1}).backward();
                        opt.step();
                    }
                    Path f = tmp.resolve("optimizer.safetensors");
                    OptimizerCheckpoint.save(f, opt);
                    out.add(Files.readAllBytes(f));
                    OptimizerCheckpoint.save(f, adam(m)); // no steps yet: no per-parameter state
                    out.add(Files.readAllBytes(f));
                }
                case "trainer-state" -> {
                    for (Path dir : checkpointedRuns(tmp)) {
                        out.add(Files.readAllBytes(dir.resolve(RunDir.STATE)));
                    }
                    // Trainer states of runs checkpointed before the history log, written by that code.
                    for (int i = 0; i < 3; i++) {
                        try (var in = RunDir.class.getResourceAsStream("inline-history-trainer-state-" + i + ".json")) {
                            out.add(in.readAllBytes());
                        }
                    }
                }
                case "trainer-history" -> {
                    for (Path dir : checkpointedRuns(tmp)) {
                        out.add(Files.readAllBytes(dir.resolve(RunDir.HISTORY)));
                    }
                }
                default -> throw new IllegalArgumentException("no seeds for " + target.name());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Three runs of {@link #trainer()}, checkpointed at step 2 and stopped at step 3, 7 and 10, with a measurement column. */
    private static List<Path> checkpointedRuns(Path tmp) throws IOException {
        List<Path> dirs = new ArrayList<>();
        Path runs = Files.createTempDirectory(tmp, "runs");
        for (int stopAt : new int[] {3, 7, 10}) {
            Trainer t = trainer();
            Path dir = Files.createDirectories(runs.resolve("run" + stopAt));
            RunDir rd = RunDir.create(dir);
            t = new Trainer(t.model(), t.optimizer(), null, null, new DataLoader(data(), 8, true, false, true, new Generator(1)), data(),
                    t.config(), List.of(new dev.descent.train.TrainListener() {
                        @Override
                        public void onStep(Trainer tr, StepReport r) {
                            if (r.step() % 3 == 0) {
                                tr.history().addMetric("sharpness", r.step(), 1.5 + r.step()); // a measurement column, as --track-sharpness keeps
                            }
                            if (r.step() == 2 || r.step() == stopAt) { // two checkpoints: a log of two chunks
                                rd.checkpoint((Mlp) tr.model(), tr.optimizer(), tr);
                            }
                            if (r.step() == stopAt) {
                                tr.requestStop();
                            }
                        }
                    }));
            t.fit();
            dirs.add(dir);
        }
        return dirs;
    }

    private static byte[] checkpoint(Path tmp, Mlp m) throws IOException {
        Path f = tmp.resolve("model.safetensors");
        Checkpoint.save(f, m, Map.of());
        return Files.readAllBytes(f);
    }
}
