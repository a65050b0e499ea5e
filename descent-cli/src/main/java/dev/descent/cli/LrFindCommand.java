package dev.descent.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.descent.data.DataLoader;
import dev.descent.io.AtomicFiles;
import dev.descent.nn.Mlp;
import dev.descent.optim.OptimizerSpec;
import dev.descent.plot.RunCharts;
import dev.descent.tensor.Generator;
import dev.descent.train.RunDir;
import dev.descent.tune.LrFinder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code descent lr-find}: fastai's learning-rate range test for a model and optimizer. */
@Command(name = "lr-find", mixinStandardHelpOptions = true, abbreviateSynopsis = true, sortOptions = false,
        description = {"Learning-rate range test: raise the lr exponentially over a short run, watch the loss, suggest an lr.",
                "Writes lr_find.png/svg, lr_find.json and lr_find.csv; the model and optimizer are not changed."})
public final class LrFindCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--start-lr", defaultValue = "1e-7", paramLabel = "LR", description = "first learning rate (default: ${DEFAULT-VALUE})")
    double startLr;

    @Option(names = "--end-lr", defaultValue = "10", paramLabel = "LR", description = "last learning rate (default: ${DEFAULT-VALUE})")
    double endLr;

    @Option(names = "--iterations", defaultValue = "100", paramLabel = "N", description = "steps of the test (default: ${DEFAULT-VALUE})")
    int iterations;

    @Mixin
    ModelOptions model = new ModelOptions();
    @Mixin
    OptimizerOptions optimizer = new OptimizerOptions();
    @Mixin
    TrainOptions train = new TrainOptions();
    @Mixin
    DataSource data = new DataSource();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        LrFinder.Config cfg;
        try {
            cfg = new LrFinder.Config(startLr, endLr, iterations, 0.98, 4);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
        String name = optimizer.name();
        OptionChecks.beforeData(model, optimizer, List.of(name), null, train);
        OptimizerSpec<?> os = optimizer.spec(name, train.seed, null);
        if (train.config().loss() != dev.descent.train.Loss.NLL) {
            throw new BadInputException("--loss " + train.config().loss().label() + ": lr-find measures the nll loss only");
        }
        RunDir dir = RunDir.create(train.out != null ? train.out : TrainingSession.defaultOut("lr-find-" + name));
        TrainingSession.Data d = TrainingSession.load(data, train, out);
        Mlp mlp = new Mlp(model.spec(d.train().exampleNumel(), d.train().numClasses()), new Generator(train.seed));
        DataLoader loader = new DataLoader(d.train(), train.batchSize, true, false, true, new Generator(train.seed + 1));
        out.printf(Locale.ROOT, "lr range test: %s, %s from %s to %s over %d steps of %d examples%n", TrainingSession.describe(mlp.spec()), name,
                TrainingSession.fmt(startLr), TrainingSession.fmt(endLr), iterations, train.batchSize);
        LrFinder.Result r = LrFinder.run(mlp, os, loader, cfg);

        RunCharts.lrFind(dir.file("lr_find"), r);
        StringBuilder csv = new StringBuilder("lr,loss,smoothed_loss\n");
        for (int i = 0; i < r.lrs().length; i++) {
            csv.append(r.lrs()[i]).append(',').append(r.losses()[i]).append(',').append(r.smoothed()[i]).append('\n');
        }
        AtomicFiles.writeString(dir.file("lr_find.csv"), csv.toString());
        ObjectNode j = TrainingSession.JSON.createObjectNode();
        j.put("optimizer", name);
        j.put("steepest", r.steepest());
        j.put("valley", r.valley());
        j.put("minimum_over_10", r.minimumOverTen());
        j.put("diverged", r.diverged());
        j.put("steps", r.lrs().length);
        dir.writeJson("lr_find.json", j);

        out.printf(Locale.ROOT, "%d steps%s%n", r.lrs().length, r.diverged() ? " (stopped: the loss diverged)" : "");
        out.printf(Locale.ROOT, "suggested lr: valley %s, steepest %s, minimum/10 %s%n", TrainingSession.fmt(r.valley()), TrainingSession.fmt(r.steepest()),
                TrainingSession.fmt(r.minimumOverTen()));
        out.println("chart: " + dir.file("lr_find.png"));
        return 0;
    }

}
