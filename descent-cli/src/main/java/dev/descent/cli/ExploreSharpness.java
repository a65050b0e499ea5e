package dev.descent.cli;

import java.awt.Color;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.OptionalInt;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.descent.analysis.EdgeOfStability;
import dev.descent.analysis.MlpCurvature;
import dev.descent.analysis.SharpnessListener;
import dev.descent.data.IdxImages;
import dev.descent.data.TensorDataset;
import dev.descent.nn.Activation;
import dev.descent.nn.MlpSpec;
import dev.descent.plot.Charts;
import dev.descent.train.Loss;
import dev.descent.train.RunDir;
import dev.descent.train.TrainListener;
import dev.descent.train.TrainResult;
import dev.descent.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code explore sharpness}: the edge of stability (Cohen et al., ICLR 2021) in the paper's regime —
 * full-batch gradient descent with MSE on one-hot targets, a small tanh MLP, 5,000 training images —
 * with the sharpness λ_max measured every few steps against 2/η for several step sizes η.
 */
@Command(name = "sharpness", mixinStandardHelpOptions = true, abbreviateSynopsis = true, sortOptions = false,
        description = {"Edge of stability (Cohen et al., ICLR 2021): full-batch gradient descent, the Hessian's top eigenvalue against 2/lr.",
                "Defaults: the paper's regime on MNIST (5,000 examples, MSE on one-hot targets, a tanh MLP), four step sizes."})
final class ExploreSharpness extends ExploreTopic {

    @Option(names = "--lrs", split = ",", defaultValue = "0.667,0.8,1,1.333", paramLabel = "L1,L2",
            description = "gradient descent's step sizes; the defaults put 2/lr at 3, 2.5, 2 and 1.5, above the initial sharpness (default: ${DEFAULT-VALUE})")
    List<Double> lrs;

    @Option(names = "--steps", defaultValue = "1000", paramLabel = "N", description = "full-batch steps per step size (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--every", defaultValue = "20", paramLabel = "N", description = "steps between sharpness measurements (default: ${DEFAULT-VALUE})")
    int every;

    @Option(names = "--lanczos", defaultValue = "20", paramLabel = "K", description = "at most K Lanczos iterations per measurement, warm-started (default: ${DEFAULT-VALUE})")
    int lanczos;

    @Option(names = "--examples", defaultValue = "5000", paramLabel = "N", description = "training images, the full batch (default: ${DEFAULT-VALUE})")
    int examples;

    @Option(names = "--pool", defaultValue = "2", paramLabel = "K", description = "average-pool the images by K×K blocks (28×28 → 14×14) to make the MLP small (default: ${DEFAULT-VALUE})")
    int pool;

    @Option(names = "--hidden", defaultValue = "100,100", paramLabel = "H1,H2", description = "hidden sizes (default: ${DEFAULT-VALUE})")
    String hidden;

    @Option(names = "--activation", defaultValue = "tanh", paramLabel = "NAME", description = "the hidden activation (default: ${DEFAULT-VALUE}, as the paper's fc-tanh)")
    String activation;

