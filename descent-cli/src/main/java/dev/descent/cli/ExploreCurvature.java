package dev.descent.cli;

import java.awt.Color;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.descent.analysis.HessianSpectrum;
import dev.descent.analysis.MlpCurvature;
import dev.descent.analysis.SpectralDensity;
import dev.descent.data.IdxImages;
import dev.descent.data.TensorDataset;
import dev.descent.nn.Mlp;
import dev.descent.nn.MlpSpec;
import dev.descent.optim.OptimizerSpec;
import dev.descent.plot.Charts;
import dev.descent.tensor.Generator;
import dev.descent.train.Loss;
import dev.descent.train.RunDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code explore curvature}: the Hessian's spectrum of the tutorial's MLP at its initial weights and
 * after training — λ_max, Hutchinson's trace and the eigenvalue density by stochastic Lanczos
 * quadrature (as PyHessian), for the whole network and for each layer's block.
 */
@Command(name = "curvature", mixinStandardHelpOptions = true, abbreviateSynopsis = true, sortOptions = false,
        description = {"The Hessian's spectrum before and after training, whole network and per layer: top eigenvalue, trace (Hutchinson) and",
                "eigenvalue density (stochastic Lanczos quadrature, as PyHessian)."})
final class ExploreCurvature extends ExploreTopic {

    /** Half-width of the band around zero counted as "near zero", relative to λ_max. */
    private static final double NEAR_ZERO = 0.01;

    @Option(names = "--hidden", defaultValue = "200,100,50", paramLabel = "H1,H2", description = "hidden sizes (default: ${DEFAULT-VALUE})")
    String hidden;

    @Option(names = "--activation", defaultValue = "relu", paramLabel = "NAME", description = "the hidden activation (default: ${DEFAULT-VALUE})")
    String activation;

    @Option(names = "--loss", defaultValue = "nll", paramLabel = "NAME", description = "nll or mse (on one-hot targets) (default: ${DEFAULT-VALUE})")
    String loss;

    @Option(names = "--examples", defaultValue = "20000", paramLabel = "N", description = "training images to train on (default: ${DEFAULT-VALUE})")
    int examples;

