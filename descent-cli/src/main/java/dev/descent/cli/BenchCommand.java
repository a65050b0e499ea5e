package dev.descent.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.descent.data.DataLoader;
import dev.descent.data.Dataset;
import dev.descent.data.Datasets;
import dev.descent.data.IdxImages;
import dev.descent.data.MnistFiles;
import dev.descent.data.RemoteDataset;
import dev.descent.nn.Mlp;
import dev.descent.nn.MlpSpec;
import dev.descent.optim.Adam;
import dev.descent.optim.Optimizer;
import dev.descent.tensor.Generator;
import dev.descent.tensor.Tensor;
import dev.descent.tensor.kernel.CoreLatency;
import dev.descent.tensor.kernel.Parallel;
import dev.descent.tensor.kernel.Peak;
import dev.descent.train.KernelWarmup;
import dev.descent.train.TrainConfig;
import dev.descent.train.TrainResult;
import dev.descent.train.Trainer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code descent bench}: seconds per epoch and examples/s of the benchmark MLP (784-200-100-50-10)
 * with Adam on MNIST's 50,000-image training split, at several batch sizes, side by side with peers:
 * PyTorch (when a Python with torch is found) and, with {@code --peer djl}, DJL's PyTorch engine in a
 * JVM of its own. The sides run interleaved, one epoch each in turn (Descent, PyTorch, DJL, Descent,
 * …), with the FMA-peak probe measured after every epoch, so that a noisy minute of a shared machine
 * cannot favour one side; the first epoch of each side is a warm-up, the median of the others is
 * reported. Before its first epoch at each batch size Descent runs the warm-up every {@code train}
 * run has ({@link KernelWarmup}): without it the JIT was still compiling the step during its second
 * epoch, the first one counted. The machine class (AVX2, AVX-512) is printed with the figures.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, abbreviateSynopsis = true, sortOptions = false,
        description = "Seconds per epoch and examples/s of the benchmark MLP with Adam, interleaved with PyTorch and DJL.")
public final class BenchCommand implements Callable<Integer> {

    /** The environment variable the launcher sets to the DJL peer's class path. */
    static final String DJL_CLASSPATH_ENV = "DESCENT_DJL_CLASSPATH";

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--batch-sizes", split = ",", defaultValue = "64,256,1024", paramLabel = "B1,B2,…", description = "batch sizes (default: ${DEFAULT-VALUE})")
    List<Integer> batchSizes;

    @Option(names = "--epochs", defaultValue = "3", paramLabel = "N", description = "epochs per batch size and side, the first a warm-up (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--threads", paramLabel = "N", description = "threads for every side (default: all cores)")
    Integer threads;

    @Option(names = "--torch", defaultValue = "auto", paramLabel = "auto|off|PYTHON",
            description = "compare with PyTorch: auto finds a python3 with torch, off skips it, or a python executable (default: ${DEFAULT-VALUE})")
    String torch;

    @Option(names = "--peer", split = ",", paramLabel = "djl", description = "more peers: djl (DJL's PyTorch engine in its own JVM; needs the descent-bench module built, which ./descent does)")
    List<String> peers = new ArrayList<>();

    @Option(names = "--djl-classpath", paramLabel = "CP", description = "the DJL peer's class path (default: $" + DJL_CLASSPATH_ENV + ", which ./descent sets)")
    String djlClasspath;

    @Mixin
    DataSource data = new DataSource();

    @Option(names = "--json", paramLabel = "FILE", description = "also write the results as JSON")
    Path json;

    private static final List<Integer> HIDDEN = List.of(200, 100, 50);
    /** Descent's split and initial weights (train's defaults); its shuffling seed. The DJL peer uses the same. */
    private static final long SEED = 2021, SHUFFLE_SEED = 2022;

