package dev.descent.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.descent.analysis.GdVersusRandomSearch;
import dev.descent.data.IdxImages;
import dev.descent.data.TensorDataset;
import dev.descent.plot.Charts;
import dev.descent.train.RunDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code descent explore <topic>}: the optimization tutorial's experiments, each printing a short
 * table with its finding and writing PNG+SVG figures and a {@code result.json}.
 */
@Command(name = "explore", mixinStandardHelpOptions = true,
        description = "The tutorial's experiments, reproducible from one command: figures, a table and the finding.",
        subcommands = {ExploreCommand.GdVsRandom.class})
public final class ExploreCommand implements Runnable {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The output directory of a topic. */
    static RunDir out(Path out, String topic) {
        return RunDir.create(out != null ? out : TrainingSession.defaultOut("explore-" + topic));
    }

    /** Full-batch gradient descent against random search on the linear model. */
    @Command(name = "gd-vs-random", mixinStandardHelpOptions = true, abbreviateSynopsis = true, sortOptions = false,
            description = "Full-batch gradient descent vs random search (accept-if-better, several noise scales) on the linear model.")
    static final class GdVsRandom implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--iterations", defaultValue = "100", paramLabel = "N", description = "steps of each method (default: ${DEFAULT-VALUE})")
        int iterations;

        @Option(names = "--lr", defaultValue = "0.5", paramLabel = "LR", description = "gradient descent's learning rate (default: ${DEFAULT-VALUE})")
        double lr;

        @Option(names = "--noise-scales", split = ",", defaultValue = "0.001,0.01,0.1", paramLabel = "S1,S2", description = "random search's σ values (default: ${DEFAULT-VALUE})")
        List<Double> noiseScales;

        @Option(names = "--examples", defaultValue = "60000", paramLabel = "N", description = "training images used, full batch (default: ${DEFAULT-VALUE})")
        int examples;

        @Option(names = "--seed", defaultValue = "2021", paramLabel = "S", description = "initial weights and noise (default: ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--out", paramLabel = "DIR", description = "output directory (default: runs/<timestamp>-explore-gd-vs-random)")
        Path outDir;

        @Mixin
        DataSource data = new DataSource();

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            if (iterations < 1 || examples < 1) {
                throw new BadInputException("--iterations and --examples must be positive");
            }
            for (double s : noiseScales) {
                if (!(s > 0)) {
                    throw new BadInputException("--noise-scales must be positive, got " + s);
                }
            }
            if (!(lr > 0) || Double.isInfinite(lr)) {
                throw new BadInputException("--lr must be a positive finite number, got " + lr);
            }
            RunDir dir = out(outDir, "gd-vs-random");
            IdxImages.TrainTest tt = data.load(out);
            TensorDataset train = subset(tt.train(), examples);
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
            GdVersusRandomSearch.Curve bestRs = curves.stream().skip(1).min(java.util.Comparator.comparingDouble(c -> c.loss()[iterations])).orElseThrow();
            // At equal cost: random search's whole run (N evaluations) against gradient descent after N/3 steps.
            int matched = Math.max(0, (int) Math.round(iterations * bestRs.costPerIteration() / gd.costPerIteration()));
            out.printf(Locale.ROOT, "%-40s %12s%n", "method", "final loss");
            ObjectNode result = TrainingSession.JSON.createObjectNode();
            ArrayNode rows = result.putArray("methods");
            for (GdVersusRandomSearch.Curve c : curves) {
                out.printf(Locale.ROOT, "%-40s %12.4f%n", c.name(), c.loss()[iterations]);
                ObjectNode r = rows.addObject();
                r.put("method", c.name());
                r.put("initial_loss", c.loss()[0]);
                r.put("final_loss", c.loss()[iterations]);
                r.put("cost_per_iteration", c.costPerIteration());
            }
            String finding = String.format(Locale.ROOT,
                    "Gradient descent lowers the loss from %.3f to %.3f in %d steps; the best random search (%s) only reaches %.3f, "
                            + "and even at equal cost (%d forward passes) gradient descent is at %.3f: in %,d dimensions a random direction is nearly orthogonal to the gradient.",
                    gd.loss()[0], gd.loss()[iterations], iterations, bestRs.name().replaceFirst("^random search \\((.*)\\)$", "$1"), bestRs.loss()[iterations], iterations,
                    gd.loss()[Math.min(matched, iterations)], train.exampleNumel() * train.numClasses() + train.numClasses());
            out.println(finding);
            result.put("finding", finding);
            result.put("examples", train.size());
            result.put("iterations", iterations);
            dir.writeJson("result.json", result);
            out.println("figures: " + dir.file("gd_vs_random.png") + ", " + dir.file("gd_vs_random.svg"));
            return 0;
        }
    }

    /** The first {@code n} examples (all when n is larger). */
    static TensorDataset subset(TensorDataset ds, int n) {
        if (n >= ds.size()) {
            return ds;
        }
        int row = ds.exampleNumel();
        int[] shape = ds.inputs().shape();
        shape[0] = n;
        float[] x = java.util.Arrays.copyOf(ds.inputs().data(), n * row);
        return new TensorDataset(dev.descent.tensor.Tensor.of(x, shape), java.util.Arrays.copyOf(ds.labels(), n), ds.numClasses());
    }
}
