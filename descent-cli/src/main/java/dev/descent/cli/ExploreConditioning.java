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
import dev.descent.analysis.LinearModelSurface;
import dev.descent.analysis.Trajectory2D;
import dev.descent.data.IdxImages;
import dev.descent.data.TensorDataset;
import dev.descent.nn.Mlp;
import dev.descent.optim.OptimizerSpec;
import dev.descent.optim.TutorialRules;
import dev.descent.plot.Charts;
import dev.descent.train.RunDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code explore conditioning}: two weights of the linear model, one rescaled by a factor; the loss
 * contours with gradient descent's path, the Hessian's eigenvalues and κ per factor, and the steps
 * to converge against κ (with the tutorial's momentum for reference).
 */
@Command(name = "conditioning", mixinStandardHelpOptions = true, abbreviateSynopsis = true, sortOptions = false,
        description = "Why poor conditioning slows gradient descent: two weights of the linear model, one rescaled; contours, Hessian, steps against κ.")
final class ExploreConditioning extends ExploreTopic {

    @Option(names = "--factors", split = ",", defaultValue = "1,2,4,7,10", paramLabel = "F1,F2", description = "rescaling factors of the second weight (default: ${DEFAULT-VALUE})")
    List<Double> factors;

    @Option(names = "--lr", paramLabel = "LR", description = "a fixed learning rate for every factor (default: 1/L per factor, L the largest curvature in the window)")
    Double lr;

    @Option(names = "--beta", defaultValue = "0.9", paramLabel = "B", description = "β of the tutorial's momentum, the reference (default: ${DEFAULT-VALUE})")
    double beta;

    @Option(names = "--max-steps", defaultValue = "5000", paramLabel = "N", description = "steps before giving up (default: ${DEFAULT-VALUE})")
    int maxSteps;

    @Option(names = "--tol", defaultValue = "1e-4", paramLabel = "T", description = "converged when f − f* ≤ T·(f₀ − f*) (default: ${DEFAULT-VALUE})")
    double tol;

    @Mixin
    SurfaceOptions surface = new SurfaceOptions();

    @Override
    String topic() {
        return "conditioning";
    }

    @Override
    String title() {
        return "Poor conditioning slows gradient descent";
    }

    @Override
    List<String> quickArgs() {
        return List.of("--factors", "1,3,10", "--examples", "20000", "--max-steps", "3000");
    }

    @Override
    void validate() {
        positive("--factors", factors);
        if (lr != null) {
            positive("--lr", lr);
        }
        momentum("--beta", beta);
        atLeast("--max-steps", maxSteps, 1);
        fraction("--tol", tol);
        surface.validate();
    }

    @Override
    Outcome run(RunDir dir, IdxImages.TrainTest tt, PrintWriter out, ObjectNode result) {
        LinearModelSurface base = surface.build(tt.train(), seed, out);
        out.printf(Locale.ROOT, "%8s %10s %10s %9s %10s %10s %14s%n", "factor", "λ_min", "λ_max", "κ", "lr", "GD steps", "momentum steps");
        List<Charts.Panel> contours = new ArrayList<>();
        List<Charts.Series> subopt = new ArrayList<>();
        List<Double> kappas = new ArrayList<>(), gdSteps = new ArrayList<>(), momSteps = new ArrayList<>();
        ArrayNode rows = result.putArray("factors");
        for (double f : factors) {
            Conditioning c = Conditioning.of(base, f);
            double rate = lr != null ? lr : 1 / c.smoothness();
            double target = c.fMin() + tol * (c.surface().value(c.start()[0], c.start()[1]) - c.fMin());
            Trajectory2D gd = Trajectory2D.run(c.surface(), new OptimizerSpec<>(TutorialRules.GradientDescent.RULE, rate, 0, new TutorialRules.NoOptions()),
                    c.start()[0], c.start()[1], maxSteps, target);
            Trajectory2D mom = Trajectory2D.run(c.surface(), new OptimizerSpec<>(TutorialRules.Momentum.RULE, rate, 0, new TutorialRules.MomentumOptions(beta)),
                    c.start()[0], c.start()[1], maxSteps, target);
            int sg = gd.stepsToConverge(c.fMin(), tol), sm = mom.stepsToConverge(c.fMin(), tol);
            out.printf(Locale.ROOT, "%8s %10.4g %10.4g %9.1f %10.4g %10s %14s%n", f, c.eigenvalues()[0], c.eigenvalues()[1], c.conditionNumber(), rate,
                    steps(sg, gd, maxSteps), steps(sm, mom, maxSteps));
            ObjectNode r = rows.addObject();
            r.put("factor", f);
            r.put("lambda_min", c.eigenvalues()[0]);
            r.put("lambda_max", c.eigenvalues()[1]);
            r.put("condition_number", c.conditionNumber());
            r.put("lr", rate);
            r.put("f_min", c.fMin());
            putSteps(r, "gd_steps", sg);
            putSteps(r, "momentum_steps", sm);
            r.put("gd_diverged", gd.diverged());
            contours.add(SurfaceFigures.contours(String.format(Locale.ROOT, "factor %s: κ = %.1f, GD %s steps", f, c.conditionNumber(), steps(sg, gd, maxSteps)),
                    c, Map.of("gradient descent", gd), surface.grid));
            subopt.add(new Charts.Series(String.format(Locale.ROOT, "κ = %.1f", c.conditionNumber()), Charts.steps(gd.loss().length),
                    gd.suboptimality(c.fMin(), 1e-12), false));
            if (sg >= 0) {
                kappas.add(c.conditionNumber());
                gdSteps.add((double) sg);
                momSteps.add(sm >= 0 ? (double) sm : Double.NaN);
            }
        }
        Charts.write(dir.file("surfaces"), contours, 3);
        List<Charts.Series> vsKappa = new ArrayList<>();
        vsKappa.add(new Charts.Series("gradient descent", unbox(kappas), unbox(gdSteps), true));
        vsKappa.add(new Charts.Series("momentum (β " + beta + ")", unbox(kappas), unbox(momSteps), true));
        Charts.write(dir.file("steps"), List.of(
                new Charts.Panel("Steps to converge against κ", "condition number κ", "steps to f − f* ≤ " + tol + "·(f₀ − f*)", vsKappa, true, true),
                new Charts.Panel("Gradient descent per factor", "step", "f − f*", subopt, true, true)));

        double slope = SurfaceOptions.logSlope(kappas, gdSteps);
        result.put("gd_steps_log_slope", slope);
        String finding;
        if (kappas.size() >= 2) {
            int last = kappas.size() - 1;
            String growth = slope > 0.1 ? String.format(Locale.ROOT, "its steps grow about as κ^%.2f", slope)
                    : String.format(Locale.ROOT, "its steps hardly depend on κ here (log-log slope %.2f)", slope);
            double mom = momSteps.get(last), gdLast = gdSteps.get(last);
            String momentum = mom < gdLast ? String.format(Locale.ROOT, "%.1f× fewer", gdLast / mom) : mom > gdLast ? String.format(Locale.ROOT, "%.1f× more", mom / gdLast) : "as many";
            finding = String.format(Locale.ROOT,
                    "Rescaling one weight takes the condition number from %.1f to %.1f and gradient descent (lr = 1/L) then needs %.0f steps instead of %.0f: "
                            + "%s, while the tutorial's momentum (β %s) needs %.0f at the largest κ, %s.",
                    kappas.get(0), kappas.get(last), gdLast, gdSteps.get(0), growth, beta, mom, momentum);
        } else {
            finding = "Too few factors converged within --max-steps to relate steps to the condition number; raise --max-steps.";
        }
        return new Outcome(finding, List.of("surfaces", "steps"));
    }

    private static String steps(int s, Trajectory2D t, int max) {
        return s >= 0 ? Integer.toString(s) : t.diverged() ? "diverged" : "> " + max;
    }

    private static void putSteps(ObjectNode r, String key, int s) {
        if (s >= 0) {
            r.put(key, s);
        } else {
            r.putNull(key);
        }
    }

    private static double[] unbox(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
