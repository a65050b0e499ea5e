package dev.descent.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.descent.benchmark.Benchmark;
import dev.descent.benchmark.ClassifierProblem;
import dev.descent.benchmark.ProblemRun;
import dev.descent.benchmark.Scale;
import dev.descent.benchmark.TestProblem;
import dev.descent.benchmark.TestProblems;
import dev.descent.data.IdxImages;
import dev.descent.data.MnistStore;
import dev.descent.optim.OptimizerSpec;
import dev.descent.tensor.kernel.Parallel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code descent benchmark}: the DeepOBS protocol over test problems × optimizers — tune each
 * optimizer's learning rate on a log grid with one seed, re-run the best on N seeds, and report
 * final test loss and accuracy with spread, speed to a target, and performance profiles
 * ({@code report.html}, {@code benchmark.json}, CSV tables, figures).
 */
@Command(name = "benchmark", mixinStandardHelpOptions = true, abbreviateSynopsis = true, sortOptions = false,
        description = "The optimizer benchmark suite (DeepOBS protocol): per problem and optimizer, tune the learning rate on a log grid "
                + "with one seed and re-run the best on N seeds; test loss and accuracy with 95%% CIs and Welch's test, steps and seconds to a "
                + "target, Dolan-Moré performance profiles. Writes report.html, benchmark.json, CSV tables and figures to --out. "
                + "--lr and --optimizer do not apply (every optimizer's learning rate is tuned); the other optimizer options do.")
