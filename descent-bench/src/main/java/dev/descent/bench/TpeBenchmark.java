package dev.descent.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

import dev.descent.tune.Direction;
import dev.descent.tune.Distribution;
import dev.descent.tune.RandomSampler;
import dev.descent.tune.Sampler;
import dev.descent.tune.SearchSpace;
import dev.descent.tune.Study;
import dev.descent.tune.StudyHeader;
import dev.descent.tune.TpeSampler;
import dev.descent.tune.Trial;
import dev.descent.tune.storage.InMemoryStorage;
import dev.descent.tune.storage.JournalStorage;

/**
 * Descent's samplers against Optuna's on the TPE benchmark (see {@link BenchFunctions} and the shared
 * protocol: each function searched by a study of T trials from seeds 0…S−1, no pruning; the figure
 * of merit is the median over seeds of the regret, best value found − minimum). Descent's studies
 * run through the public ask/tell API in memory (and, with {@code --journal}, with a journal on disk);
 * Optuna's run in Debian's {@code python3-optuna} when it is installed, by the same script the
 * table's Optuna column comes from. Prints Markdown tables: median regrets side by side, and the
 * median time of a whole study.
 *
 * <pre>
 * java -cp descent-bench/target/benchmarks.jar dev.descent.bench.TpeBenchmark [--seeds 30] [--first-seed 0]
 *     [--trials 30,60] [--functions branin,lrwd|all] [--optuna auto|off|PYTHON] [--journal]
 * java -cp descent-bench/target/benchmarks.jar dev.descent.bench.TpeBenchmark --multi [--seeds 30]
 * </pre>
 * {@code --multi} compares Descent's samplers on two objectives instead: ZDT1 in four dimensions
 * (f1 = x0, f2 = g·(1 − √(f1/g)), g = 1 + 9·mean(x1..x3)), the median hypervolume of the Pareto front
 * found (reference point (1.1, 11); the true front's is 10 + 2/3 + 1.1 ≈ 11.77) after 100 and 200 trials.
 */
public final class TpeBenchmark {

    private static final List<String> SAMPLERS = List.of("random", "tpe", "tpe-mv");

    private TpeBenchmark() {
    }

    /** Best values at each checkpoint and the study's seconds, for one sampler, function and seed. */
    private record Run(double[] best, double seconds) {
    }

