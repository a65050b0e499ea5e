package dev.descent.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.descent.io.AtomicFiles;
import dev.descent.plot.StudyCharts;
import dev.descent.tune.Budget;
import dev.descent.tune.SearchSpace;
import dev.descent.tune.Study;
import dev.descent.tune.StudyListener;
import dev.descent.tune.TrialRecord;
import dev.descent.tune.TrialState;

/** Runs a study of training trials with progress lines, and writes and prints its results. */
final class TuneSession {

    private TuneSession() {
    }

    /**
     * Runs {@code study} until {@code budget} is spent, printing a line per finished trial. On Ctrl-C /
     * SIGTERM the running trials are abandoned (a resume runs them again) and the results so far written.
     */
    static void optimize(Study study, TuneObjective objective, Budget budget, int jobs, TuneMetric metric, PrintWriter out) {
        Thread hook = new Thread(study::abandon, "descent-tune-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            study.optimize(objective, budget, jobs, new StudyListener() {
                @Override
                public void onTrialStart(TrialRecord t, boolean retry) {
                    if (retry) {
                        synchronized (out) {
                            out.printf(Locale.ROOT, "trial %d starts again (a crash cut it off): %s%n", t.number(), describe(study.params(t)));
                        }
                    }
                }

                @Override
                public void onTrialEnd(TrialRecord t, TrialRecord best) {
                    String v = switch (t.state()) {
                        case COMPLETE -> String.format(Locale.ROOT, "%s %.4f", metric.label(), t.value());
                        case PRUNED -> String.format(Locale.ROOT, "pruned at report %d (%.4f)", t.lastStep(),
                                t.intermediate().isEmpty() ? Double.NaN : t.intermediate().lastEntry().getValue());
                        default -> "failed: " + t.message();
                    };
                    String b = best == null ? "" : String.format(Locale.ROOT, "  best %.4f (#%d)", best.value(), best.number());
                    synchronized (out) {
                        out.printf(Locale.ROOT, "trial %3d  %-34s %6.1f s%s  %s%n", t.number(), v, t.seconds(), b, describe(study.params(t)));
                        out.flush();
                    }
                }
            });
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting; the journal holds everything
            }
        }
    }

    static String describe(Map<String, Object> params) {
        List<String> parts = new ArrayList<>();
        params.forEach((k, v) -> parts.add(k + "=" + format(v)));
        return String.join(" ", parts);
    }

    static String format(Object v) {
        return switch (v) {
            case Double d -> TrainingSession.fmt(Double.parseDouble(String.format(Locale.ROOT, "%.4g", d)));
            case List<?> l -> String.join(",", l.stream().map(String::valueOf).toList());
            default -> String.valueOf(v);
        };
    }

    /**
     * Writes {@code trials.csv}, {@code study.json}, {@code history.png/svg} and
     * {@code parameters.png/svg} into the study directory, prints the table of trials and the best
     * configuration, and returns the best trial's summary (null if no trial completed).
     */
    static JsonNode report(Study study, TuneMetric metric, List<String> base, PrintWriter out) {
        List<TrialRecord> trials = study.trials();
        SearchSpace space = study.space();
        Path dir = study.dir();
        StringBuilder csv = new StringBuilder("number,state,value,seconds,reports");
        space.params().forEach(p -> csv.append(',').append(p.name()));
        csv.append('\n');
        out.printf(Locale.ROOT, "%n%6s  %-8s  %12s  %7s  %s%n", "trial", "state", metric.label(), "seconds", "parameters");
        for (TrialRecord t : trials) {
            Map<String, Object> params = study.params(t);
            csv.append(t.number()).append(',').append(t.state().name().toLowerCase(Locale.ROOT)).append(',')
                    .append(Double.isNaN(t.value()) ? "" : Double.toString(t.value())).append(',')
                    .append(String.format(Locale.ROOT, "%.3f", t.seconds())).append(',').append(t.intermediate().size());
            for (SearchSpace.Param p : space.params()) {
                Object v = params.get(p.name());
                csv.append(',').append(v == null ? "" : '"' + format(v) + '"');
            }
            csv.append('\n');
            out.printf(Locale.ROOT, "%6d  %-8s  %12s  %7.1f  %s%n", t.number(), t.state().name().toLowerCase(Locale.ROOT),
                    Double.isNaN(t.value()) ? "-" : String.format(Locale.ROOT, "%.4f", t.value()), t.seconds(), describe(params));
        }
        AtomicFiles.writeString(dir.resolve("trials.csv"), csv.toString());

        ObjectNode s = TrainingSession.JSON.createObjectNode();
        s.put("metric", metric.label());
        s.put("direction", study.direction().name().toLowerCase(Locale.ROOT));
        s.put("trials", trials.size());
        for (TrialState st : TrialState.values()) {
            s.put(st.name().toLowerCase(Locale.ROOT), trials.stream().filter(t -> t.state() == st).count());
        }
        s.put("seconds", trials.stream().mapToDouble(TrialRecord::seconds).sum());
        JsonNode bestSummary = null;
        TrialRecord best = study.best().orElse(null);
        if (best != null) {
            Path run = TuneObjective.trialDir(dir, best.number());
            ObjectNode b = s.putObject("best");
            b.put("number", best.number());
            b.put("value", best.value());
            b.set("params", TrainingSession.JSON.valueToTree(study.params(best)));
            b.put("run_dir", run.toString());
            List<String> cmd = new ArrayList<>(List.of("descent", "train"));
            cmd.addAll(TuneObjective.args(base, space, study.params(best)));
            b.put("command", String.join(" ", cmd.stream().map(TuneSession::quote).toList()));
            Path summary = run.resolve("summary.json");
            if (Files.isRegularFile(summary)) {
                try {
                    bestSummary = TrainingSession.JSON.readTree(summary.toFile());
                    b.put("test_accuracy", bestSummary.path("test_accuracy").asDouble());
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            out.printf(Locale.ROOT, "%nbest: trial %d, %s %.4f%s%n  %s%n  run directory %s%n  re-run: %s%n", best.number(), metric.label(), best.value(),
                    bestSummary == null ? "" : String.format(Locale.ROOT, ", test accuracy %.2f%%", 100 * bestSummary.path("test_accuracy").asDouble()),
                    describe(study.params(best)), run, b.get("command").asText());
            StudyCharts.history(dir.resolve("history"), trials, study.direction(), metric.label());
            StudyCharts.parameters(dir.resolve("parameters"), trials, space, metric.label());
        } else {
            out.println("no trial completed");
        }
        TrainingSession.writePrettyJson(dir.resolve("study.json"), s);
        long pruned = trials.stream().filter(t -> t.state() == TrialState.PRUNED).count();
        out.printf(Locale.ROOT, "%d trials (%d complete, %d pruned, %d failed); study %s%n", trials.size(),
                trials.stream().filter(t -> t.state() == TrialState.COMPLETE).count(), pruned,
                trials.stream().filter(t -> t.state() == TrialState.FAIL).count(), dir);
        return bestSummary;
    }

    private static String quote(String a) {
        return a.isEmpty() || a.matches(".*[\\s|&;<>()$`\\\\\"'*?\\[\\]].*") ? "'" + a.replace("'", "'\\''") + "'" : a;
    }

    /** The arguments of {@code pr}'s options that a trial inherits: the training options, not {@code --out}. */
    static List<String> baseArgs(picocli.CommandLine.ParseResult pr) {
        picocli.CommandLine.Model.CommandSpec trial = new picocli.CommandLine(new TrialOptions()).getCommandSpec();
        List<String> out = new ArrayList<>();
        for (picocli.CommandLine.Model.OptionSpec o : pr.matchedOptions()) {
            String name = o.longestName();
            if (trial.findOption(name) == null || name.equals("--out")) {
                continue;
            }
            if (o.arity().max() == 0) {
                if (Boolean.TRUE.equals(o.getValue())) {
                    out.add(name);
                }
                continue;
            }
            for (String v : o.originalStringValues()) {
                out.add(name);
                out.add(v);
            }
        }
        return out;
    }

    /** The study's sampler seed and the like are kept with the command line in the journal's header. */
    static ObjectNode attrs(List<String> commandLine, TuneMetric metric) {
        ObjectNode a = TrainingSession.JSON.createObjectNode();
        ArrayNode c = a.putArray("command_line");
        commandLine.forEach(c::add);
        a.put("metric", metric.label());
        return a;
    }
}