    @Option(names = "--epochs", defaultValue = "1", paramLabel = "N", description = "epochs of training between the two spectra (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "64", paramLabel = "N", description = "training batch size (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--hessian-examples", defaultValue = "1000", paramLabel = "M", description = "the Hessian is the loss's on the first M training images (default: ${DEFAULT-VALUE})")
    int hessianExamples;

    @Option(names = "--trace-probes", defaultValue = "100", paramLabel = "K", description = "Hutchinson probes per part (default: ${DEFAULT-VALUE})")
    int traceProbes;

    @Option(names = "--density-iterations", defaultValue = "80", paramLabel = "K", description = "Lanczos steps per density probe (PyHessian: 100) (default: ${DEFAULT-VALUE})")
    int densityIterations;

    @Option(names = "--density-probes", defaultValue = "2", paramLabel = "K", description = "density probes per part (PyHessian: 1) (default: ${DEFAULT-VALUE})")
    int densityProbes;

    @Mixin
    OptimizerOptions optimizer = new OptimizerOptions();

    @Override
    String topic() {
        return "curvature";
    }

    @Override
    String title() {
        return "The Hessian's spectrum, whole network and per layer";
    }

    @Override
    List<String> quickArgs() {
        return List.of("--hidden", "32,16", "--examples", "2000", "--hessian-examples", "200", "--trace-probes", "20", "--density-iterations", "30", "--density-probes", "1");
    }

    @Override
    void validate() {
        ModelOptions.parseHidden("--hidden", hidden);
        ModelOptions.parseActivation(activation);
        TrainOptions.parseLoss(loss);
        atLeast("--examples", examples, 1);
        atLeast("--epochs", epochs, 0);
        atLeast("--batch-size", batchSize, 1);
        atLeast("--hessian-examples", hessianExamples, 1);
        atLeast("--trace-probes", traceProbes, 2);
        atLeast("--density-iterations", densityIterations, 2);
        atLeast("--density-probes", densityProbes, 1);
        optimizer.spec(optimizer.name(), seed, null);
    }

    /** One spectrum: where it was taken, the loss there, and its parts (network first). */
    private record Stage(String name, double loss, List<HessianSpectrum.Part> parts) {
    }

    @Override
    Outcome run(RunDir dir, IdxImages.TrainTest tt, PrintWriter out, ObjectNode result) {
        TensorDataset train = ExploreCommand.subset(tt.train(), examples).flattened();
        TensorDataset batch = ExploreCommand.subset(train, hessianExamples);
        Loss kind = TrainOptions.parseLoss(loss);
        MlpSpec spec = new MlpSpec(train.exampleNumel(), ModelOptions.parseHidden("--hidden", hidden), train.numClasses(), true,
                ModelOptions.parseActivation(activation));
        Mlp model = new Mlp(spec, new Generator(seed));
        MlpCurvature curvature = new MlpCurvature(model, batch.inputs(), batch.labels(), kind, MlpCurvature.Precision.FLOAT32);
        HessianSpectrum.Settings how = new HessianSpectrum.Settings(traceProbes, densityIterations, densityProbes, seed);
        out.printf(Locale.ROOT, "%s (%,d parameters), %s loss on %,d training images; %d Hutchinson probes, %d density probes of %d Lanczos steps per part%n",
                TrainingSession.describe(spec), curvature.size(), kind.label(), batch.size(), traceProbes, densityProbes, densityIterations);
        out.printf(Locale.ROOT, "%-8s %-8s %10s %10s %20s %10s %10s %8s%n", "stage", "part", "params", "λ_max", "trace ± se", "negative", "near 0", "time (s)");
        List<Stage> stages = new ArrayList<>();
        stages.add(spectrum("initial", curvature, model, how, out));
        String name = optimizer.name();
        OptimizerSpec<?> os = optimizer.spec(name, seed, null);
        String trainedAs = String.format(Locale.ROOT, "%d epoch%s of %s (lr %s, batch %d) on %,d images", epochs, epochs == 1 ? "" : "s", name,
                TrainingSession.fmt(os.lr()), batchSize, train.size());
        if (epochs > 0) {
            ExploreTraining.Run r = ExploreTraining.fit(name, model, os, kind, train, tt.test(), epochs, batchSize, seed);
            out.printf(Locale.ROOT, "trained: %s, final training loss %.4f, test accuracy %.2f%% (%.1f s)%n", trainedAs, r.finalTrainLoss(),
                    100 * r.test().accuracy(), r.result().trainSeconds());
            result.put("test_accuracy", r.test().accuracy());
            stages.add(spectrum("trained", curvature, model, how, out));
        }
        figure(dir, stages);
        result.put("model", TrainingSession.describe(spec));
        result.put("parameters", curvature.size());
        result.put("loss", kind.label());
        result.put("hessian_examples", batch.size());
        result.put("training", epochs > 0 ? trainedAs : "none");
        ArrayNode rows = result.putArray("stages");
        for (Stage s : stages) {
            ObjectNode o = rows.addObject();
            o.put("stage", s.name());
            o.put("loss", s.loss());
            ArrayNode parts = o.putArray("parts");
            for (HessianSpectrum.Part p : s.parts()) {
                ObjectNode q = parts.addObject();
                q.put("name", p.name());
                q.put("parameters", p.parameters());
                q.put("top_eigenvalue", p.top());
                q.put("trace", p.trace().trace());
                q.put("trace_standard_error", p.trace().standardError());
                q.put("density_min", p.density().min());
                q.put("density_max", p.density().max());
                q.put("negative_mass", negative(p.density()));
                q.put("near_zero_mass", nearZero(p));
                q.set("density_nodes", TrainingSession.JSON.valueToTree(p.density().nodes()));
                q.set("density_weights", TrainingSession.JSON.valueToTree(p.density().weights()));
            }
        }
        return new Outcome(finding(stages, trainedAs), List.of("curvature"));
    }

    private Stage spectrum(String stage, MlpCurvature curvature, Mlp model, HessianSpectrum.Settings how, PrintWriter out) {
        long t0 = System.nanoTime();
        MlpCurvature.Point at = curvature.at(MlpCurvature.flatten(model));
        List<HessianSpectrum.Part> parts = HessianSpectrum.of(curvature, at, how);
        double seconds = (System.nanoTime() - t0) / 1e9;
        for (HessianSpectrum.Part p : parts) {
            out.printf(Locale.ROOT, "%-8s %-8s %,10d %10.4g %20s %9.1f%% %9.1f%%%s%n", stage, p.name(), p.parameters(), p.top(),
                    String.format(Locale.ROOT, "%.4g ± %.2g", p.trace().trace(), p.trace().standardError()), 100 * negative(p.density()), 100 * nearZero(p),
                    p == parts.get(0) ? String.format(Locale.ROOT, " %8.1f", seconds) : "");
        }
        out.flush();
        return new Stage(stage, at.loss(), parts);
    }

    private static double negative(SpectralDensity d) {
        return d.mass(Double.NEGATIVE_INFINITY, -Double.MIN_VALUE);
    }

    private static double nearZero(HessianSpectrum.Part p) {
        double band = NEAR_ZERO * Math.abs(p.top());
        return p.density().mass(-band, band);
    }

    private static void figure(RunDir dir, List<Stage> stages) {
        List<Charts.Series> whole = new ArrayList<>();
        for (int i = 0; i < stages.size(); i++) {
            Stage s = stages.get(i);
            whole.add(curve(s.name(), s.parts().get(0).density(), SurfaceFigures.color(i)));
        }
        Stage last = stages.get(stages.size() - 1);
        List<Charts.Series> layers = new ArrayList<>();
        for (int i = 1; i < last.parts().size(); i++) {
            HessianSpectrum.Part p = last.parts().get(i);
            layers.add(curve(p.name(), p.density(), SurfaceFigures.color(i - 1)));
        }
        Charts.write(dir.file("curvature"), List.of(
                new Charts.Panel("Eigenvalue density of the Hessian (whole network)", "eigenvalue", "density (log scale)", whole, false, true),
                new Charts.Panel("Per layer, " + last.name() + " (each layer's block)", "eigenvalue", "density (log scale)", layers, false, true)));
    }

    /**
     * The smoothed density on 1,000 points. The kernel is PyHessian's (σ² = 10⁻⁵·max(1, range)) or three
     * grid spacings, whichever is wider: narrower spikes would fall between the points drawn.
     */
    private static Charts.Series curve(String name, SpectralDensity d, Color c) {
        double[] grid = d.grid(1000);
        double range = grid[grid.length - 1] - grid[0];
        double sigma = Math.max(Math.sqrt(1e-5 * Math.max(1, range)), 3 * range / (grid.length - 1));
        double[] y = d.density(grid, sigma);
        for (int i = 0; i < y.length; i++) {
            y[i] += 1e-7; // PyHessian's floor, so that the log scale shows the gaps
        }
        return new Charts.Series(name, grid, y, false, c, true);
    }

    private String finding(List<Stage> stages, String trainedAs) {
        Stage last = stages.get(stages.size() - 1);
        HessianSpectrum.Part net = last.parts().get(0);
        double layerSum = 0;
        HessianSpectrum.Part heaviest = null;
        for (HessianSpectrum.Part p : last.parts().subList(1, last.parts().size())) {
            layerSum += p.trace().trace();
            if (heaviest == null || p.trace().trace() > heaviest.trace().trace()) {
                heaviest = p;
            }
        }
        StringBuilder b = new StringBuilder();
        if (stages.size() > 1) {
            HessianSpectrum.Part init = stages.get(0).parts().get(0);
            b.append(String.format(Locale.ROOT, "After %s, λ_max went from %.4g to %.4g and the trace from %.4g ± %.2g to %.4g ± %.2g",
                    trainedAs, init.top(), net.top(), init.trace().trace(), init.trace().standardError(), net.trace().trace(), net.trace().standardError()));
        } else {
            b.append(String.format(Locale.ROOT, "At the initial weights λ_max is %.4g and the trace %.4g ± %.2g", net.top(), net.trace().trace(), net.trace().standardError()));
        }
        b.append(String.format(Locale.ROOT, " (the layers' blocks sum to %.4g)", layerSum));
        if (heaviest != null && layerSum > 0) {
            b.append(String.format(Locale.ROOT, "; %s holds %.0f%% of that with %.1f%% of the parameters", heaviest.name(),
                    100 * heaviest.trace().trace() / layerSum, 100.0 * heaviest.parameters() / net.parameters()));
        }
        b.append(String.format(Locale.ROOT, "; %s, %.1f%% of the eigenvalue mass lies within ±%.0f%% of λ_max around zero and %.1f%% is negative (down to %.3g).",
                last.name(), 100 * nearZero(net), 100 * NEAR_ZERO, 100 * negative(net.density()), net.density().min()));
        return b.toString();
    }
}