    @Option(names = "--loss", defaultValue = "mse", paramLabel = "NAME", description = "mse (on one-hot targets, the paper's) or nll (default: ${DEFAULT-VALUE})")
    String loss;

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
        return List.of("--examples", "1000", "--steps", "300", "--lrs", "1,1.333");
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
        lossKind();
    }

    private Activation act() {
        return ModelOptions.parseActivation(activation);
    }

    private Loss lossKind() {
        return TrainOptions.parseLoss(loss);
    }

    @Override
    Outcome run(RunDir dir, IdxImages.TrainTest tt, PrintWriter out, ObjectNode result) {
        TensorDataset train = ExploreCommand.subset(tt.train(), examples);
        if (pool > 1) {
            train = train.pooled(pool);
        }
        MlpSpec spec = new MlpSpec(train.exampleNumel(), ModelOptions.parseHidden("--hidden", hidden), train.numClasses(), true, act());
        SharpnessListener.Settings how = new SharpnessListener.Settings(every, lanczos, 1e-3, true, MlpCurvature.Precision.FLOAT32, seed);
        EdgeOfStability.Config cfg = new EdgeOfStability.Config(spec, lossKind(), steps, how, seed);
        out.printf(Locale.ROOT, "full-batch gradient descent on %,d examples (%d inputs), %s %s, %s loss, %,d steps; sharpness every %d steps (Lanczos, at most %d products)%n",
                train.size(), train.exampleNumel(), TrainingSession.describe(spec), activation, lossKind().label(), steps, every, lanczos);
        out.printf(Locale.ROOT, "%7s %8s %9s %14s %11s %9s %11s %9s%n", "lr", "2/lr", "initial", "steps to 2/lr", "mean ratio", "max", "final loss", "time (s)");
        out.flush();
        List<EdgeOfStability.Run> runs = new ArrayList<>();
        for (double lr : lrs) {
            EdgeOfStability.Run r = EdgeOfStability.run(train, cfg, lr, List.of(new Progress(out, lr, steps)));
            runs.add(r);
            OptionalInt reach = r.stepsToReach();
            OptionalDouble ratio = r.meanRatioAfter();
            out.printf(Locale.ROOT, "%7s %8.3g %9.3f %14s %11s %9.3f %11.4f %9.1f%n", TrainingSession.fmt(lr), r.threshold(), r.sharpness()[0],
                    reach.isPresent() ? Integer.toString(reach.getAsInt()) : "never", ratio.isPresent() ? String.format(Locale.ROOT, "%.3f", ratio.getAsDouble()) : "-",
                    r.maxSharpness(), r.finalLoss(), r.seconds());
            out.flush();
        }
        figure(dir, runs, lossKind());
        record(result, spec, train, runs);
        return new Outcome(finding(runs), List.of("sharpness"));
    }

    /** A line per quarter of a long run, so that minutes of full-batch steps show progress. */
    private static final class Progress implements TrainListener {
        private final PrintWriter out;
        private final double lr;
        private final int steps;

        Progress(PrintWriter out, double lr, int steps) {
            this.out = out;
            this.lr = lr;
            this.steps = steps;
        }

        /** Reads the history only. */
        @Override
        public boolean readsModel(StepReport report) {
            return false;
        }

        @Override
        public void onStep(Trainer trainer, StepReport r) {
            if (steps >= 400 && r.step() % (steps / 4) == 0 && r.step() < steps) {
                int[] at = trainer.history().metricSteps(SharpnessListener.SHARPNESS);
                double[] s = trainer.history().metricValues(SharpnessListener.SHARPNESS);
                out.printf(Locale.ROOT, "  lr %s: step %,d of %,d, loss %.4f%s%n", TrainingSession.fmt(lr), r.step(), steps, r.loss(), s.length == 0 ? ""
                        : String.format(Locale.ROOT, ", sharpness %.3f at step %,d (2/lr %.3g)", s[s.length - 1], at[at.length - 1], 2 / lr));
                out.flush();
            }
        }
    }

    private void figure(RunDir dir, List<EdgeOfStability.Run> runs, Loss kind) {
        List<Charts.Series> sharp = new ArrayList<>(), ratio = new ArrayList<>(), loss = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            EdgeOfStability.Run r = runs.get(i);
            Color c = SurfaceFigures.color(i);
            double[] at = Charts.doubles(r.measuredAt());
            sharp.add(new Charts.Series("lr " + TrainingSession.fmt(r.lr()), at, r.sharpness(), false, c, true));
            sharp.add(new Charts.Series("2/lr", new double[] {0, steps}, new double[] {r.threshold(), r.threshold()}, false, c.darker(), false));
            double[] q = new double[r.sharpness().length];
            for (int k = 0; k < q.length; k++) {
                q[k] = r.sharpness()[k] / r.threshold();
            }
            ratio.add(new Charts.Series("lr " + TrainingSession.fmt(r.lr()), at, q, false, c, true));
            double[] lv = Charts.doubles(r.loss());
            loss.add(new Charts.Series("lr " + TrainingSession.fmt(r.lr()), Charts.steps(lv.length), lv, false, c, true));
        }
        ratio.add(new Charts.Series("2/lr", new double[] {0, steps}, new double[] {1, 1}, false, Color.GRAY, false));
        Charts.write(dir.file("sharpness"), List.of(
                new Charts.Panel("Sharpness λ_max, with 2/lr per step size", "step", "λ_max", sharp, false, false, null, headroom(sharp)),
                new Charts.Panel("λ_max relative to 2/lr", "step", "λ_max · lr / 2", ratio, false, false, null, headroom(ratio)),
                new Charts.Panel("Full-batch training loss", "step", kind.label() + " loss", loss)), 3);
    }

    /** The lines' range with a third more above, so that the legend in the top corner hides no curve. */
    private static double[] headroom(List<Charts.Series> lines) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (Charts.Series l : lines) {
            for (double y : l.y()) {
                if (Double.isFinite(y)) {
                    lo = Math.min(lo, y);
                    hi = Math.max(hi, y);
                }
            }
        }
        if (!(hi > lo)) {
            return null;
        }
        return new double[] {lo - 0.05 * (hi - lo), hi + 0.35 * (hi - lo)};
    }

    private void record(ObjectNode result, MlpSpec spec, TensorDataset train, List<EdgeOfStability.Run> runs) {
        result.put("examples", train.size());
        result.put("inputs", train.exampleNumel());
        result.put("model", TrainingSession.describe(spec));
        result.put("activation", spec.activation().name().toLowerCase(Locale.ROOT));
        result.put("loss", lossKind().label());
        result.put("steps", steps);
        result.put("every", every);
        ArrayNode rows = result.putArray("runs");
        for (EdgeOfStability.Run r : runs) {
            ObjectNode o = rows.addObject();
            o.put("lr", r.lr());
            o.put("threshold", r.threshold());
            OptionalInt reach = r.stepsToReach();
            if (reach.isPresent()) {
                o.put("steps_to_reach", reach.getAsInt());
            } else {
                o.putNull("steps_to_reach");
            }
            OptionalDouble ratio = r.meanRatioAfter();
            if (ratio.isPresent()) {
                o.put("mean_ratio_after", ratio.getAsDouble());
            } else {
                o.putNull("mean_ratio_after");
            }
            o.put("initial_sharpness", r.sharpness()[0]);
            o.put("max_sharpness", r.maxSharpness());
            o.put("final_sharpness", r.finalSharpness());
            o.put("final_loss", r.finalLoss());
            o.put("stop", r.result().reason().name().toLowerCase(Locale.ROOT));
            o.put("seconds", r.seconds());
            o.put("sharpness_seconds", r.sharpnessSeconds());
            o.put("sharpness_products", r.products());
            o.set("measured_at", TrainingSession.JSON.valueToTree(r.measuredAt()));
            o.set("sharpness", TrainingSession.JSON.valueToTree(r.sharpness()));
            o.set("loss", TrainingSession.JSON.valueToTree(r.loss()));
        }
    }

    /** The finding, from the numbers: which runs reached 2/lr, when, and where the sharpness stayed. */
    private String finding(List<EdgeOfStability.Run> runs) {
        List<String> reached = new ArrayList<>(), never = new ArrayList<>();
        long reachedCount = runs.stream().filter(r -> r.stepsToReach().isPresent()).count();
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (EdgeOfStability.Run r : runs) {
            OptionalInt reach = r.stepsToReach();
            OptionalDouble ratio = r.meanRatioAfter();
            String lr = TrainingSession.fmt(r.lr());
            if (r.result().reason() == TrainResult.Stop.DIVERGED) {
                reached.add(String.format(Locale.ROOT, "lr %s %s and diverged at step %,d", lr, reach.isEmpty()
                        ? String.format(Locale.ROOT, "stayed below 2/lr = %.3g", r.threshold())
                        : reach.getAsInt() == 0 ? String.format(Locale.ROOT, "started above 2/lr = %.3g (sharpness %.3g)", r.threshold(), r.sharpness()[0])
                        : String.format(Locale.ROOT, "rose from %.3g to 2/lr = %.3g by step %,d", r.sharpness()[0], r.threshold(), reach.getAsInt()),
                        r.result().steps()));
                continue;
            }
            if (reach.isEmpty()) {
                never.add(String.format(Locale.ROOT, "lr %s never reached 2/lr = %.3g in %,d steps (its sharpness went from %.3g to at most %.3g)",
                        lr, r.threshold(), r.loss().length, r.sharpness()[0], r.maxSharpness()));
            } else if (reach.getAsInt() == 0) {
                reached.add(String.format(Locale.ROOT, "lr %s started above 2/lr = %.3g (sharpness %.3g)%s", lr, r.threshold(), r.sharpness()[0],
                        ratio.isPresent() ? String.format(Locale.ROOT, " and then averaged %.2f × 2/lr", ratio.getAsDouble()) : ""));
            } else {
                reached.add(String.format(Locale.ROOT, "lr %s rose from %.3g to 2/lr = %.3g by step %,d%s", lr, r.sharpness()[0], r.threshold(), reach.getAsInt(),
                        ratio.isPresent() ? String.format(Locale.ROOT, " and then averaged %.2f × 2/lr", ratio.getAsDouble()) : " (at the last measurement)"));
            }
            if (ratio.isPresent()) {
                lo = Math.min(lo, ratio.getAsDouble());
                hi = Math.max(hi, ratio.getAsDouble());
            }
        }
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%d of %d step sizes reached the stability threshold 2/lr", reachedCount, runs.size()));
        if (hi >= lo) {
            String low = String.format(Locale.ROOT, "%.2f", lo), high = String.format(Locale.ROOT, "%.2f", hi);
            b.append("; after reaching it the sharpness of those that did not diverge averaged ")
                    .append(low.equals(high) ? low : low + " to " + high).append(" times 2/lr");
        }
        b.append(": ");
        List<String> all = new ArrayList<>(reached);
        all.addAll(never);
        b.append(String.join("; ", all)).append('.');
        return b.toString();
    }
}
