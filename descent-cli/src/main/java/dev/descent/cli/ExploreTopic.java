package dev.descent.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.descent.data.IdxImages;
import dev.descent.io.Directories;
import dev.descent.train.RunDir;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * One topic of {@code descent explore}: its knobs are picocli options; running it writes PNG+SVG
 * figures and {@code result.json} (the finding, the numbers behind it) into its directory and
 * prints a short table and the finding. {@code explore all} runs every topic through
 * {@link #execute} with {@link #quickArgs()}.
 */
abstract class ExploreTopic implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--seed", defaultValue = "2021", paramLabel = "S", description = "initial weights, data order and noise (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--out", paramLabel = "DIR", description = "output directory (default: runs/<timestamp>-explore-<topic>)")
    Path outDir;

    @Mixin
    DataSource data = new DataSource();

    /** What a topic reports: the finding in a sentence, and the base names of its figures. */
    record Outcome(String finding, List<String> figures) {
    }

    /** The topic's name on the command line. */
    abstract String topic();

    /** A one-line title for reports. */
    abstract String title();

    /** Checks the knobs, throwing {@link BadInputException} naming the bad one. */
    abstract void validate();

    /** Runs the experiment into {@code dir}, adding its numbers to {@code result}. */
    abstract Outcome run(RunDir dir, IdxImages.TrainTest data, PrintWriter out, ObjectNode result);

    /** The knobs {@code explore all} uses: small enough that every topic together stays quick. */
    abstract List<String> quickArgs();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        validate();
        Path target = outDir != null ? outDir : TrainingSession.defaultOut("explore-" + topic());
        boolean existed = java.nio.file.Files.exists(target);
        RunDir dir = RunDir.create(target);
        try {
            execute(dir, data.load(out), out);
        } catch (RuntimeException e) {
            // Some knobs (a pixel, a class) can only be checked against the data: leave no half-written directory.
            if (!existed) {
                Directories.deleteTreeQuietly(target);
            }
            throw e;
        }
        return 0;
    }

    /** Runs the topic into {@code dir} and writes its {@code result.json}. */
    Outcome execute(RunDir dir, IdxImages.TrainTest tt, PrintWriter out) {
        ObjectNode result = TrainingSession.JSON.createObjectNode();
        result.put("topic", topic());
        result.set("command_line", TrainingSession.JSON.valueToTree(spec.commandLine().getParseResult().originalArgs()));
        long t0 = System.nanoTime();
        Outcome o = run(dir, tt, out, result);
        double seconds = (System.nanoTime() - t0) / 1e9;
        result.put("finding", o.finding());
        result.put("seconds", seconds);
        result.set("figures", TrainingSession.JSON.valueToTree(o.figures().stream().flatMap(f -> List.of(f + ".png", f + ".svg").stream()).toList()));
        dir.writeJson("result.json", result);
        out.println(o.finding());
        out.printf(Locale.ROOT, "%s(%.1f s)%n", o.figures().isEmpty() ? ""
                : "figures: " + String.join(", ", o.figures().stream().map(f -> dir.file(f + ".png").toString()).toList()) + " ", seconds);
        return o;
    }

    static void positive(String option, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new BadInputException(option + " must be a positive finite number, got " + v);
        }
    }

    /** Checks 0 < v < 1 (a tolerance). */
    static void fraction(String option, double v) {
        if (!(v > 0 && v < 1)) {
            throw new BadInputException(option + " must be in (0, 1), got " + v);
        }
    }

    /** Checks 0 ≤ β < 1 (a momentum). */
    static void momentum(String option, double v) {
        if (!(v >= 0 && v < 1)) {
            throw new BadInputException(option + " must be in [0, 1), got " + v);
        }
    }

    /** Checks v ≥ min for a count. */
    static void atLeast(String option, int v, int min) {
        if (v < min) {
            throw new BadInputException(option + " must be at least " + min + ", got " + v);
        }
    }

    static void positive(String option, List<? extends Number> values) {
        if (values.isEmpty()) {
            throw new BadInputException(option + " needs at least one value");
        }
        for (Number v : values) {
            positive(option, v.doubleValue());
        }
    }
}
