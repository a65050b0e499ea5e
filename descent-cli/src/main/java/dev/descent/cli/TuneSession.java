package dev.descent.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.descent.io.AtomicFiles;
import dev.descent.plot.StudyCharts;
import dev.descent.train.KernelWarmup;
import dev.descent.tune.Budget;
import dev.descent.tune.Distribution;
import dev.descent.tune.Importance;
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
     * SIGTERM the running trials are abandoned (queued again for a resume) and the results so far written.
     */
    static void optimize(Study study, TuneObjective objective, Budget budget, int jobs, TuneObjectives objectives, PrintWriter out) {
        Thread hook = new Thread(study::abandon, "descent-tune-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            study.optimizeMulti(objective, budget, jobs, new StudyListener() {
                @Override
                public void onTrialStart(TrialRecord t, boolean retry) {
                    if (retry) {
                        synchronized (out) {
                            out.printf(Locale.ROOT, "trial %d runs the parameters of trial %d again: %s%n", t.number(), t.retryOf(), describe(study.params(t)));
                        }
                    }
                }

                @Override
                public void onTrialEnd(TrialRecord t, TrialRecord best) {
                    String v = switch (t.state()) {
                        case COMPLETE -> values(t, objectives);
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

    /**
     * The optimizers a study's trials can train with, to warm before the first trial: the base
     * command line's, then the choices of an {@code optimizer} parameter in their order.
     */
    static List<String> optimizers(SearchSpace space, String base) {
        LinkedHashSet<String> names = new LinkedHashSet<>(List.of(base));
        for (SearchSpace.Param p : space.params()) {
            if (p.name().equals("optimizer") && p.distribution() instanceof Distribution.Categorical c) {
                c.choices().forEach(v -> names.add(String.valueOf(v)));
            }
        }
        return List.copyOf(names);
    }

    /**
     * Compiles the trials' training step, and the update of every optimizer they can use, before the
     * first trial: {@code train_seconds} is a metric, and a first trial that trained while the JIT
     * compiled (its first epoch 1.5–2× a warm one) was charged with that work. Blocks until the
     * warm-up has settled (a few seconds at most).
     */
    static void warmup(DataSource source, TrainingSession.Data d, List<String> base, SearchSpace space) {
        TrialOptions o = TrialOptions.parse(base, "").check();
        try (KernelWarmup w = TrainingSession.warmup(o.model, source, o.optimizer, optimizers(space, o.optimizer.name()), o.schedule, o.train)) {
            w.expect(d.train().size(), d.val() == null ? 0 : d.val().size());
        }
    }

    private static String values(TrialRecord t, TuneObjectives objectives) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < t.values().size(); i++) {
            parts.add(objectives.labels().get(i) + " " + number(t.values().get(i)));
        }
        return String.join(" ", parts);
    }

    private static String number(double v) {
        return Math.abs(v) >= 1000 && v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.4f", v);
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
     * Writes {@code trials.csv}, {@code study.json} and the charts into the study directory {@code dir},
     * prints the table of trials, the best configuration (or the Pareto front of several objectives) and
     * each parameter's importance, and returns the summary of the best trial's run (null if no trial
     * completed, or the study has several objectives).
     */
    static JsonNode report(Study study, TuneObjectives objectives, List<String> base, Path dir, PrintWriter out) {
        List<TrialRecord> trials = study.trials();
        List<String> labels = objectives.labels();
        List<String> paramNames = new ArrayList<>(study.space().params().stream().map(p -> p.name()).toList());
        StringBuilder csv = new StringBuilder("number,state");
        if (objectives.multi()) {
            labels.forEach(l -> csv.append(',').append(l));
        } else {
            csv.append(",value");
        }
        csv.append(",seconds,reports");
        paramNames.forEach(p -> csv.append(',').append(p));
        csv.append('\n');
        String header = objectives.multi() ? String.join("  ", labels.stream().map(l -> String.format(Locale.ROOT, "%12s", l)).toList())
                : String.format(Locale.ROOT, "%12s", labels.get(0));
        out.printf(Locale.ROOT, "%n%6s  %-8s  %s  %7s  %s%n", "trial", "state", header, "seconds", "parameters");
        for (TrialRecord t : trials) {
            Map<String, Object> params = study.params(t);
            csv.append(t.number()).append(',').append(t.state().label());
            StringBuilder shown = new StringBuilder();
            for (int i = 0; i < labels.size(); i++) {
                double v = i < t.values().size() ? t.values().get(i) : Double.NaN;
                csv.append(',').append(Double.isNaN(v) ? "" : Double.toString(v));
                shown.append(i == 0 ? "" : "  ").append(String.format(Locale.ROOT, "%12s", Double.isNaN(v) ? "-" : number(v)));
            }
            csv.append(',').append(String.format(Locale.ROOT, "%.3f", t.seconds())).append(',').append(t.intermediate().size());
            for (String p : paramNames) {
                Object v = params.get(p);
                csv.append(',').append(v == null ? "" : '"' + format(v) + '"');
            }
            csv.append('\n');
            out.printf(Locale.ROOT, "%6d  %-8s  %s  %7.1f  %s%n", t.number(), t.state().label(), shown, t.seconds(), describe(params));
        }
        AtomicFiles.writeString(dir.resolve("trials.csv"), csv.toString());

        ObjectNode s = TrainingSession.JSON.createObjectNode();
        s.put("metric", labels.get(0));
        s.put("direction", study.direction().name().toLowerCase(Locale.ROOT));
        ArrayNode objs = s.putArray("objectives");
        for (int i = 0; i < labels.size(); i++) {
            objs.addObject().put("name", labels.get(i)).put("direction", study.directions().get(i).name().toLowerCase(Locale.ROOT));
        }
        s.put("trials", trials.size());
        for (TrialState st : TrialState.values()) {
            s.put(st.label(), trials.stream().filter(t -> t.state() == st).count());
        }
        s.put("seconds", trials.stream().mapToDouble(TrialRecord::seconds).sum());
        JsonNode bestSummary = objectives.multi() ? front(study, trials, objectives, s, dir, out) : best(study, trials, base, s, dir, out);
        importance(study, trials, objectives, s, out);
        TrainingSession.writePrettyJson(dir.resolve("study.json"), s);
        out.printf(Locale.ROOT, "%d trials (%d complete, %d pruned, %d failed); study %s%n", trials.size(),
                trials.stream().filter(t -> t.state() == TrialState.COMPLETE).count(), trials.stream().filter(t -> t.state() == TrialState.PRUNED).count(),
                trials.stream().filter(t -> t.state() == TrialState.FAIL).count(), dir);
        return bestSummary;
    }

    private static JsonNode best(Study study, List<TrialRecord> trials, List<String> base, ObjectNode s, Path dir, PrintWriter out) {
        TrialRecord best = study.best().orElse(null);
        String label = study.header().objectives().get(0);
        if (best == null) {
            out.println("no trial completed");
            return null;
        }
        JsonNode bestSummary = null;
        Path run = TuneObjective.trialDir(dir, best.number());
        ObjectNode b = s.putObject("best");
        b.put("number", best.number());
        b.put("value", best.value());
        b.set("params", TrainingSession.JSON.valueToTree(study.params(best)));
        b.put("run_dir", run.toString());
        b.put("command", rerun(base, study, best));
        Path summary = run.resolve("summary.json");
        if (Files.isRegularFile(summary)) {
            try {
                bestSummary = TrainingSession.JSON.readTree(summary.toFile());
                b.put("test_accuracy", bestSummary.path("test_accuracy").asDouble());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        // In a shared study the best trial may have run on another worker, which keeps its run directory.
        String where = bestSummary != null || best.owner() == null ? run.toString()
                : "not here: in the --out of the worker that ran it (pid " + best.owner().pid() + " on " + best.owner().host() + ")";
        out.printf(Locale.ROOT, "%nbest: trial %d, %s %.4f%s%n  %s%n  run directory %s%n  re-run: %s%n", best.number(), label, best.value(),
                bestSummary == null ? "" : String.format(Locale.ROOT, ", test accuracy %.2f%%", 100 * bestSummary.path("test_accuracy").asDouble()),
                describe(study.params(best)), where, b.get("command").asText());
        StudyCharts.history(dir.resolve("history"), trials, study.direction(), label);
        StudyCharts.parameters(dir.resolve("parameters"), trials, study.space(), label);
        return bestSummary;
    }

    private static JsonNode front(Study study, List<TrialRecord> trials, TuneObjectives objectives, ObjectNode s, Path dir, PrintWriter out) {
        List<TrialRecord> front = study.paretoFront();
        ArrayNode a = s.putArray("pareto_front");
        if (front.isEmpty()) {
            out.println("no trial completed");
            return null;
        }
        out.printf(Locale.ROOT, "%nPareto front: %d of %d complete trials (none better in every one of %s)%n", front.size(),
                trials.stream().filter(t -> t.state() == TrialState.COMPLETE).count(), String.join(", ", objectives.labels()));
        for (TrialRecord t : front) {
            ObjectNode o = a.addObject();
            o.put("number", t.number());
            ArrayNode vs = o.putArray("values");
            t.values().forEach(vs::add);
            o.set("params", TrainingSession.JSON.valueToTree(study.params(t)));
            o.put("run_dir", TuneObjective.trialDir(dir, t.number()).toString());
            out.printf(Locale.ROOT, "  trial %4d  %s  %s%n", t.number(), values(t, objectives), describe(study.params(t)));
        }
        StudyCharts.pareto(dir.resolve("pareto"), trials, front, objectives.labels());
        StudyCharts.parameters(dir.resolve("parameters"), trials, study.space(), objectives.labels().get(0));
        return null;
    }

    private static void importance(Study study, List<TrialRecord> trials, TuneObjectives objectives, ObjectNode s, PrintWriter out) {
        ObjectNode imp = s.putObject("importance");
        Map<String, dev.descent.tune.Distribution> dists = new LinkedHashMap<>();
        study.space().params().forEach(p -> dists.put(p.name(), p.distribution()));
        for (int i = 0; i < objectives.labels().size(); i++) {
            Map<String, Double> m = Importance.pedAnova(trials, dists, i, study.directions().get(i), 0.1);
            if (m.isEmpty()) {
                continue;
            }
            ObjectNode o = imp.putObject(objectives.labels().get(i));
            m.forEach(o::put);
            int top = Importance.topCount(trials, i, study.directions().get(i), 0.1);
            out.printf(Locale.ROOT, "importance for %s (PED-ANOVA, top 10%%): %s%s%n", objectives.labels().get(i), Importance.describe(m),
                    top < 5 ? " (rough: the top 10% is " + top + " trial" + (top == 1 ? "" : "s") + "; 5 or more give a steady answer)" : "");
        }
    }

    private static String rerun(List<String> base, Study study, TrialRecord t) {
        List<String> cmd = new ArrayList<>(List.of("descent", "train"));
        cmd.addAll(TuneObjective.args(base, study.space(), study.params(t)));
        return String.join(" ", cmd.stream().map(TuneSession::quote).toList());
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

    /** The command line a study was started with, kept in the journal's header to resume it. */
    static ObjectNode attrs(List<String> commandLine) {
        ObjectNode a = TrainingSession.JSON.createObjectNode();
        ArrayNode c = a.putArray("command_line");
        commandLine.forEach(c::add);
        return a;
    }
}