    /** FLOPs of one example's forward and backward: 2·MACs each for the forward, the weight gradients and the input gradients (none for the data). */
    static double flopsPerExample(MlpSpec spec) {
        int[] d = spec.dims();
        return 2.0 * (3 * spec.macsPerExample() - (long) d[0] * d[1]);
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (epochs < 2) {
            throw new BadInputException("--epochs must be >= 2 (the first is a warm-up), got " + epochs);
        }
        for (int b : batchSizes) {
            if (b < 1) {
                throw new BadInputException("--batch-sizes must be positive, got " + b);
            }
        }
        for (String p : peers) {
            if (!p.equals("djl")) {
                throw new BadInputException("--peer: unknown peer '" + p + "' (known: djl)");
            }
        }
        String djlCp = djlClasspath != null ? djlClasspath : System.getenv(DJL_CLASSPATH_ENV);
        if (peers.contains("djl") && (djlCp == null || djlCp.isBlank())) {
            throw new BadInputException("--peer djl: no class path for the DJL peer; run through ./descent (it builds descent-bench) or pass --djl-classpath");
        }
        if (threads != null) {
            if (threads < 1) {
                throw new BadInputException("--threads must be >= 1, got " + threads);
            }
            Parallel.setThreads(threads);
        }
        int nThreads = Parallel.threads();
        MnistFiles files = data.files(out);
        IdxImages.TrainTest tt = data.load(files);
        // train's split: 50,000 of MNIST's 60,000 training images, the other 10,000 for validation
        int held = Math.min(10_000, tt.train().size() / 6);
        Dataset train = Datasets.split(tt.train(), SEED, tt.train().size() - held, held).get(0);
        MlpSpec spec = MlpSpec.of(train.exampleNumel(), HIDDEN, train.numClasses());
        MachineClass machine = MachineClass.detect();
        out.printf(Locale.ROOT, "machine class: %s%n", machine.describe());
        out.printf(Locale.ROOT, "benchmark %s, Adam lr 1e-3, %,d examples per epoch, %d thread(s), median of %d epoch%s after a warm-up epoch (Descent: and train's step warm-up), sides interleaved epoch by epoch%n",
                TrainingSession.describe(spec), train.size(), nThreads, epochs - 1, epochs - 1 == 1 ? "" : "s");

        List<BenchSide> sides = new ArrayList<>();
        sides.add(new DescentSide(train, spec, epochs));
        try {
            BenchSide pt = torchSide(files, train, nThreads, out);
            if (pt != null) {
                sides.add(pt);
            }
            if (peers.contains("djl")) {
                sides.add(djlSide(djlCp, files, held, nThreads, out));
            }
            List<Row> rows = new ArrayList<>();
            for (int b : batchSizes) {
                rows.add(measure(sides, b, nThreads, out));
            }
            report(rows, sides, spec, train.size(), out);
            if (json != null) {
                writeJson(rows, sides, machine, nThreads, spec, train.size());
            }
        } finally {
            sides.forEach(BenchSide::close);
        }
        return 0;
    }

    /** Epoch seconds of every side at one batch size, interleaved, with the probe after each epoch. */
    private Row measure(List<BenchSide> sides, int batch, int nThreads, PrintWriter out) throws IOException {
        for (BenchSide s : sides) {
            s.batch(batch);
        }
        double[][] seconds = new double[sides.size()][epochs];
        double[][] losses = new double[sides.size()][epochs];
        List<CoreProbe> probes = new ArrayList<>();
        for (int e = 0; e < epochs; e++) {
            for (int i = 0; i < sides.size(); i++) {
                BenchSide.Epoch ep = sides.get(i).epoch();
                seconds[i][e] = ep.seconds();
                losses[i][e] = ep.meanLoss();
                CoreProbe p = CoreProbe.measure(sides.get(i).name(), nThreads);
                probes.add(p);
                out.printf(Locale.ROOT, "  batch %d epoch %d %-8s %8.3f s  mean loss %.4f   FMA peak after it: %.0f GFLOP/s on 1 thread, %.0f on %d; core-to-core %s%n",
                        batch, e + 1, sides.get(i).name(), ep.seconds(), ep.meanLoss(), p.oneThreadGflops(), p.allThreadsGflops(), nThreads, nanos(p.roundTripNanos()));
                out.flush();
            }
        }
        return new Row(batch, seconds, losses, probes);
    }

