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
import dev.descent.optim.TutorialRules;
import dev.descent.plot.Charts;
import dev.descent.train.RunDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code explore momentum}: gradient descent against the tutorial's momentum rule on the
 * ill-conditioned two-weight surface (trajectories, loss curves) and on the MLP (loss curves).
 */
@Command(name = "momentum", mixinStandardHelpOptions = true, abbreviateSynopsis = true, sortOptions = false,
        description = "How momentum helps: gradient descent vs the tutorial's momentum on the ill-conditioned surface and on the MLP.")
final class ExploreMomentum extends ExploreTopic {

    @Option(names = "--factor", defaultValue = "10", paramLabel = "F", description = "rescaling of the second weight; κ ≈ F² (default: ${DEFAULT-VALUE})")
    double factor;

    @Option(names = "--lr", paramLabel = "LR", description = "learning rate of both rules on the surface (default: 1/L, the largest monotone gradient step)")
    Double lr;

    @Option(names = "--beta", defaultValue = "0.9", paramLabel = "B", description = "momentum β (default: ${DEFAULT-VALUE})")
    double beta;

    @Option(names = "--steps", defaultValue = "600", paramLabel = "N", description = "steps on the surface (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--tol", defaultValue = "1e-4", paramLabel = "T", description = "converged when f − f* ≤ T·(f₀ − f*) (default: ${DEFAULT-VALUE})")
    double tol;

    @Mixin
    SurfaceOptions surface = new SurfaceOptions();

    @Mixin
    MlpKnobs mlp = new MlpKnobs();

    @Override
    String topic() {
        return "momentum";
    }

    @Override
    String title() {
        return "Momentum on an ill-conditioned problem";
    }

    @Override
    List<String> quickArgs() {
        return List.of("--mlp-examples", "10000");
    }

    @Override
    void validate() {
        positive("--factor", factor);
        if (lr != null) {
            positive("--lr", lr);
        }
        momentum("--beta", beta);
        atLeast("--steps", steps, 1);
        fraction("--tol", tol);
        surface.validate();
        mlp.validate();
    }

    @Override
    Outcome run(RunDir dir, IdxImages.TrainTest tt, PrintWriter out, ObjectNode result) {
        Conditioning c = Conditioning.of(surface.build(tt.train(), seed, out), factor);
        double rate = lr != null ? lr : 1 / c.smoothness();
        Map<String, Trajectory2D> paths = new LinkedHashMap<>();
        paths.put("gradient descent", Trajectory2D.run(c.surface(), new OptimizerSpec<>(TutorialRules.GradientDescent.RULE, rate, 0, new TutorialRules.NoOptions()),
                c.start()[0], c.start()[1], steps));
        paths.put("momentum (β " + beta + ")", Trajectory2D.run(c.surface(), new OptimizerSpec<>(TutorialRules.Momentum.RULE, rate, 0, new TutorialRules.MomentumOptions(beta)),
                c.start()[0], c.start()[1], steps));
        out.printf(Locale.ROOT, "surface: factor %s, κ = %.1f, lr = %.4g%n", factor, c.conditionNumber(), rate);
        out.printf(Locale.ROOT, "%-22s %16s %14s%n", "rule", "steps to converge", "final f − f*");
        ArrayNode rows = result.putArray("surface");
        List<Charts.Series> curves = new ArrayList<>();
        int[] conv = new int[2];
        int i = 0;
        for (Map.Entry<String, Trajectory2D> e : paths.entrySet()) {
            Trajectory2D t = e.getValue();
            int s = t.stepsToConverge(c.fMin(), tol);
            conv[i++] = s;
            double last = t.loss()[t.loss().length - 1] - c.fMin();
            out.printf(Locale.ROOT, "%-22s %16s %14.3g%n", e.getKey(), s >= 0 ? Integer.toString(s) : t.diverged() ? "diverged" : "> " + steps, last);
            ObjectNode r = rows.addObject();
            r.put("rule", e.getKey());
            if (s >= 0) {
                r.put("steps_to_converge", s);
            } else {
                r.putNull("steps_to_converge");
            }
            r.put("final_suboptimality", last);
            curves.add(new Charts.Series(e.getKey(), Charts.steps(t.loss().length), t.suboptimality(c.fMin(), 1e-12), false, SurfaceFigures.color(curves.size()), true));
        }
        result.put("condition_number", c.conditionNumber());
        result.put("lr", rate);
        result.put("beta", beta);

        TensorDataset train = ExploreCommand.subset(tt.train(), mlp.examples);
        MlpSpec spec = MlpSpec.of(train.exampleNumel(), mlp.hidden(), train.numClasses());
        out.printf(Locale.ROOT, "MLP %s on %,d examples, batch %d, %d epoch(s), lr %s:%n", mlp.describe(spec), train.size(), mlp.batchSize, mlp.epochs, mlp.lr);
        List<ExploreTraining.Run> runs = List.of(
                ExploreTraining.fit("gradient descent", spec, new OptimizerSpec<>(TutorialRules.GradientDescent.RULE, mlp.lr, 0, new TutorialRules.NoOptions()),
                        train, tt.test(), mlp.epochs, mlp.batchSize, seed),
                ExploreTraining.fit("momentum (β " + beta + ")", spec, new OptimizerSpec<>(TutorialRules.Momentum.RULE, mlp.lr, 0, new TutorialRules.MomentumOptions(beta)),
                        train, tt.test(), mlp.epochs, mlp.batchSize, seed));
        ArrayNode mrows = mlp.report(runs, out, result);

        Charts.write(dir.file("momentum"), List.of(
                SurfaceFigures.contours(String.format(Locale.ROOT, "Paths on the surface (κ = %.0f)", c.conditionNumber()), c, paths, surface.grid),
                new Charts.Panel("Loss on the surface", "step", "f − f*", curves, true, true),
                new Charts.Panel("Training loss of the MLP (raw faint, EMA " + Charts.SMOOTHING + ")", "step", "train loss",
                        java.util.stream.IntStream.range(0, runs.size()).boxed().flatMap(k -> runs.get(k).curve(SurfaceFigures.color(k)).stream()).toList())), 3);
        // Which rule is faster is read off the step counts (a rule that did not converge counts as slower).
        String verdict = conv[1] >= 0 && (conv[0] < 0 || conv[1] < conv[0]) ? "momentum is the faster"
                : conv[0] >= 0 && (conv[1] < 0 || conv[0] < conv[1]) ? "gradient descent is the faster" : "neither is faster";
        double mlpMom = mrows.get(1).get("final_train_loss").asDouble(), mlpGd = mrows.get(0).get("final_train_loss").asDouble();
        String finding = String.format(Locale.ROOT,
                "On the surface with κ = %.0f, momentum (β %s) converges in %s steps and gradient descent in %s at the same learning rate (%s); "
                        + "on the MLP at lr %s momentum ends at training loss %.3f against gradient descent's %.3f (%s).",
                c.conditionNumber(), beta, conv[1] >= 0 ? conv[1] : "more than " + steps, conv[0] >= 0 ? conv[0] : "more than " + steps, verdict,
                mlp.lr, mlpMom, mlpGd, mlpMom < mlpGd ? "lower" : mlpMom > mlpGd ? "higher" : "equal");
        return new Outcome(finding, List.of("momentum"));
    }
}
