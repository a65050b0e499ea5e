package dev.descent.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.descent.analysis.Conditioning;
import dev.descent.analysis.Trajectory2D;
import dev.descent.data.IdxImages;
import dev.descent.data.TensorDataset;
import dev.descent.nn.MlpSpec;
import dev.descent.optim.OptimizerSpec;
import dev.descent.optim.Optimizers;
import dev.descent.plot.Charts;
import dev.descent.train.RunDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code explore adaptive}: SGD, momentum, RMSprop, Adagrad and Adam (torch.optim's formulas) on the
 * ill-conditioned two-weight surface and on the MLP, from the same start, seed and initial weights.
 */
@Command(name = "adaptive", mixinStandardHelpOptions = true, abbreviateSynopsis = true, sortOptions = false,
        description = "SGD, momentum, RMSprop, Adagrad and Adam on the ill-conditioned surface (paths) and on the MLP (curves, table).")
final class ExploreAdaptive extends ExploreTopic {

    @Option(names = "--factor", defaultValue = "10", paramLabel = "F", description = "rescaling of the second weight; κ ≈ F² (default: ${DEFAULT-VALUE})")
    double factor;

    @Option(names = "--steps", defaultValue = "300", paramLabel = "N", description = "steps on the surface (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--tol", defaultValue = "1e-4", paramLabel = "T", description = "reached when f − f* ≤ T·(f₀ − f*) (default: ${DEFAULT-VALUE})")
    double tol;

    @Option(names = "--mlp-lrs", split = ",", defaultValue = "0.05,0.01,0.001,0.01,0.001", paramLabel = "L1,…",
            description = "the MLP's learning rates for sgd, momentum, rmsprop, adagrad, adam (default: ${DEFAULT-VALUE})")
    List<Double> mlpLrs;

    @Mixin
    SurfaceOptions surface = new SurfaceOptions();

    @Mixin
    MlpKnobs mlp = new MlpKnobs();

    private static final List<String> NAMES = List.of("sgd", "momentum", "rmsprop", "adagrad", "adam");

    @Override
    String topic() {
        return "adaptive";
    }

    @Override
    String title() {
        return "Adaptive learning rates: RMSprop, Adagrad, Adam";
    }

    @Override
    List<String> quickArgs() {
        return List.of("--mlp-examples", "10000");
    }

    @Override
    void validate() {
        positive("--factor", factor);
        atLeast("--steps", steps, 1);
        fraction("--tol", tol);
        positive("--mlp-lrs", mlpLrs);
        if (mlpLrs.size() != NAMES.size()) {
            throw new BadInputException("--mlp-lrs takes " + NAMES.size() + " values (" + String.join(", ", NAMES) + "), got " + mlpLrs.size());
        }
        surface.validate();
        mlp.validate();
    }

    /**
     * The five optimizers of the registry with their PyTorch defaults but the learning rate. On the
     * surface a gradient step's natural size is 1/L while an adaptive step's is about lr per
     * coordinate, so their learning rates are set from the window's half-width h.
     */
    private static List<OptimizerSpec<?>> specs(double sgdLr, double adaptiveUnit, List<Double> lrs) {
        boolean surface = lrs == null;
        double[] onSurface = {sgdLr, sgdLr * 0.5, adaptiveUnit / 100, adaptiveUnit / 2, adaptiveUnit / 20};
        List<OptimizerSpec<?>> specs = new ArrayList<>();
        for (int i = 0; i < NAMES.size(); i++) {
            specs.add(Optimizers.get(NAMES.get(i)).spec(Map.of(Optimizers.Knob.LR, surface ? onSurface[i] : lrs.get(i)), 0));
        }
        return specs;
    }

    @Override
    Outcome run(RunDir dir, IdxImages.TrainTest tt, PrintWriter out, ObjectNode result) {
        Conditioning c = Conditioning.of(surface.build(tt.train(), seed, out), factor);
        List<OptimizerSpec<?>> onSurface = specs(1 / c.smoothness(), c.halfWidth(), null);
        Map<String, Trajectory2D> paths = new LinkedHashMap<>();
        List<Charts.Series> curves = new ArrayList<>();
        out.printf(Locale.ROOT, "surface: factor %s, κ = %.1f; %d steps%n", factor, c.conditionNumber(), steps);
        out.printf(Locale.ROOT, "%-10s %10s %20s %14s%n", "optimizer", "lr", "steps to " + tol + "·(f₀−f*)", "final f − f*");
        ArrayNode rows = result.putArray("surface");
        Map<String, Integer> reached = new LinkedHashMap<>();
        for (int i = 0; i < NAMES.size(); i++) {
            OptimizerSpec<?> os = onSurface.get(i);
            Trajectory2D t = Trajectory2D.run(c.surface(), os, c.start()[0], c.start()[1], steps);
            int s = t.stepsToConverge(c.fMin(), tol);
            double last = t.loss()[t.loss().length - 1] - c.fMin();
            paths.put(NAMES.get(i), t);
            reached.put(NAMES.get(i), s);
            curves.add(new Charts.Series(NAMES.get(i), Charts.steps(t.loss().length), t.suboptimality(c.fMin(), 1e-12), false, SurfaceFigures.color(curves.size()), true));
            out.printf(Locale.ROOT, "%-10s %10.4g %20s %14.3g%n", NAMES.get(i), os.lr(), s >= 0 ? Integer.toString(s) : t.diverged() ? "diverged" : "> " + steps, last);
            ObjectNode r = rows.addObject();
            r.put("optimizer", NAMES.get(i));
            r.put("lr", os.lr());
            if (s >= 0) {
                r.put("steps_to_tol", s);
            } else {
                r.putNull("steps_to_tol");
            }
            r.put("final_suboptimality", last);
        }
        result.put("condition_number", c.conditionNumber());

        TensorDataset train = ExploreCommand.subset(tt.train(), mlp.examples);
        MlpSpec spec = MlpSpec.of(train.exampleNumel(), mlp.hidden(), train.numClasses());
        out.printf(Locale.ROOT, "MLP %s on %,d examples, batch %d, %d epoch(s), same initial weights and batch order:%n", mlp.describe(spec), train.size(), mlp.batchSize, mlp.epochs);
        List<OptimizerSpec<?>> onMlp = specs(0, 0, mlpLrs);
        List<ExploreTraining.Run> runs = new ArrayList<>();
        for (int i = 0; i < NAMES.size(); i++) {
            runs.add(ExploreTraining.fit(NAMES.get(i) + " (lr " + mlpLrs.get(i) + ")", spec, onMlp.get(i), train, tt.test(), mlp.epochs, mlp.batchSize, seed));
        }
        ArrayNode mrows = mlp.report(runs, out, result);

        Charts.write(dir.file("adaptive"), List.of(
                SurfaceFigures.contours(String.format(Locale.ROOT, "Paths on the surface (κ = %.0f)", c.conditionNumber()), c, paths, surface.grid),
                new Charts.Panel("Loss on the surface", "step", "f − f*", curves, true, true),
                new Charts.Panel("Training loss of the MLP (raw faint, EMA " + Charts.SMOOTHING + ")", "step", "train loss",
                        java.util.stream.IntStream.range(0, runs.size()).boxed().flatMap(k -> runs.get(k).curve(SurfaceFigures.color(k)).stream()).toList())), 3);

        String fastest = reached.entrySet().stream().filter(e -> e.getValue() >= 0).min(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse("none");
        int best = 0;
        for (int i = 1; i < runs.size(); i++) {
            if (mrows.get(i).get("final_train_loss").asDouble() < mrows.get(best).get("final_train_loss").asDouble()) {
                best = i;
            }
        }
        // Whether the adaptive rules won is read off the steps (a rule that never reached the tolerance counts as slowest).
        int adaptiveBest = Math.min(never(reached.get("rmsprop")), Math.min(never(reached.get("adagrad")), never(reached.get("adam"))));
        int plainBest = Math.min(never(reached.get("sgd")), never(reached.get("momentum")));
        String claim = adaptiveBest < plainBest ? "the per-coordinate step sizes of RMSprop, Adagrad and Adam ignore the bad scaling of one axis"
                : "the per-coordinate step sizes of RMSprop, Adagrad and Adam do not beat sgd and momentum here";
        String finding = String.format(Locale.ROOT,
                "On the surface with κ = %.0f %s "
                        + "(steps to %s of the initial gap: sgd %s, momentum %s, rmsprop %s, adagrad %s, adam %s; fastest: %s); "
                        + "on the MLP %s ends with the lowest training loss (%.3f) and %.2f%% test accuracy.",
                c.conditionNumber(), claim, tol, fmt(reached.get("sgd"), steps), fmt(reached.get("momentum"), steps), fmt(reached.get("rmsprop"), steps),
                fmt(reached.get("adagrad"), steps), fmt(reached.get("adam"), steps), fastest, NAMES.get(best), mrows.get(best).get("final_train_loss").asDouble(),
                100 * mrows.get(best).get("test_accuracy").asDouble());
        return new Outcome(finding, List.of("adaptive"));
    }

    private static int never(int s) {
        return s >= 0 ? s : Integer.MAX_VALUE;
    }

    private static String fmt(int s, int steps) {
        return s >= 0 ? Integer.toString(s) : "> " + steps;
    }
}
