package dev.descent.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.descent.data.DataLoader;
import dev.descent.data.Dataset;
import dev.descent.data.Datasets;
import dev.descent.data.FetchListener;
import dev.descent.data.IdxImages;
import dev.descent.data.MnistFiles;
import dev.descent.data.RemoteDataset;
import dev.descent.nn.Mlp;
import dev.descent.nn.MlpSpec;
import dev.descent.optim.Adam;
import dev.descent.optim.Optimizer;
import dev.descent.tensor.Generator;
import dev.descent.tensor.kernel.KernelProvider;
import dev.descent.tensor.kernel.Parallel;
import dev.descent.tensor.kernel.Peak;
import dev.descent.train.Clipping;
import dev.descent.train.TrainConfig;
import dev.descent.train.TrainListener;
import dev.descent.train.Trainer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code descent bench}: seconds per epoch and examples/s of the benchmark MLP (784-200-100-50-10)
 * with Adam on MNIST's 50,000-image training split, at several batch sizes; the first epoch is a
 * warm-up (JIT), the median of the others is reported. When a Python with PyTorch is found, the same
 * loop runs in PyTorch in the same invocation and the ratio is printed.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, abbreviateSynopsis = true, sortOptions = false,
        description = "Seconds per epoch and examples/s of the benchmark MLP with Adam, optionally side by side with PyTorch.")
