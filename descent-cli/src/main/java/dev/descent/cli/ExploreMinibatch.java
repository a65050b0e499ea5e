package dev.descent.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.descent.analysis.MinibatchRace;
import dev.descent.data.IdxImages;
import dev.descent.data.TensorDataset;
import dev.descent.nn.MlpSpec;
import dev.descent.optim.OptimizerSpec;
import dev.descent.optim.TutorialRules;
import dev.descent.plot.Charts;
import dev.descent.train.RunDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code explore minibatch}: the tutorial's minibatch experiment. Gradient descent with several batch
 * sizes (IID samples with replacement; "full" for the whole set) under the same time budget; the loss
 * against wall-clock time and against examples seen.
 */
@Command(name = "minibatch", mixinStandardHelpOptions = true, abbreviateSynopsis = true, sortOptions = false,
        description = "Why minibatches win: gradient descent with several batch sizes under the same time budget.")
final class ExploreMinibatch extends ExploreTopic {

    @Option(names = "--batch-sizes", split = ",", defaultValue = "16,128,1024,full", paramLabel = "B1,B2", description = "batch sizes; full = the whole training set (default: ${DEFAULT-VALUE})")
    List<String> batchSizes;

    @Option(names = "--seconds", defaultValue = "5", paramLabel = "S", description = "training time per batch size (default: ${DEFAULT-VALUE})")
    double seconds;

    @Option(names = "--examples", defaultValue = "60000", paramLabel = "N", description = "training images (default: ${DEFAULT-VALUE})")
    int examples;

    @Option(names = "--hidden", defaultValue = "100", paramLabel = "H1,H2", description = "hidden sizes; \"\" for the linear model (default: ${DEFAULT-VALUE})")
    String hidden;

    @Option(names = "--lr", defaultValue = "0.1", paramLabel = "LR", description = "gradient descent's learning rate (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--eval-examples", defaultValue = "5000", paramLabel = "N", description = "training images the loss is measured on (default: ${DEFAULT-VALUE})")
    int evalExamples;

    @Override
    String topic() {
        return "minibatch";
    }

    @Override
    String title() {
        return "Mini-batches: more steps for the same time";
    }

    @Override
    List<String> quickArgs() {
        return List.of("--seconds", "2.5");
    }

    @Override
    void validate() {
        sizes();
        positive("--seconds", seconds);
        positive("--lr", lr);
        if (examples < 1 || evalExamples < 1) {
            throw new BadInputException("--examples and --eval-examples must be positive");
        }
        ModelOptions.parseHidden("--hidden", hidden);
    }

    private List<Integer> sizes() {
        List<Integer> out = new ArrayList<>();
        for (String s : batchSizes) {
            if (s.trim().equalsIgnoreCase("full")) {
                out.add(Integer.MAX_VALUE);
                continue;
            }
            try {
                int b = Integer.parseInt(s.trim());
                if (b < 1) {
                    throw new BadInputException("--batch-sizes must be positive, got " + b);
                }
                out.add(b);
            } catch (NumberFormatException e) {
                throw new BadInputException("--batch-sizes: '" + s.trim() + "' is neither a whole number nor full");
            }
        }
        return out;
    }

    @Override
    Outcome run(RunDir dir, IdxImages.TrainTest tt, PrintWriter out, ObjectNode result) {
        TensorDataset train = ExploreCommand.subset(tt.train(), examples);
        MlpSpec spec = MlpSpec.of(train.exampleNumel(), ModelOptions.parseHidden("--hidden", hidden), train.numClasses());
        out.printf(Locale.ROOT, "gradient descent (lr %s) on %,d examples, %.1f s per batch size; loss on %,d training images%n", lr, train.size(), seconds,
                Math.min(evalExamples, train.size()));
        // A batch as large as the data set is the full batch: run it once.
        List<Integer> sizes = sizes().stream().map(b -> b >= train.size() ? Integer.MAX_VALUE : b).distinct().toList();
        List<MinibatchRace.Curve> curves = MinibatchRace.run(train, new MinibatchRace.Config(spec,
                new OptimizerSpec<>(TutorialRules.GradientDescent.RULE, lr, 0, new TutorialRules.NoOptions()), sizes, seconds, evalExamples, 41, seed));
        out.printf(Locale.ROOT, "%12s %10s %14s %12s%n", "batch size", "steps", "examples seen", "final loss");
        List<Charts.Series> byTime = new ArrayList<>(), byExamples = new ArrayList<>();
        ArrayNode rows = result.putArray("batch_sizes");
        MinibatchRace.Curve best = curves.get(0);
        MinibatchRace.Curve full = curves.stream().max(java.util.Comparator.comparingInt(c -> c.fullBatch() ? Integer.MAX_VALUE : c.batchSize())).orElseThrow();
        for (int i = 0; i < curves.size(); i++) {
            MinibatchRace.Curve c = curves.get(i);
            String name = c.fullBatch() ? "full batch (" + String.format(Locale.ROOT, "%,d", train.size()) + ")" : "batch " + c.batchSize();
            out.printf(Locale.ROOT, "%12s %10d %14.0f %12.4f%n", c.fullBatch() ? "full" : Integer.toString(c.batchSize()), c.steps(), c.examples()[c.examples().length - 1], c.finalLoss());
            byTime.add(new Charts.Series(name, c.seconds(), c.loss(), false, SurfaceFigures.color(i), true));
            // The log axis has no room for the start (0 examples): that panel begins at the first measurement.
            int n = c.examples().length;
            byExamples.add(new Charts.Series(name, java.util.Arrays.copyOfRange(c.examples(), 1, n), java.util.Arrays.copyOfRange(c.loss(), 1, n), n <= 20,
                    SurfaceFigures.color(i), true));
            ObjectNode r = rows.addObject();
            r.put("batch_size", c.fullBatch() ? train.size() : c.batchSize());
            r.put("full_batch", c.fullBatch());
            r.put("steps", c.steps());
            r.put("examples_seen", c.examples()[c.examples().length - 1]);
            r.put("final_loss", c.finalLoss());
            r.set("seconds", TrainingSession.JSON.valueToTree(c.seconds()));
            r.set("loss", TrainingSession.JSON.valueToTree(c.loss()));
            if (c.finalLoss() < best.finalLoss()) {
                best = c;
            }
        }
        Charts.write(dir.file("minibatch"), List.of(
                new Charts.Panel("Loss against time", "training time (s)", "training loss", byTime),
                new Charts.Panel("Loss against examples seen", "examples processed", "training loss", byExamples, true, false)));
        boolean smallWins = best != full && best.finalLoss() < full.finalLoss();
        String finding = String.format(Locale.ROOT,
                "In %.1f s each, batch %s reaches loss %.3f with %,d steps while %s reaches %.3f with %,d: %s",
                seconds, best.fullBatch() ? "full" : Integer.toString(best.batchSize()), best.finalLoss(), best.steps(),
                full.fullBatch() ? "the full batch" : "batch " + full.batchSize(), full.finalLoss(), full.steps(),
                smallWins ? "a small batch's gradient is noisy but nearly as useful per example and far cheaper, so many cheap steps beat few exact ones."
                        : "in this time the largest batch did best; on a larger data set or with more time the cheap noisy steps usually win.");
        return new Outcome(finding, List.of("minibatch"));
    }
}
