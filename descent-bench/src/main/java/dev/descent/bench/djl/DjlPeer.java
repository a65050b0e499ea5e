package dev.descent.bench.djl;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import dev.descent.data.Batch;
import dev.descent.data.DataLoader;
import dev.descent.data.Dataset;
import dev.descent.data.Datasets;
import dev.descent.data.IdxImages;
import dev.descent.nn.Mlp;
import dev.descent.nn.MlpSpec;
import dev.descent.tensor.Generator;
import dev.descent.tensor.Tensor;

/**
 * The DJL side of {@code descent bench --peer djl}: the benchmark MLP trained with DJL's PyTorch
 * engine (libtorch's own CPU kernels behind JNI), in a JVM of its own, driven one epoch at a time
 * so that the bench can interleave it with Descent and PyTorch.
 *
 * <p>It trains what Descent trains: the same 50,000 examples (Descent's split), the same batches in
 * the same order (Descent's {@link DataLoader} with the same seed), the same initial weights
 * (copied from a Descent {@link Mlp} built with the same seed: PyTorch's init family), Adam with lr
 * 1e-3 and PyTorch's defaults, and log-softmax + NLL (DJL's softmax cross-entropy on logits). The
 * loop is DJL's lean training path: a gradient collector, {@code Trainer.forward}, {@code backward},
 * {@code Trainer.step}, with each batch's arrays freed by a sub-manager.
 *
 * <p>Protocol, one line each way: the peer prints a JSON {@code ready} line; then for every command
 * read from standard input it prints one JSON line: {@code batch B} builds a fresh model and
 * optimizer for batch size B, {@code epoch} trains one epoch and reports its seconds and mean loss,
 * {@code quit} ends. Errors end the process with a one-line message on standard error.
 *
 * <p>Arguments: {@code DATA_DIR HELD_OUT THREADS HIDDEN} (a directory with MNIST-named IDX files,
 * the examples held out of the training set, the intra-op threads, the hidden sizes as a comma
 * list). Run it with {@code -Dai.djl.offline=true} so that DJL never downloads: the native library
 * comes from the {@code pytorch-native-cpu} jar on the class path.
 */
public final class DjlPeer {

    private static final long SPLIT_SEED = 2021, INIT_SEED = 2021, SHUFFLE_SEED = 2022;

    private final Dataset train;
    private final MlpSpec spec;
    private final NDManager root;
    private Model model;
    private Trainer trainer;
    private DataLoader loader;
    private int batch;

    private DjlPeer(Dataset train, MlpSpec spec, NDManager root) {
        this.train = train;
        this.spec = spec;
        this.root = root;
    }

    /** Runs the protocol on standard input and output. */
    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: DjlPeer DATA_DIR HELD_OUT THREADS HIDDEN");
            System.exit(2);
        }
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        Path dir = Path.of(args[0]);
        int heldOut = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        // DJL reads these when the engine loads: two intra-op threads like every other side, no inter-op pool.
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        List<Integer> hidden = new ArrayList<>();
        for (String h : args[3].split(",")) {
            if (!h.isBlank()) {
                hidden.add(Integer.parseInt(h.trim()));
            }
        }
        IdxImages.TrainTest tt = IdxImages.load(IdxImages.locate(dir), 0);
        Dataset train = Datasets.split(tt.train(), SPLIT_SEED, tt.train().size() - heldOut, heldOut).get(0);
        MlpSpec spec = MlpSpec.of(train.exampleNumel(), hidden, train.numClasses());
        Engine engine = Engine.getEngine("PyTorch");
        try (NDManager root = engine.newBaseManager(Device.cpu())) {
            DjlPeer peer = new DjlPeer(train, spec, root);
            out.printf(Locale.ROOT, "{\"ready\": true, \"engine\": \"%s %s\", \"djl\": \"%s\"}%n",
                    engine.getEngineName(), engine.getVersion(), Engine.getDjlVersion());
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                String[] cmd = line.trim().split("\\s+");
                switch (cmd[0]) {
                    case "batch" -> {
                        peer.build(Integer.parseInt(cmd[1]));
                        out.printf(Locale.ROOT, "{\"batch\": %d, \"ready\": true}%n", peer.batch);
                    }
                    case "epoch" -> {
                        long t0 = System.nanoTime();
                        double loss = peer.epoch();
                        double s = (System.nanoTime() - t0) / 1e9;
                        out.printf(Locale.ROOT, "{\"batch\": %d, \"seconds\": %.6f, \"loss\": %.6f}%n", peer.batch, s, loss);
                    }
                    case "quit" -> {
                        peer.close();
                        return;
                    }
                    default -> throw new IllegalArgumentException("unknown command: " + line);
                }
            }
            peer.close();
        }
    }

    /** A fresh model (Descent's initial weights), Adam and loader for batch size {@code b}. */
    private void build(int b) {
        close();
        batch = b;
        SequentialBlock net = new SequentialBlock();
        int[] d = spec.dims();
        for (int i = 0; i + 1 < d.length; i++) {
            if (i > 0) {
                net.add(Activation::relu);
            }
            net.add(Linear.builder().setUnits(d[i + 1]).optBias(spec.bias()).build());
        }
        model = Model.newInstance("mlp", Device.cpu(), "PyTorch");
        model.setBlock(net);
        DefaultTrainingConfig cfg = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build())
                .optDevices(new Device[] {Device.cpu()});
        trainer = model.newTrainer(cfg);
        trainer.initialize(new Shape(b, d[0]));
        copyInitialWeights(net);
        loader = new DataLoader(train, b, true, false, true, new Generator(SHUFFLE_SEED));
    }

    /** Descent's initial weights for the same seed, in parameter order (weight [out, in], bias [out] per layer in both). */
    private void copyInitialWeights(SequentialBlock net) {
        List<Tensor> ours = new Mlp(spec, new Generator(INIT_SEED)).parameters();
        Iterator<Tensor> it = ours.iterator();
        for (Pair<String, Parameter> p : net.getParameters()) {
            NDArray a = p.getValue().getArray();
            Tensor t = it.next();
            long[] shape = Arrays.stream(t.shape()).asLongStream().toArray();
            if (!Arrays.equals(a.getShape().getShape(), shape)) {
                throw new IllegalStateException("parameter " + p.getKey() + " has shape " + a.getShape() + ", Descent's " + Arrays.toString(shape));
            }
            a.set(t.data());
        }
        if (it.hasNext()) {
            throw new IllegalStateException("DJL's model has fewer parameters than Descent's");
        }
    }

    /** One pass over the training set; returns the mean batch loss. */
    private double epoch() {
        double sum = 0;
        int n = 0;
        int row = train.exampleNumel();
        for (Batch b : loader) {
            try (NDManager m = root.newSubManager()) {
                NDList x = new NDList(m.create(b.x().data(), new Shape(b.size(), row)));
                NDList y = new NDList(m.create(b.y(), new Shape(b.size())));
                try (GradientCollector gc = trainer.newGradientCollector()) {
                    NDList logits = trainer.forward(x, y);
                    NDArray loss = trainer.getLoss().evaluate(y, logits);
                    gc.backward(loss);
                    sum += loss.getFloat();
                    n++;
                }
                trainer.step();
            }
        }
        return sum / Math.max(1, n);
    }

    private void close() {
        if (trainer != null) {
            trainer.close();
            model.close();
            trainer = null;
            model = null;
        }
    }
}
