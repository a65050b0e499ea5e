package dev.descent.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.descent.plot.RunCharts;
import dev.descent.train.History;
import dev.descent.train.RunDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code descent compare}: trains one model per optimizer from the same initial weights, split and
 * batch order (the same seed), then prints one table and overlays their curves.
 */
@Command(name = "compare", mixinStandardHelpOptions = true, abbreviateSynopsis = true, sortOptions = false,
        description = "Train several optimizers from the same initial weights and seed; one table, overlaid curves (compare.png/svg).")
public final class CompareCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--optimizers", required = true, split = ",", paramLabel = "A,B,…", description = "optimizers to compare, e.g. sgd,momentum,rmsprop,adam")
    List<String> optimizers;

    @Mixin
    ModelOptions model = new ModelOptions();
    @Mixin
    OptimizerOptions optimizer = new OptimizerOptions();
    @Mixin
    ScheduleOptions schedule = new ScheduleOptions();
    @Mixin
    TrainOptions train = new TrainOptions();
    @Mixin
    DataSource data = new DataSource();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<String> names = new ArrayList<>();
        for (String o : optimizers) {
            optimizer.optimizer = o;
            String n = optimizer.name();
            if (names.contains(n)) {
                throw new BadInputException("--optimizers lists " + n + " twice");
            }
            optimizer.spec(n, train.seed);
            names.add(n);
        }
        train.config();
        model.hiddenDims();
        model.activation();
        Path root = train.out != null ? train.out : TrainingSession.defaultOut("compare");
        RunDir top = RunDir.create(root);
        TrainingSession.Data d = TrainingSession.load(data, train, out);
        Map<String, History> histories = new LinkedHashMap<>();
        Map<String, TrainingSession.Outcome> outcomes = new LinkedHashMap<>();
        for (String n : names) {
            out.println("== " + n);
            RunDir dir = RunDir.create(root.resolve(n));
            List<String> argv = new ArrayList<>(Argv.forRun(spec.commandLine().getParseResult().originalArgs(), "compare", "--optimizers", "--out"));
            argv.add("--optimizer=" + n);
            argv.add("--out=" + dir.path());
            TrainingSession.Outcome o = TrainingSession.run(d, model, optimizer, n, schedule, train, dir, false, argv,
                    List.of(new ConsoleProgress(out, System.console() != null)), out);
            histories.put(n, o.trainer().history());
            outcomes.put(n, o);
        }
        RunCharts.overlay(root.resolve("compare"), histories);
        ArrayNode rows = TrainingSession.JSON.createArrayNode();
        out.println();
        out.printf(Locale.ROOT, "%-18s %9s %9s %9s %9s %12s%n", "optimizer", "val acc", "test acc", "best val", "time (s)", "steps to 95%");
        outcomes.forEach((n, o) -> {
            History h = o.trainer().history();
            float best = Float.NaN;
            int to95 = -1;
            int[] vi = h.valIdx();
            float[] vl = h.valLoss(), va = h.valAcc();
            for (int i = 0; i < vl.length; i++) {
                best = Float.isNaN(best) ? vl[i] : Math.min(best, vl[i]);
                if (to95 < 0 && va[i] >= 0.95f) {
                    to95 = vi[i];
                }
            }
            out.printf(Locale.ROOT, "%-18s %8.2f%% %8.2f%% %9.4f %9.1f %12s%n", n, o.val() == null ? Double.NaN : 100 * o.val().accuracy(),
                    100 * o.test().accuracy(), best, o.result().trainSeconds(), to95 < 0 ? "not reached" : Integer.toString(to95));
            ObjectNode r = rows.addObject();
            r.put("optimizer", n);
            r.put("val_accuracy", o.val() == null ? Double.NaN : o.val().accuracy());
            r.put("test_accuracy", o.test().accuracy());
            r.put("best_val_loss", best);
            r.put("train_seconds", o.result().trainSeconds());
            if (to95 >= 0) {
                r.put("steps_to_95", to95);
            } else {
                r.putNull("steps_to_95");
            }
            r.put("run_dir", o.dir().path().toString());
        });
        ObjectNode summary = TrainingSession.JSON.createObjectNode();
        summary.set("runs", rows);
        top.writeJson("compare.json", summary);
        out.println("charts: " + root.resolve("compare.png") + ", " + root.resolve("compare.svg"));
        return 0;
    }
}
