package dev.descent.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.descent.analysis.GdVersusRandomSearch;
import dev.descent.data.IdxImages;
import dev.descent.data.TensorDataset;
import dev.descent.plot.Charts;
import dev.descent.train.RunDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code explore gd-vs-random}: full-batch gradient descent against random search on the linear model. */
@Command(name = "gd-vs-random", mixinStandardHelpOptions = true, abbreviateSynopsis = true, sortOptions = false,
        description = "Full-batch gradient descent vs random search (accept-if-better, several noise scales) on the linear model.")
final class ExploreGdVsRandom extends ExploreTopic {

    @Option(names = "--iterations", defaultValue = "100", paramLabel = "N", description = "steps of each method (default: ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--lr", defaultValue = "0.5", paramLabel = "LR", description = "gradient descent's learning rate (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--noise-scales", split = ",", defaultValue = "0.001,0.01,0.1", paramLabel = "S1,S2", description = "random search's σ values (default: ${DEFAULT-VALUE})")
    List<Double> noiseScales;

    @Option(names = "--examples", defaultValue = "60000", paramLabel = "N", description = "training images used, full batch (default: ${DEFAULT-VALUE})")
    int examples;

    @Override
    String topic() {
        return "gd-vs-random";
    }

    @Override
    String title() {
        return "Gradient descent vs random search";
    }

    @Override
    List<String> quickArgs() {
        return List.of("--iterations", "60", "--examples", "20000");
    }

    @Override
    void validate() {
        if (iterations < 1 || examples < 1) {
            throw new BadInputException("--iterations and --examples must be positive");
        }
        positive("--noise-scales", noiseScales);
        positive("--lr", lr);
    }

    @Override
    Outcome run(RunDir dir, IdxImages.TrainTest tt, PrintWriter out, ObjectNode result) {
        TensorDataset train = ExploreCommand.subset(tt.train(), examples);
        out.printf(Locale.ROOT, "gradient descent vs random search: linear model, %,d examples (full batch), %d iterations%n", train.size(), iterations);
        List<GdVersusRandomSearch.Curve> curves = GdVersusRandomSearch.run(train, new GdVersusRandomSearch.Config(iterations, lr, noiseScales, true, seed));

        List<Charts.Series> byIter = new ArrayList<>(), byCost = new ArrayList<>();
        for (GdVersusRandomSearch.Curve c : curves) {
            double[] it = new double[c.loss().length], cost = new double[c.loss().length];
            for (int i = 0; i < it.length; i++) {
                it[i] = i;
                cost[i] = i * c.costPerIteration();
            }
            byIter.add(new Charts.Series(c.name(), it, c.loss(), false));
            byCost.add(new Charts.Series(c.name(), cost, c.loss(), false));
        }
        Charts.write(dir.file("gd_vs_random"), List.of(
                new Charts.Panel("Loss against iterations", "Iteration", "NLL loss (full batch)", byIter),
                new Charts.Panel("Loss against cost", "Forward-pass equivalents", "NLL loss (full batch)", byCost)));

        GdVersusRandomSearch.Curve gd = curves.get(0);
        GdVersusRandomSearch.Curve bestRs = curves.stream().skip(1).min(Comparator.comparingDouble(c -> c.loss()[iterations])).orElseThrow();
        // At equal cost: random search's whole run (N evaluations) against gradient descent after N/3 steps.
        int matched = Math.max(0, (int) Math.round(iterations * bestRs.costPerIteration() / gd.costPerIteration()));
        out.printf(Locale.ROOT, "%-40s %12s%n", "method", "final loss");
        ArrayNode rows = result.putArray("methods");
        for (GdVersusRandomSearch.Curve c : curves) {
            out.printf(Locale.ROOT, "%-40s %12.4f%n", c.name(), c.loss()[iterations]);
            ObjectNode r = rows.addObject();
            r.put("method", c.name());
            r.put("initial_loss", c.loss()[0]);
            r.put("final_loss", c.loss()[iterations]);
            r.put("cost_per_iteration", c.costPerIteration());
        }
        result.put("examples", train.size());
        result.put("iterations", iterations);
        String rs = bestRs.name().replaceFirst("^random search \\((.*)\\)$", "$1");
        double gdFinal = gd.loss()[iterations], rsFinal = bestRs.loss()[iterations], gdAtCost = gd.loss()[Math.min(matched, iterations)];
        int dims = train.exampleNumel() * train.numClasses() + train.numClasses();
        // The conclusion follows the numbers: it is drawn only when gradient descent did win, at equal steps and at equal cost.
        String finding = gdFinal < rsFinal && gdAtCost < rsFinal
                ? String.format(Locale.ROOT, "Gradient descent lowers the loss from %.3f to %.3f in %d steps; the best random search (%s) only reaches %.3f, "
                        + "and even at equal cost (%d forward passes) gradient descent is at %.3f: in %,d dimensions a random direction is nearly orthogonal to the gradient.",
                gd.loss()[0], gdFinal, iterations, rs, rsFinal, iterations, gdAtCost, dims)
                : String.format(Locale.ROOT, "Here the best random search (%s) reaches %.3f in %d steps, and gradient descent %.3f (%.3f at equal cost): "
                        + "random search kept up on this problem; more iterations or more dimensions (%,d now) separate them.",
                rs, rsFinal, iterations, gdFinal, gdAtCost, dims);
        return new Outcome(finding, List.of("gd_vs_random"));
    }
}