public final class BenchmarkCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--problems", split = ",", paramLabel = "P,…", description = "test problems (default: all of " + "quadratic_deep, mnist_logreg, mnist_mlp, fmnist_logreg, fmnist_mlp)")
    List<String> problems;

    @Option(names = "--optimizers", split = ",", defaultValue = "sgd,momentum,adam", paramLabel = "A,B,…", description = "optimizers (default: ${DEFAULT-VALUE}, DeepOBS's baselines)")
    List<String> optimizers;

    @Option(names = "--seeds", paramLabel = "N", description = "seeds the best learning rate is re-run on (default: 5; 3 with --quick, 10 with --paper)")
    Integer seeds;

    @Option(names = "--seed", defaultValue = "2021", paramLabel = "S", description = "the tuning seed and the first re-run seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--lr-grid", paramLabel = "LOW:HIGH:PER_DECADE",
            description = "log grid of learning rates (default: 1e-4:1:2, 9 points; --quick 1e-3:1:1; --paper DeepOBS's 1e-5:1e2:5, 36 points)")
    String lrGrid;

    @Option(names = "--quick", description = "a smoke run: 1 epoch per classifier, a 4-point grid, 3 seeds")
    boolean quick;

    @Option(names = "--paper", description = "DeepOBS's budgets: 50 (logreg) or 100 epochs of batch 128, 36 learning rates, 10 seeds")
    boolean paper;

    @Option(names = "--dataset", paramLabel = "DIR", description = "also benchmark a directory of MNIST-named IDX files, as problem dir_<name> with --hidden")
    Path dataset;

    @Option(names = "--hidden", defaultValue = "200,100,50", paramLabel = "H1,H2,…", description = "hidden layers of the --dataset problem; \"\" for logistic regression (default: ${DEFAULT-VALUE})")
    String hidden;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "where data sets are cached (default: $DESCENT_DATA, else $XDG_CACHE_HOME/descent, else ~/.cache/descent)")
    Path dataDir;

    @Option(names = "--threads", paramLabel = "N", description = "kernel threads (default: all cores)")
    Integer threads;

    @Option(names = "--out", paramLabel = "DIR", description = "report directory (default: runs/<timestamp>-benchmark)")
    Path out;

    @Mixin
    OptimizerOptions optimizer = new OptimizerOptions();

    @Override
    public Integer call() {
        PrintWriter log = spec.commandLine().getOut();
        if (quick && paper) {
            throw new BadInputException("--quick and --paper cannot be combined");
        }
        CommandLine.ParseResult pr = spec.commandLine().getParseResult();
        if (pr.hasMatchedOption("--lr") || pr.hasMatchedOption("--optimizer")) {
            throw new BadInputException("benchmark tunes the learning rate of every optimizer in --optimizers: --lr and --optimizer do not apply");
        }
        if (threads != null) {
            if (threads < 1) {
                throw new BadInputException("--threads must be >= 1, got " + threads);
            }
            Parallel.setThreads(threads);
        }
        Scale scale = quick ? Scale.QUICK : paper ? Scale.PAPER : Scale.MACHINE;
        int n = seeds != null ? seeds : quick ? 3 : paper ? 10 : 5;
        if (n < 1) {
            throw new BadInputException("--seeds must be >= 1, got " + n);
        }
        double[] grid = grid(lrGrid != null ? lrGrid : quick ? "1e-3:1:1" : paper ? "1e-5:1e2:5" : "1e-4:1:2");
        List<Benchmark.Contender> contenders = contenders();
        List<TestProblem> chosen = problems();
        Path dir = out != null ? out : TrainingSession.defaultOut("benchmark");
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new BadInputException("--out " + dir + ": " + e.getMessage());
        }
        Benchmark.Protocol protocol = new Benchmark.Protocol(grid, n, seed, scale);
        log.printf(Locale.ROOT, "benchmark: %d problem%s × %d optimizers; learning rates %s (%d points) on seed %d, the best re-run on %d seed%s; %s budgets%n",
                chosen.size(), chosen.size() == 1 ? "" : "s", contenders.size(), gridText(grid), grid.length, seed, n, n == 1 ? "" : "s",
                scale.name().toLowerCase(Locale.ROOT));
        long t0 = System.nanoTime();
        Benchmark.Result result = Benchmark.run(chosen, contenders, protocol, new Progress(log));
        double seconds = (System.nanoTime() - t0) / 1e9;
        BenchmarkReport.write(dir, result, seconds, pr.originalArgs());
        BenchmarkReport.printSummary(log, result);
        log.printf(Locale.ROOT, "%nfinished in %.1f min; report %s, numbers %s and %s%n", seconds / 60, dir.resolve("report.html"),
                dir.resolve("benchmark.json"), dir.resolve("results.csv"));
        return 0;
    }

    /** The one place this command builds optimizers: the CLI's spec for a name, at a given learning rate. */
    private List<Benchmark.Contender> contenders() {
        List<Benchmark.Contender> out = new ArrayList<>();
        for (String o : optimizers) {
            optimizer.optimizer = o;
            String name = optimizer.name();
            if (out.stream().anyMatch(c -> c.name().equals(name))) {
                throw new BadInputException("--optimizers lists " + name + " twice");
            }
            OptimizerSpec<?> base = optimizer.spec(name, seed + 2, null);
            out.add(new Benchmark.Contender(name, base::withLr));
        }
        return out;
    }

    private List<TestProblem> problems() {
        Path root = DataSource.rootOf(dataDir);
        PrintWriter log = spec.commandLine().getOut();
        Map<String, TestProblem> known = new LinkedHashMap<>(TestProblems.standard(fam -> {
            log.println("loading " + fam.id());
            return fam.prepare(IdxImages.load(MnistStore.defaults(root).ensure(fam.remote(), log::println), fam.numClasses()));
        }));
        List<TestProblem> out = new ArrayList<>();
        List<String> names = problems != null ? problems : dataset != null ? List.of() : TestProblems.NAMES;
        for (String p : names) {
            TestProblem t = known.get(p.strip());
            if (t == null) {
                throw new BadInputException("unknown test problem '" + p + "' (known: " + String.join(", ", known.keySet()) + ")");
            }
            if (out.contains(t)) {
                throw new BadInputException("--problems lists " + p + " twice");
            }
            out.add(t);
        }
        if (dataset != null) {
            if (!Files.isDirectory(dataset)) {
                throw new BadInputException("--dataset " + dataset + " is not a directory");
            }
            List<Integer> h = ModelOptions.parseHidden("--hidden", hidden);
            Path d = dataset;
            String name = "dir_" + d.toAbsolutePath().normalize().getFileName();
            out.add(ClassifierProblem.of(name, (h.isEmpty() ? "logistic regression" : "MLP " + h) + " on " + d, TestProblems.memoize(() -> IdxImages.load(IdxImages.locate(d), 0)), h));
        }
        return out;
    }

    static double[] grid(String text) {
        String[] p = text.split(":");
        try {
            if (p.length != 3) {
                throw new NumberFormatException();
            }
            double lo = Double.parseDouble(p[0]), hi = Double.parseDouble(p[1]);
            int per = Integer.parseInt(p[2]);
            if (!(lo > 0) || !(hi >= lo) || Double.isInfinite(hi) || per < 1) {
                throw new NumberFormatException();
            }
            return Benchmark.Protocol.logGrid(lo, hi, per);
        } catch (NumberFormatException e) {
            throw new BadInputException("--lr-grid takes LOW:HIGH:PER_DECADE with 0 < LOW <= HIGH and PER_DECADE >= 1, got '" + text + "'");
        }
    }

    static String gridText(double[] g) {
        return g.length == 1 ? fmt(g[0]) : fmt(g[0]) + " … " + fmt(g[g.length - 1]);
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3g", v).replaceAll("\\.?0+(e|$)", "$1");
    }

    /** One line per run. */
    private record Progress(PrintWriter log) implements Benchmark.Listener {
        @Override
        public void tuned(TestProblem p, String contender, double lr, ProblemRun run) {
            log.printf(Locale.ROOT, "  %-14s %-10s tune lr %-8s %s%n", p.name(), contender, fmt(lr), outcome(p, run));
            log.flush();
        }

        @Override
        public void seeded(TestProblem p, String contender, long seed, ProblemRun run) {
            log.printf(Locale.ROOT, "  %-14s %-10s seed %-10d %s%n", p.name(), contender, seed, outcome(p, run));
            log.flush();
        }

        private static String outcome(TestProblem p, ProblemRun run) {
            if (run.diverged()) {
                return String.format(Locale.ROOT, "diverged after %d steps", run.steps());
            }
            return String.format(Locale.ROOT, "%s %.4f, test loss %.4f (%.1f s)", p.metric(), run.finalMetric(),
                    run.testLoss(), run.seconds());
        }
    }
}
