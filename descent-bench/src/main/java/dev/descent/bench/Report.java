package dev.descent.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the kernel benchmarks and prints medians as GFLOP/s, with each figure as a fraction of the
 * peak measured in the same run (the machine is shared and noisy: ratios from one run are what to
 * compare). Usage: {@code java -jar benchmarks.jar-with Report [regex]}.
 */
public final class Report {

    private Report() {
    }

    public static void main(String[] args) throws RunnerException {
        String include = args.length > 0 ? args[0] : "Peak|Gemm|MlpStep";
        Options opts = new OptionsBuilder().include(include).build();
        Collection<RunResult> results = new Runner(opts).run();
        double peak = Double.NaN;
        List<String> lines = new ArrayList<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            double medianUs = r.getPrimaryResult().getStatistics().getPercentile(50);
            if (name.endsWith("PeakBenchmark.fma")) {
                peak = peakGflops(medianUs);
            }
        }
        System.out.printf(Locale.ROOT, "%nmeasured single-core peak: %.1f GFLOP/s%n", peak);
        System.out.printf(Locale.ROOT, "%-16s %-8s %-7s %12s %10s %8s%n", "benchmark", "param", "threads", "median us", "GFLOP/s", "of peak");
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            double medianUs = r.getPrimaryResult().getStatistics().getPercentile(50);
            long flops;
            String label;
            String param;
            if (name.endsWith("GemmBenchmark.gemm")) {
                String shape = r.getParams().getParam("shape");
                flops = GemmBenchmark.flops(shape);
                label = "gemm " + r.getParams().getParam("layout");
                param = shape;
            } else if (name.endsWith("MlpStepBenchmark.forwardBackward")) {
                int batch = Integer.parseInt(r.getParams().getParam("batch"));
                flops = MlpStepBenchmark.flops(batch);
                label = "mlp fwd+bwd";
                param = "b" + batch;
            } else if (name.endsWith("OptimizerStepBenchmark.step")) {
                String o = r.getParams().getParam("optimizer");
                double gbs = OptimizerStepBenchmark.PARAMS * 4.0 * OptimizerStepBenchmark.floatsMoved(o) / medianUs / 1e3;
                lines.add(String.format(Locale.ROOT, "%-16s %-18s %12.1f %8.1f GB/s", "optimizer step", o, medianUs, gbs));
                continue;
            } else if (name.contains("DataBenchmark")) {
                String unit = r.getPrimaryResult().getScoreUnit();
                double median = r.getPrimaryResult().getStatistics().getPercentile(50);
                String extra = name.endsWith("nextBatch64") ? String.format(Locale.ROOT, "%8.0f batches/s", 1e6 / median) : "";
                lines.add(String.format(Locale.ROOT, "%-16s %-18s %12.2f %s %s", "data", name.substring(name.lastIndexOf('.') + 1), median, unit, extra));
                continue;
            } else if (name.endsWith("BandwidthBenchmark.triad")) {
                long n = Long.parseLong(r.getParams().getParam("n"));
                double gbs = n * 12.0 / medianUs / 1e3;
                lines.add(String.format(Locale.ROOT, "%-16s %-18s %12.1f %8.1f GB/s", "triad", (n * 12 / 1_000_000) + " MB", medianUs, gbs));
                continue;
            } else {
                continue;
            }
            String threads = r.getParams().getParam("threads");
            double gflops = flops / medianUs / 1e3;
            lines.add(String.format(Locale.ROOT, "%-16s %-14s %-3s %12.1f %10.1f %7.0f%%", label, param, threads, medianUs, gflops, 100 * gflops / peak));
        }
        lines.forEach(System.out::println);
    }

    private static double peakGflops(double medianUs) {
        return dev.descent.tensor.kernel.Peak.flops(PeakBenchmark.ITERATIONS) / medianUs / 1e3;
    }
}