    /** One batch size's measurements: seconds[side][epoch], loss[side][epoch], and the probes in the order they were taken. */
    record Row(int batch, double[][] seconds, double[][] losses, List<CoreProbe> probes) {

        double median(int side) {
            return BenchCommand.median(seconds[side]);
        }

        /** The median all-threads probe of the run at this batch size. */
        double peak() {
            double[] p = probes.stream().mapToDouble(CoreProbe::allThreadsGflops).toArray();
            Arrays.sort(p);
            return middle(p);
        }

        double minPeak() {
            return probes.stream().mapToDouble(CoreProbe::allThreadsGflops).min().orElse(0);
        }

        double maxPeak() {
            return probes.stream().mapToDouble(CoreProbe::allThreadsGflops).max().orElse(0);
        }

        /** The core-to-core round trips beside this batch size's epochs, sorted (NaN where not measurable). */
        double[] roundTrips() {
            double[] r = probes.stream().mapToDouble(CoreProbe::roundTripNanos).toArray();
            Arrays.sort(r);
            return r;
        }
    }

    /** The median of sorted values (the mean of the middle two for an even count). */
    static double middle(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String nanos(double ns) {
        return Double.isNaN(ns) ? "n/a (one CPU)" : String.format(Locale.ROOT, "%.0f ns", ns);
    }

    private void report(List<Row> rows, List<BenchSide> sides, MlpSpec spec, int examples, PrintWriter out) {
        out.println();
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%6s %10s %11s %9s %10s", "batch", "s/epoch", "examples/s", "GFLOP/s", "% of peak"));
        for (int i = 1; i < sides.size(); i++) {
            head.append(String.format(Locale.ROOT, " %12s %8s", sides.get(i).name() + " s/ep", "speed-up"));
        }
        out.println(head.append(String.format(Locale.ROOT, " %16s %17s", "FMA peak GFLOP/s", "core-to-core ns")));
        for (Row r : rows) {
            double s = r.median(0);
            double gflops = examples * flopsPerExample(spec) / s / 1e9;
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%6d %10.3f %11s %9.1f %9.0f%%", r.batch(), s,
                    String.format(Locale.ROOT, "%,.0f", examples / s), gflops, 100 * gflops / r.peak()));
            for (int i = 1; i < sides.size(); i++) {
                line.append(String.format(Locale.ROOT, " %12.3f %7.2fx", r.median(i), r.median(i) / s));
            }
            line.append(String.format(Locale.ROOT, " %5.0f (%.0f-%.0f)", r.peak(), r.minPeak(), r.maxPeak()));
            double[] rt = r.roundTrips();
            line.append(Double.isNaN(rt[0]) ? "   n/a" : String.format(Locale.ROOT, " %6.0f (%.0f-%.0f)", middle(rt), rt[0], rt[rt.length - 1]));
            out.println(line);
        }
        out.println("% of peak: Descent's GFLOP/s against the median all-threads FMA probe taken beside this batch size's epochs.");
        out.println("GFLOP/s counts the dense model's operations. Descent's kernels skip multiply-adds by inputs that are zero (on");
        out.println("  MNIST, 81% of the pixels: with AVX-512 the first layer works on the non-zero pixels alone; with AVX2 so does");
        out.println("  its forward of more than 128 rows, and a third of the rest is skipped); -Ddescent.skipZeros=false: dense.");
        out.println("core-to-core: a cache line's round trip between two threads after each epoch; several times longer when the VM's");
        out.println("  virtual CPUs sit on distant cores, which slows every multi-threaded side (docs/PERFORMANCE.md, section 8).");
    }

    private void writeJson(List<Row> rows, List<BenchSide> sides, MachineClass machine, int nThreads, MlpSpec spec, int examples) {
        ObjectNode o = TrainingSession.JSON.createObjectNode();
        o.put("machine_class", machine.name());
        o.put("kernels", machine.kernels());
        o.put("threads", nThreads);
        o.put("examples_per_epoch", examples);
        o.put("flops_per_example", flopsPerExample(spec));
        ArrayNode rs = o.putArray("results");
        for (Row r : rows) {
            ObjectNode j = rs.addObject();
            j.put("batch", r.batch());
            for (int i = 0; i < sides.size(); i++) {
                String key = sides.get(i).name().toLowerCase(Locale.ROOT);
                j.set(key + "_epoch_seconds", TrainingSession.JSON.valueToTree(r.seconds()[i]));
                j.set(key + "_epoch_mean_loss", TrainingSession.JSON.valueToTree(r.losses()[i]));
                j.put(key + "_median_seconds", r.median(i));
                if (i > 0) {
                    j.put(key + "_speedup", r.median(i) / r.median(0));
                }
            }
            j.put("fma_peak_median_gflops", r.peak());
            j.set("fma_probes", TrainingSession.JSON.valueToTree(r.probes()));
        }
        TrainingSession.writePrettyJson(json, o);
    }

    /**
     * The machine's FMA throughput on one thread and on all, and the core-to-core round trip
     * ({@link CoreLatency}), measured right after one side's epoch. On a shared VM the second core
     * sometimes adds nothing (its virtual cores share one physical core, or another job runs), and
     * the two cores are sometimes far apart (another die), which slows every side; the probes let a
     * reader tell a slow machine from a slow program.
     */
    record CoreProbe(String after, double oneThreadGflops, double allThreadsGflops, double roundTripNanos) {

        static CoreProbe measure(String after, int threads) {
            return new CoreProbe(after, Peak.throughput(1), Peak.throughput(threads), CoreLatency.roundTripNanos());
        }
    }

    /** The median of all epochs but the first (the warm-up). */
    static double median(double[] epochSeconds) {
        double[] m = Arrays.copyOfRange(epochSeconds, 1, epochSeconds.length);
        Arrays.sort(m);
        return middle(m);
    }

    /** Descent in this JVM: the real {@link Trainer} loop, one epoch per call on the same model, optimizer and loader. */
    private static final class DescentSide implements BenchSide {
        private final Dataset train;
        private final MlpSpec spec;
        /** The epochs of each batch size, the warm-up's included. */
        private final int epochs;
        private Mlp model;
        private Optimizer<Adam.Options> opt;
        private DataLoader loader;
        /** One trainer for all of a batch size's epochs, as {@code train} has for its run. */
        private Trainer trainer;

        DescentSide(Dataset train, MlpSpec spec, int epochs) {
            this.train = train;
            this.spec = spec;
            this.epochs = epochs;
        }

        @Override
        public String name() {
            return "Descent";
        }

        @Override
        public void batch(int batchSize) {
            model = new Mlp(spec, new Generator(SEED));
            opt = adam(model.parameters());
            loader = new DataLoader(train, batchSize, true, false, true, new Generator(SHUFFLE_SEED));
            trainer = new Trainer(model, opt, null, null, loader, null, config(epochs), List.of());
            // What `train` does before its first epoch (it overlaps the data's loading there): the JIT
            // compiles the step on synthetic data with this run's short last batch. Without it the
            // second epoch, the first one counted, was still 1.2-2x the later ones (2026-11-29, section 8
            // of docs/PERFORMANCE.md). The peers' warm-up is their first epoch, as is Descent's.
            try (KernelWarmup w = KernelWarmup.start(spec, batchSize, config(1),
                    named -> adam(List.copyOf(named.values())))) {
                w.expect(train.size(), 0);
            }
        }

        /** The benchmark's optimizer: Adam, lr 1e-3, PyTorch's defaults otherwise. */
        private static Optimizer<Adam.Options> adam(List<Tensor> params) {
            return Adam.adam(params, 1e-3, 0, Adam.Options.defaults());
        }

        private static TrainConfig config(int epochs) {
            return new TrainConfig(epochs, Integer.MAX_VALUE, 0, 1, 256, 1, 0, null);
        }

        @Override
        public Epoch epoch() {
            int first = trainer.step();
            long t0 = System.nanoTime();
            TrainResult r = trainer.fitEpochs(1);
            double s = (System.nanoTime() - t0) / 1e9;
            return new Epoch(s, trainer.history().meanTrainLoss(first, r.steps()));
        }

        @Override
        public void close() {
        }
    }

    private BenchSide torchSide(MnistFiles files, Dataset train, int nThreads, PrintWriter out) throws IOException, InterruptedException {
        if (torch.equals("off")) {
            return null;
        }
        String python = torch.equals("auto") ? findTorchPython() : torch;
        if (python == null) {
            out.println("PyTorch comparison skipped: no python3 with torch found (apt-get install python3-torch, or --torch PYTHON)");
            return null;
        }
        Path script = Files.createTempFile("descent-bench-", ".py");
        try (InputStream in = BenchCommand.class.getResourceAsStream("torch_mlp_bench.py")) {
            Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        try {
            List<String> cmd = List.of(python, script.toString(), files.get(RemoteDataset.FileRole.TRAIN_IMAGES).toString(),
                    files.get(RemoteDataset.FileRole.TRAIN_LABELS).toString(), Integer.toString(nThreads), Long.toString(SEED),
                    Integer.toString(train.size()), Integer.toString(train.numClasses()), joined(HIDDEN));
            PeerProcess p = PeerProcess.start("PyTorch", cmd);
            out.printf(Locale.ROOT, "PyTorch %s (%s), %d thread(s)%n", p.ready().get("torch").asText(), python, p.ready().get("threads").asInt());
            return p;
        } finally {
            // Python has read the script by the time it says it is ready.
            Files.deleteIfExists(script);
        }
    }

    private BenchSide djlSide(String classpath, MnistFiles files, int held, int nThreads, PrintWriter out) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path dir = files.get(RemoteDataset.FileRole.TRAIN_IMAGES).toAbsolutePath().getParent();
        // A crash report of the peer's JVM (libtorch inside) goes to the temp directory, not the working one.
        String errorFile = "-XX:ErrorFile=" + Path.of(System.getProperty("java.io.tmpdir"), "descent-djl-peer-hs_err_%p.log");
        List<String> cmd = List.of(java, "-Dai.djl.offline=true", "--enable-native-access=ALL-UNNAMED", "-XX:+UseParallelGC", errorFile,
                "-cp", classpath, "dev.descent.bench.djl.DjlPeer", dir.toString(), Integer.toString(held), Integer.toString(nThreads), joined(HIDDEN));
        PeerProcess p = PeerProcess.start("DJL", cmd);
        out.printf(Locale.ROOT, "DJL %s, engine %s, %d thread(s), offline%n", p.ready().get("djl").asText(), p.ready().get("engine").asText(), nThreads);
        return p;
    }

    private static String joined(List<Integer> xs) {
        return String.join(",", xs.stream().map(String::valueOf).toList());
    }

    /** Debian's python3 first (python3-torch lives there; a version manager's python3 may shadow it), then the PATH's. */
    private static String findTorchPython() throws InterruptedException {
        for (String py : List.of("/usr/bin/python3", "python3")) {
            try {
                Process p = new ProcessBuilder(py, "-c", "import torch").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return py;
                }
            } catch (IOException ignored) {
                // not there: try the next
            }
        }
        return null;
    }
}