    public static void main(String[] args) throws Exception {
        int seeds = 30;
        int first = 0;
        int[] checkpoints = {30, 60};
        List<String> functions = List.of("branin", "lrwd");
        String optuna = "auto";
        boolean journal = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seeds" -> seeds = Integer.parseInt(args[++i]);
                case "--first-seed" -> first = Integer.parseInt(args[++i]);
                case "--trials" -> checkpoints = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).sorted().toArray();
                case "--functions" -> {
                    String f = args[++i];
                    functions = f.equals("all") ? List.copyOf(BenchFunctions.ALL.keySet()) : List.of(f.split(","));
                }
                case "--optuna" -> optuna = args[++i];
                case "--journal" -> journal = true;
                case "--multi" -> {
                    multi(seeds, first);
                    return;
                }
                default -> {
                    System.err.println("usage: TpeBenchmark [--seeds N] [--first-seed N] [--trials 30,60] [--functions a,b|all] [--optuna auto|off|PYTHON] [--journal]");
                    System.exit(2);
                }
            }
        }
        for (String f : functions) {
            if (!BenchFunctions.ALL.containsKey(f)) {
                System.err.println("unknown function '" + f + "' (known: " + String.join(", ", BenchFunctions.ALL.keySet()) + ")");
                System.exit(2);
            }
        }
        System.out.printf(Locale.ROOT, "TPE benchmark: %d seeds from %d, %s trials, functions %s; %s, %d cpus%n", seeds, first,
                Arrays.toString(checkpoints), functions, System.getProperty("java.vm.name") + " " + Runtime.version(), Runtime.getRuntime().availableProcessors());
        // Warm the JIT first, so that the times below are of compiled code (as Optuna's are of a warm interpreter).
        for (String s : SAMPLERS) {
            for (int k = 0; k < 5; k++) {
                run(BenchFunctions.ALL.get("branin"), sampler(s), 1000 + k, checkpoints, null);
            }
        }
        Map<String, Run[]> descent = new LinkedHashMap<>();
        Map<String, Run[]> onDisk = new LinkedHashMap<>();
        for (String f : functions) {
            for (String s : SAMPLERS) {
                Run[] runs = new Run[seeds];
                for (int k = 0; k < seeds; k++) {
                    runs[k] = run(BenchFunctions.ALL.get(f), sampler(s), first + k, checkpoints, null);
                }
                descent.put(s + " " + f, runs);
                if (journal && s.equals("tpe-mv")) {
                    Path tmp = Files.createTempDirectory("descent-tpe-bench");
                    Run[] j = new Run[seeds];
                    for (int k = 0; k < seeds; k++) {
                        j[k] = run(BenchFunctions.ALL.get(f), sampler(s), first + k, checkpoints, tmp.resolve("s" + k));
                    }
                    onDisk.put(s + " " + f, j);
                }
            }
        }
        Map<String, Run[]> peer = optuna.equals("off") ? Map.of() : optuna(optuna, seeds, first, checkpoints, functions);
        printRegrets(descent, peer, functions, checkpoints, 0.5);
        printRegrets(descent, peer, functions, checkpoints, 0.9);
        printTimes(descent, onDisk, peer, functions, checkpoints[checkpoints.length - 1]);
    }

    /** ZDT1 hypervolumes for random search, NSGA-II (populations 20 and 50) and TPE (independent and multivariate). */
    private static void multi(int seeds, int first) {
        List<SearchSpace.Param> ps = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ps.add(new SearchSpace.Param("x" + i, new Distribution.FloatRange(0, 1, false), null));
        }
        SearchSpace space = SearchSpace.of(ps);
        Map<String, LongFunction<Sampler>> samplers = new LinkedHashMap<>();
        samplers.put("random", RandomSampler::new);
        samplers.put("nsga2 (population 20)", s -> new dev.descent.tune.NsgaSampler(s, 20, 0.9, 0));
        samplers.put("nsga2 (population 50)", dev.descent.tune.NsgaSampler::withDefaults);
        samplers.put("tpe", TpeSampler::withDefaults);
        samplers.put("tpe multivariate", TpeSampler::multivariate);
        int[] checkpoints = {100, 200};
        System.out.printf(Locale.ROOT, "ZDT1 (4-D, two objectives): median hypervolume of the front found, reference (1.1, 11), %d seeds from %d%n%n", seeds, first);
        System.out.println("| sampler | 100 trials | 200 trials | seconds per study of 200 |");
        System.out.println("|---|---|---|---|");
        for (Map.Entry<String, LongFunction<Sampler>> e : samplers.entrySet()) {
            double[][] hv = new double[checkpoints.length][seeds];
            double[] secs = new double[seeds];
            for (int k = 0; k < seeds; k++) {
                long t0 = System.nanoTime();
                StudyHeader h = new StudyHeader(space, List.of(Direction.MINIMIZE, Direction.MINIMIZE), List.of("f1", "f2"), 0, null);
                try (Study study = Study.create(new InMemoryStorage(), h, e.getValue().apply(first + k), null)) {
                    for (int i = 1; i <= checkpoints[checkpoints.length - 1]; i++) {
                        Trial t = study.ask();
                        double f1 = t.number("x0");
                        double g = 1 + 9 * (t.number("x1") + t.number("x2") + t.number("x3")) / 3;
                        study.tell(t, f1, g * (1 - Math.sqrt(f1 / g)));
                        for (int c = 0; c < checkpoints.length; c++) {
                            if (checkpoints[c] == i) {
                                hv[c][k] = dev.descent.tune.Pareto.hypervolume2d(dev.descent.tune.Pareto.losses(study.paretoFront(), study.directions()),
                                        new double[] {1.1, 11});
                            }
                        }
                    }
                }
                secs[k] = (System.nanoTime() - t0) / 1e9;
            }
            System.out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %.3f |%n", e.getKey(), median(hv[0]), median(hv[1]), median(secs));
        }
    }

    private static LongFunction<Sampler> sampler(String name) {
        return switch (name) {
            case "random" -> RandomSampler::new;
            case "tpe" -> TpeSampler::withDefaults;
            case "tpe-mv" -> TpeSampler::multivariate;
            default -> throw new IllegalArgumentException(name);
        };
    }

    /** One study through ask and tell, in memory, or with a journal in {@code dir}. */
    private static Run run(BenchFunctions.Fn fn, LongFunction<Sampler> sampler, long seed, int[] checkpoints, Path dir) {
        long t0 = System.nanoTime();
        double[] best = new double[checkpoints.length];
        try (Study study = Study.create(dir == null ? new InMemoryStorage() : JournalStorage.inDirectory(dir),
                StudyHeader.of(fn.space(), Direction.MINIMIZE), sampler.apply(seed), null)) {
            double b = Double.POSITIVE_INFINITY;
            int c = 0;
            for (int i = 1; i <= checkpoints[checkpoints.length - 1]; i++) {
                Trial t = study.ask();
                double v = fn.f().applyAsDouble(internal(t, fn.space()));
                study.tell(t, v);
                b = Math.min(b, v);
                while (c < checkpoints.length && checkpoints[c] == i) {
                    best[c++] = b;
                }
            }
        }
        return new Run(best, (System.nanoTime() - t0) / 1e9);
    }

    /** The trial's parameters as internal values (a choice's index), which the functions take. */
    private static Map<String, Double> internal(Trial t, SearchSpace space) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (SearchSpace.Param p : space.params()) {
            if (t.has(p.name())) {
                Object v = t.get(p.name());
                out.put(p.name(), p.distribution() instanceof Distribution.Categorical c ? (double) c.indexOf(v) : ((Number) v).doubleValue());
            }
        }
        return out;
    }

    /** Optuna's runs, by "sampler function", or nothing when no Python with Optuna is found. */
    private static Map<String, Run[]> optuna(String option, int seeds, int first, int[] checkpoints, List<String> functions) throws IOException, InterruptedException {
        String python = option.equals("auto") ? findOptunaPython() : option;
        if (python == null) {
            System.out.println("Optuna comparison skipped: no python3 with optuna found (apt-get install python3-optuna, or --optuna PYTHON)");
            return Map.of();
        }
        Path script = Files.createTempFile("descent-optuna-", ".py");
        try (InputStream in = TpeBenchmark.class.getResourceAsStream("optuna_tpe_bench.py")) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        List<String> cmd = List.of(python, script.toString(), String.valueOf(seeds), String.valueOf(first),
                String.join(",", Arrays.stream(checkpoints).mapToObj(String::valueOf).toList()), String.join(",", functions), String.join(",", SAMPLERS));
        System.out.println("running the same studies in Optuna (" + python + ")...");
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Map<String, Run[]> out = new LinkedHashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                String[] f = line.trim().split("\\s+");
                String key = f[0] + " " + f[1];
                double[] best = new double[checkpoints.length];
                for (int c = 0; c < best.length; c++) {
                    best[c] = Double.parseDouble(f[4 + c]);
                }
                out.computeIfAbsent(key, k -> new Run[seeds])[Integer.parseInt(f[2]) - first] = new Run(best, Double.parseDouble(f[3]));
            }
        }
        if (!p.waitFor(6, TimeUnit.HOURS) || p.exitValue() != 0) {
            throw new IllegalStateException("the Optuna script failed (exit " + p.exitValue() + "): " + String.join(" ", cmd));
        }
        Files.deleteIfExists(script);
        return out;
    }

    /** Debian's python3 first (python3-optuna lives there; a version manager's python3 may shadow it), then the PATH's. */
    private static String findOptunaPython() {
        for (String py : List.of("/usr/bin/python3", "python3")) {
            try {
                Process p = new ProcessBuilder(py, "-c", "import optuna").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return py;
                }
            } catch (IOException e) {
                // not there; try the next
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    /** The q-quantile of the seeds' regrets (the median for 0.5; for 0.9, the regret that 90% of studies beat). */
    private static double regret(Run[] runs, int c, double min, double q) {
        double[] r = Arrays.stream(runs).mapToDouble(x -> x.best()[c] - min).sorted().toArray();
        return q == 0.5 ? median(r) : r[Math.min(r.length - 1, (int) Math.ceil(q * r.length) - 1)];
    }

    private static void printRegrets(Map<String, Run[]> descent, Map<String, Run[]> optuna, List<String> functions, int[] checkpoints, double q) {
        System.out.println(q == 0.5 ? "\nmedian regret over seeds (lower is better; * where Descent's is at most Optuna's)\n"
                : String.format(Locale.ROOT, "%n%.0fth percentile of the regret over seeds: the tail (lower is better; * where Descent's is at most Optuna's)%n", 100 * q));
        System.out.println("| function | trials | Descent random | Optuna random | Descent TPE | Optuna TPE | Descent TPE multivariate | Optuna TPE multivariate |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (String f : functions) {
            double min = BenchFunctions.ALL.get(f).min();
            for (int c = 0; c < checkpoints.length; c++) {
                StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %d |", f, checkpoints[c]));
                for (String s : SAMPLERS) {
                    double d = regret(descent.get(s + " " + f), c, min, q);
                    Run[] o = optuna.get(s + " " + f);
                    double p = o == null ? Double.NaN : regret(o, c, min, q);
                    row.append(String.format(Locale.ROOT, " %s%s | %s |", fmt(d), !Double.isNaN(p) && d <= p ? "*" : "", fmt(p)));
                }
                System.out.println(row);
            }
        }
    }

    private static void printTimes(Map<String, Run[]> descent, Map<String, Run[]> onDisk, Map<String, Run[]> optuna, List<String> functions, int trials) {
        System.out.printf(Locale.ROOT, "%nmedian seconds per study of %d trials (sampling, storage and the function; lower is better)%n%n", trials);
        System.out.println("| function | sampler | Descent (memory) | Descent (journal on disk) | Optuna (memory) | Optuna / Descent |");
        System.out.println("|---|---|---|---|---|---|");
        for (String f : functions) {
            for (String s : SAMPLERS) {
                double d = median(Arrays.stream(descent.get(s + " " + f)).mapToDouble(Run::seconds).toArray());
                Run[] j = onDisk.get(s + " " + f);
                Run[] o = optuna.get(s + " " + f);
                double js = j == null ? Double.NaN : median(Arrays.stream(j).mapToDouble(Run::seconds).toArray());
                double os = o == null ? Double.NaN : median(Arrays.stream(o).mapToDouble(Run::seconds).toArray());
                System.out.printf(Locale.ROOT, "| %s | %s | %.4f | %s | %s | %s |%n", f, s, d, Double.isNaN(js) ? "-" : String.format(Locale.ROOT, "%.4f", js),
                        Double.isNaN(os) ? "-" : String.format(Locale.ROOT, "%.4f", os), Double.isNaN(os) ? "-" : String.format(Locale.ROOT, "%.1f×", os / d));
            }
        }
    }

    private static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        return v != 0 && Math.abs(v) < 1e-3 ? String.format(Locale.ROOT, "%.2e", v) : String.format(Locale.ROOT, "%.4g", v);
    }
}
