package dev.descent.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.descent.analysis.SharpnessTracker;
import dev.descent.data.IdxImages;
import dev.descent.data.TensorDataset;
import dev.descent.nn.Activation;
import dev.descent.nn.MlpSpec;
import dev.descent.plot.Charts;
import dev.descent.train.RunDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code explore sharpness}: the top Hessian eigenvalue during full-batch gradient descent on a small
 * MLP against the stability threshold 2/η — the edge of stability (Cohen et al., 2021).
 */
@Command(name = "sharpness", mixinStandardHelpOptions = true, abbreviateSynopsis = true, sortOptions = false,
        description = "Edge of stability: the Hessian's top eigenvalue during full-batch gradient descent against 2/lr.")
final class ExploreSharpness extends ExploreTopic {

    @Option(names = "--lrs", split = ",", defaultValue = "1,2,4", paramLabel = "L1,L2", description = "gradient descent's learning rates (default: ${DEFAULT-VALUE})")
    List<Double> lrs;

    @Option(names = "--steps", defaultValue = "300", paramLabel = "N", description = "full-batch steps per learning rate (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--every", defaultValue = "20", paramLabel = "N", description = "steps between sharpness measurements (default: ${DEFAULT-VALUE})")
    int every;

    @Option(names = "--lanczos", defaultValue = "10", paramLabel = "K", description = "Lanczos iterations per measurement (default: ${DEFAULT-VALUE})")
    int lanczos;

    @Option(names = "--examples", defaultValue = "500", paramLabel = "N", description = "training images, the full batch (default: ${DEFAULT-VALUE})")
    int examples;

    @Option(names = "--pool", defaultValue = "2", paramLabel = "K", description = "average-pool the images by K×K blocks (28×28 → 14×14) to make the MLP small (default: ${DEFAULT-VALUE})")
    int pool;

    @Option(names = "--hidden", defaultValue = "32", paramLabel = "H1,H2", description = "hidden sizes (default: ${DEFAULT-VALUE})")
    String hidden;

    @Option(names = "--activation", defaultValue = "tanh", paramLabel = "NAME", description = "the hidden activation (default: ${DEFAULT-VALUE}; smooth, as in Cohen et al.)")
    String activation;

    @Override
    String topic() {
        return "sharpness";
    }

    @Override
    String title() {
        return "Sharpness and the edge of stability";
    }

    @Override
    List<String> quickArgs() {
        return List.of("--steps", "200", "--lrs", "1,4");
    }

    @Override
    void validate() {
        positive("--lrs", lrs);
        if (steps < 1 || every < 1 || examples < 1 || pool < 1) {
            throw new BadInputException("--steps, --every, --examples and --pool must be positive");
        }
        if (lanczos < 2) {
            throw new BadInputException("--lanczos must be at least 2, got " + lanczos);
        }
        ModelOptions.parseHidden("--hidden", hidden);
        act();
    }

    private Activation act() {
        return ModelOptions.parseActivation(activation);
    }

    @Override
    Outcome run(RunDir dir, IdxImages.TrainTest tt, PrintWriter out, ObjectNode result) {
        TensorDataset train = ExploreCommand.subset(tt.train(), examples);
        if (pool > 1) {
            train = train.pooled(pool);
        }
        MlpSpec spec = new MlpSpec(train.exampleNumel(), ModelOptions.parseHidden("--hidden", hidden), train.numClasses(), true, act());
        out.printf(Locale.ROOT, "full-batch gradient descent on %,d examples (%s inputs), MLP %s with %s; sharpness every %d steps (Lanczos, %d iterations)%n",
                train.size(), train.exampleNumel(), spec.hiddenDims(), activation, every, lanczos);
        List<SharpnessTracker.Run> runs = SharpnessTracker.run(train, new SharpnessTracker.Config(spec, lrs, steps, every, lanczos, seed));
        out.printf(Locale.ROOT, "%8s %8s %14s %16s %12s%n", "lr", "2/lr", "max sharpness", "final sharpness", "final loss");
        List<Charts.Series> sharp = new ArrayList<>(), loss = new ArrayList<>();
        ArrayNode rows = result.putArray("runs");
        StringBuilder summary = new StringBuilder();
        SharpnessTracker.Run edge = null;
        double edgeCloseness = Double.POSITIVE_INFINITY;
        for (int i = 0; i < runs.size(); i++) {
            SharpnessTracker.Run r = runs.get(i);
            double fin = r.sharpness()[r.sharpness().length - 1];
            double finalLoss = r.loss()[r.loss().length - 1];
            out.printf(Locale.ROOT, "%8s %8.3g %14.3f %16.3f %12.4f%n", r.lr(), r.threshold(), r.maxSharpness(), fin, finalLoss);
            java.awt.Color c = SurfaceFigures.color(i);
            sharp.add(new Charts.Series("lr " + r.lr(), java.util.Arrays.stream(r.measuredAt()).asDoubleStream().toArray(), r.sharpness(), true, c, true));
            sharp.add(new Charts.Series("2/lr = " + String.format(Locale.ROOT, "%.3g", r.threshold()), new double[] {0, steps},
                    new double[] {r.threshold(), r.threshold()}, false, c.darker(), true));
            double[] st = new double[r.loss().length];
            for (int k = 0; k < st.length; k++) {
                st[k] = k;
            }
            loss.add(new Charts.Series("lr " + r.lr(), st, r.loss(), false, c, true));
            ObjectNode o = rows.addObject();
            o.put("lr", r.lr());
            o.put("threshold", r.threshold());
            o.put("max_sharpness", r.maxSharpness());
            o.put("final_sharpness", fin);
            o.put("final_loss", finalLoss);
            o.set("measured_at", TrainingSession.JSON.valueToTree(r.measuredAt()));
            o.set("sharpness", TrainingSession.JSON.valueToTree(r.sharpness()));
            double late = lateMedian(r.sharpness());
            o.put("late_median_sharpness", late);
            summary.append(String.format(Locale.ROOT, "%slr %s: from %.2f it peaks at %.2f and over the second half sits at %.2f, %.0f%% of 2/lr = %.2f",
                    summary.isEmpty() ? "" : "; ", r.lr(), r.sharpness()[0], r.maxSharpness(), late, 100 * late / r.threshold(), r.threshold()));
            double closeness = Math.abs(Math.log(late / r.threshold()));
            if (edge == null || closeness < edgeCloseness) {
                edge = r;
                edgeCloseness = closeness;
            }
        }
        Charts.write(dir.file("sharpness"), List.of(
                new Charts.Panel("Sharpness (top Hessian eigenvalue)", "step", "λ_max", sharp),
                new Charts.Panel("Full-batch training loss", "step", "training loss", loss, false, true)));
        double ratio = lateMedian(edge.sharpness()) / edge.threshold();
        String finding = (ratio > 0.8 && ratio < 1.25
                ? String.format(Locale.ROOT, "At lr %s the sharpness is held at the stability threshold 2/lr while the loss falls, non-monotonically (the edge of stability); ", edge.lr())
                : "No learning rate here held the sharpness at 2/lr (try larger ones or more steps); ") + summary + ".";
        return new Outcome(finding, List.of("sharpness"));
    }

    /** The median of the second half of the measurements. */
    private static double lateMedian(double[] v) {
        double[] late = java.util.Arrays.copyOfRange(v, v.length / 2, v.length);
        java.util.Arrays.sort(late);
        return late.length % 2 == 1 ? late[late.length / 2] : (late[late.length / 2 - 1] + late[late.length / 2]) / 2;
    }
}
