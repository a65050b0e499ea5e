package dev.descent.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.descent.analysis.LossSlices;
import dev.descent.analysis.MlpCurvature;
import dev.descent.data.IdxImages;
import dev.descent.data.TensorDataset;
import dev.descent.nn.Mlp;
import dev.descent.nn.MlpSpec;
import dev.descent.optim.Adam;
import dev.descent.optim.OptimizerSpec;
import dev.descent.plot.Charts;
import dev.descent.train.RunDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code explore nonconvex}: the tutorial's "overparameterisation to the rescue". One-hidden-layer
 * MLPs of several widths, each trained from several random initialisations: the spread of the final
 * training losses per width, and the loss along the straight line between two trained solutions.
 */
@Command(name = "nonconvex", mixinStandardHelpOptions = true, abbreviateSynopsis = true, sortOptions = false,
        description = "Non-convexity and overparameterisation: final losses from several initialisations per hidden width; interpolation between solutions.")
final class ExploreNonconvex extends ExploreTopic {

    @Option(names = "--widths", split = ",", defaultValue = "2,8,32,128", paramLabel = "W1,W2", description = "hidden widths (default: ${DEFAULT-VALUE})")
    List<Integer> widths;

    @Option(names = "--inits", defaultValue = "5", paramLabel = "N", description = "random initialisations per width (default: ${DEFAULT-VALUE})")
    int inits;

    @Option(names = "--examples", defaultValue = "10000", paramLabel = "N", description = "training images (default: ${DEFAULT-VALUE})")
    int examples;

    @Option(names = "--epochs", defaultValue = "3", paramLabel = "N", description = "epochs per run (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "64", paramLabel = "N", description = "batch size (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--lr", defaultValue = "0.001", paramLabel = "LR", description = "Adam's learning rate (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--points", defaultValue = "31", paramLabel = "N", description = "points on each interpolation line, α from −0.25 to 1.25 (default: ${DEFAULT-VALUE})")
    int points;

    @Override
    String topic() {
        return "nonconvex";
    }

    @Override
    String title() {
        return "Non-convexity: overparameterisation to the rescue";
    }

    @Override
    List<String> quickArgs() {
        return List.of("--inits", "4", "--examples", "5000", "--epochs", "2");
    }

    @Override
    void validate() {
        positive("--widths", widths);
        if (inits < 2) {
            throw new BadInputException("--inits must be at least 2 (a spread and an interpolation need two solutions), got " + inits);
        }
        if (examples < 1 || epochs < 1 || batchSize < 1) {
            throw new BadInputException("--examples, --epochs and --batch-size must be positive");
        }
        if (points < 3) {
            throw new BadInputException("--points must be at least 3, got " + points);
        }
        positive("--lr", lr);
    }

    @Override
    Outcome run(RunDir dir, IdxImages.TrainTest tt, PrintWriter out, ObjectNode result) {
        TensorDataset train = ExploreCommand.subset(tt.train(), examples);
        ToDoubleFunction<Mlp> trainLoss = LossSlices.lossOn(train, train.size());
        OptimizerSpec<Adam.Options> adam = new OptimizerSpec<>(Adam.ADAM, lr, 0, new Adam.Options(0.9, 0.999, 1e-8, false));
        double[] alphas = LossSlices.linspace(-0.25, 1.25, points);
        out.printf(Locale.ROOT, "%d initialisations per width, Adam lr %s, %d epoch(s) on %,d examples; final loss on the whole training subset%n", inits, lr, epochs, train.size());
        out.printf(Locale.ROOT, "%8s %10s %10s %10s %10s %12s%n", "width", "mean loss", "min", "max", "spread", "barrier");
        List<Charts.Series> scatter = new ArrayList<>(), lines = new ArrayList<>();
        List<Double> meanX = new ArrayList<>(), meanY = new ArrayList<>();
        ArrayNode rows = result.putArray("widths");
        double[] spreads = new double[widths.size()], means = new double[widths.size()];
        for (int w = 0; w < widths.size(); w++) {
            int width = widths.get(w);
            MlpSpec spec = MlpSpec.of(train.exampleNumel(), List.of(width), train.numClasses());
            double[] losses = new double[inits];
            double[][] thetas = new double[2][];
            Mlp last = null;
            for (int i = 0; i < inits; i++) {
                ExploreTraining.Run r = ExploreTraining.fit("width " + width, spec, adam, train, null, epochs, batchSize, seed + 1000L * i);
                losses[i] = trainLoss.applyAsDouble(r.model());
                if (i < 2) {
                    thetas[i] = MlpCurvature.flatten(r.model());
                }
                last = r.model();
            }
            double[] line = LossSlices.interpolate(last, trainLoss, thetas[0], thetas[1], alphas);
            double barrier = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < alphas.length; k++) {
                if (alphas[k] >= 0 && alphas[k] <= 1) {
                    barrier = Math.max(barrier, line[k] - Math.max(losses[0], losses[1]));
                }
            }
            double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, sum = 0;
            for (double l : losses) {
                min = Math.min(min, l);
                max = Math.max(max, l);
                sum += l;
            }
            means[w] = sum / inits;
            spreads[w] = max - min;
            out.printf(Locale.ROOT, "%8d %10.4f %10.4f %10.4f %10.4f %12.4f%n", width, means[w], min, max, spreads[w], barrier);
            double[] xs = new double[inits];
            java.util.Arrays.fill(xs, width);
            scatter.add(Charts.Series.points("width " + width, xs, losses, SurfaceFigures.color(w)));
            meanX.add((double) width);
            meanY.add(means[w]);
            lines.add(new Charts.Series("width " + width, alphas, line, false, SurfaceFigures.color(w), true));
            ObjectNode r = rows.addObject();
            r.put("width", width);
            r.set("final_losses", TrainingSession.JSON.valueToTree(losses));
            r.put("mean", means[w]);
            r.put("spread", spreads[w]);
            r.put("barrier", barrier);
            r.set("interpolation_alpha", TrainingSession.JSON.valueToTree(alphas));
            r.set("interpolation_loss", TrainingSession.JSON.valueToTree(line));
        }
        scatter.add(new Charts.Series("mean", meanX.stream().mapToDouble(Double::doubleValue).toArray(), meanY.stream().mapToDouble(Double::doubleValue).toArray(),
                false, java.awt.Color.BLACK, true));
        Charts.write(dir.file("nonconvex"), List.of(
                new Charts.Panel("Final training loss per initialisation", "hidden width", "training loss", scatter, true, false),
                new Charts.Panel("Between two trained solutions", "α  (θ = (1 − α)·θ₁ + α·θ₂)", "training loss", lines)));
        int n = widths.size() - 1;
        String conclusion = means[n] < means[0] && spreads[n] < spreads[0]
                ? "wider networks reach low, nearly equal losses whatever the start, so bad local minima stop mattering."
                : means[n] < means[0] ? "the wider network ends lower on average, but its losses spread as widely: the start still matters at these sizes."
                : "the wider network does not end lower here; more epochs or a wider range of widths show the trend.";
        String finding = String.format(Locale.ROOT,
                "From %d random initialisations, width %d ends with losses spread over %.3f (mean %.3f), width %d over %.3f (mean %.3f): %s",
                inits, widths.get(0), spreads[0], means[0], widths.get(n), spreads[n], means[n], conclusion);
        return new Outcome(finding, List.of("nonconvex"));
    }
}