public final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--batch-sizes", split = ",", defaultValue = "64,256,1024", paramLabel = "B1,B2,…", description = "batch sizes (default: ${DEFAULT-VALUE})")
    List<Integer> batchSizes;

    @Option(names = "--epochs", defaultValue = "3", paramLabel = "N", description = "epochs per batch size, the first a warm-up (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--threads", paramLabel = "N", description = "threads for both (default: all cores)")
    Integer threads;

    @Option(names = "--torch", defaultValue = "auto", paramLabel = "auto|off|PYTHON",
            description = "compare with PyTorch: auto finds a python3 with torch, off skips it, or a python executable (default: ${DEFAULT-VALUE})")
    String torch;

    @Mixin
    DataSource data = new DataSource();

    @Option(names = "--json", paramLabel = "FILE", description = "also write the results as JSON")
    Path json;

    private static final List<Integer> HIDDEN = List.of(200, 100, 50);

    /** FLOPs of one example's forward and backward: 2·MACs each for the forward, the weight gradients and the input gradients (none for the data). */
    private static double flopsPerExample(MlpSpec spec) {
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
        Dataset train = Datasets.split(tt.train(), 2021, tt.train().size() - held, held).get(0);
        MlpSpec spec = MlpSpec.of(train.exampleNumel(), HIDDEN, train.numClasses());
        out.printf(Locale.ROOT, "benchmark %s, Adam lr 1e-3, %,d examples per epoch, %d threads, kernels %s, median of %d epochs after a warm-up%n",
                TrainingSession.describe(spec), train.size(), nThreads, KernelProvider.kernels().name(), epochs - 1);

        List<CoreProbe> probes = new ArrayList<>();
        probes.add(CoreProbe.measure("before Descent", nThreads, out));
        Map<Integer, double[]> ours = new LinkedHashMap<>();
        for (int b : batchSizes) {
            ours.put(b, descentEpochs(train, spec, b));
        }
        if (!torch.equals("off")) {
            probes.add(CoreProbe.measure("after Descent", nThreads, out));
        }
        Map<Integer, double[]> theirs = torchEpochs(files, train, nThreads, out);
        if (!theirs.isEmpty()) {
            probes.add(CoreProbe.measure("after PyTorch", nThreads, out));
        }

        out.println();
        out.printf(Locale.ROOT, "%6s %12s %12s %10s %14s %12s %8s%n", "batch", "s/epoch", "examples/s", "GFLOP/s", "PyTorch s/ep", "PyTorch ex/s", "speed-up");
        ArrayNode rows = TrainingSession.JSON.createArrayNode();
        for (int b : batchSizes) {
            double s = median(ours.get(b));
            double flops = train.size() * flopsPerExample(spec);
            double[] t = theirs.get(b);
            String ts = t == null ? "-" : String.format(Locale.ROOT, "%.3f", median(t));
            String te = t == null ? "-" : String.format(Locale.ROOT, "%,.0f", train.size() / median(t));
            String ratio = t == null ? "-" : String.format(Locale.ROOT, "%.2fx", median(t) / s);
            out.printf(Locale.ROOT, "%6d %12.3f %12s %10.1f %14s %12s %8s%n", b, s, String.format(Locale.ROOT, "%,.0f", train.size() / s), flops / s / 1e9, ts, te, ratio);
            ObjectNode r = rows.addObject();
            r.put("batch", b);
            r.set("descent_epoch_seconds", TrainingSession.JSON.valueToTree(ours.get(b)));
            r.put("descent_median_seconds", s);
            if (t != null) {
                r.set("pytorch_epoch_seconds", TrainingSession.JSON.valueToTree(t));
                r.put("pytorch_median_seconds", median(t));
                r.put("speedup", median(t) / s);
            }
        }
        if (json != null) {
            ObjectNode o = TrainingSession.JSON.createObjectNode();
            o.put("threads", nThreads);
            o.put("kernels", KernelProvider.kernels().name());
            o.set("fma_probes", TrainingSession.JSON.valueToTree(probes));
            o.set("results", rows);
            TrainingSession.writePrettyJson(json, o);
        }
        return 0;
    }

    /**
     * The machine's FMA throughput on one thread and on all, measured at one moment of the run. On a
     * shared VM the second core sometimes adds nothing (its virtual cores share one physical core),
     * which slows both sides; printing it lets a reader tell a slow machine from a slow program.
     */
    record CoreProbe(String when, double oneThreadGflops, double allThreadsGflops) {

        static CoreProbe measure(String when, int threads, PrintWriter out) {
            CoreProbe p = new CoreProbe(when, Peak.throughput(1), Peak.throughput(threads));
            out.printf(Locale.ROOT, "FMA peak %s: %.0f GFLOP/s on 1 thread, %.0f on %d (%.2fx)%n",
                    when, p.oneThreadGflops, p.allThreadsGflops, threads, p.allThreadsGflops / p.oneThreadGflops);
            return p;
        }
    }

    static double median(double[] epochSeconds) {
        double[] m = Arrays.copyOfRange(epochSeconds, 1, epochSeconds.length);
        Arrays.sort(m);
        return m.length % 2 == 1 ? m[m.length / 2] : (m[m.length / 2 - 1] + m[m.length / 2]) / 2;
    }

    private double[] descentEpochs(Dataset train, MlpSpec spec, int batch) {
        Mlp model = new Mlp(spec, new Generator(2021));
        Optimizer<Adam.Options> opt = Adam.adam(model.parameters(), 1e-3, 0, Adam.Options.defaults());
        DataLoader loader = new DataLoader(train, batch, true, false, true, new Generator(2022));
        double[] times = new double[epochs];
        long[] start = {System.nanoTime()};
        TrainListener timer = new TrainListener() {
            @Override
            public void onStep(Trainer t, StepReport r) {
                if (r.batchInEpoch() == r.batchesPerEpoch()) {
                    long now = System.nanoTime();
                    times[r.epoch() - 1] = (now - start[0]) / 1e9;
                    start[0] = now;
                }
            }
        };
        TrainConfig cfg = new TrainConfig(epochs, Integer.MAX_VALUE, 0, 1, 256, 1, new Clipping.None(), 0, null);
        new Trainer(model, opt, null, null, loader, null, cfg, List.of(timer)).fit();
        return times;
    }

    private Map<Integer, double[]> torchEpochs(MnistFiles files, Dataset train, int nThreads, PrintWriter out) throws IOException, InterruptedException {
        Map<Integer, double[]> res = new LinkedHashMap<>();
        if (torch.equals("off")) {
            return res;
        }
        String python = torch.equals("auto") ? findTorchPython() : torch;
        if (python == null) {
            out.println("PyTorch comparison skipped: no python3 with torch found (apt-get install python3-torch, or --torch PYTHON)");
            return res;
        }
        Path script = Files.createTempFile("descent-bench-", ".py");
        try (InputStream in = BenchCommand.class.getResourceAsStream("torch_mlp_bench.py")) {
            Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        try {
            List<String> cmd = List.of(python, script.toString(), files.get(RemoteDataset.FileRole.TRAIN_IMAGES).toString(),
                    files.get(RemoteDataset.FileRole.TRAIN_LABELS).toString(), String.join(",", batchSizes.stream().map(String::valueOf).toList()),
                    Integer.toString(epochs), Integer.toString(nThreads), "2021", Integer.toString(train.size()), Integer.toString(train.numClasses()));
            out.println("running the same loop in PyTorch (" + python + ")...");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            List<String> other = new ArrayList<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("{")) {
                        JsonNode n = TrainingSession.JSON.readTree(line);
                        double[] t = TrainingSession.JSON.treeToValue(n.get("epoch_seconds"), double[].class);
                        res.put(n.get("batch").asInt(), t);
                        out.printf(Locale.ROOT, "  PyTorch %s batch %d: %.3f s/epoch%n", n.get("torch").asText(), n.get("batch").asInt(), median(t));
                    } else {
                        other.add(line);
                    }
                }
            }
            if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
                out.println("PyTorch run failed: " + String.join(" | ", other.subList(Math.max(0, other.size() - 3), other.size())));
            }
        } finally {
            Files.deleteIfExists(script);
        }
        return res;
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
