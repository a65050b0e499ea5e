package dev.descent.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.descent.Version;
import dev.descent.benchmark.Benchmark;
import dev.descent.benchmark.ProblemRun;
import dev.descent.io.AtomicFiles;
import dev.descent.plot.BenchmarkCharts;
import dev.descent.train.Comparison;

/**
 * The files of a benchmark run: {@code benchmark.json} (every run's numbers and the aggregates),
 * {@code results.csv}, {@code seeds.csv}, {@code tuning.csv}, {@code profiles.csv}, the figures (PNG and SVG),
 * and {@code report.html}, self-contained with the figures inline.
 */
final class BenchmarkReport {

    /** The metrics of the tables, in order: key, heading, percent. */
    private static final List<String[]> METRICS = List.of(new String[] {"test_accuracy", "test accuracy (%)", "%"},
            new String[] {"test_loss", "test loss", ""}, new String[] {"steps_to_target", "steps to target", ""},
            new String[] {"seconds_to_target", "seconds to target", ""});

    private BenchmarkReport() {
    }

    static void write(Path dir, Benchmark.Result r, double seconds, List<String> argv) {
        Path figures = dir.resolve("figures");
        try {
            Files.createDirectories(figures);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Benchmark.ProblemResult p : r.problems()) {
            BenchmarkCharts.problem(figures.resolve(p.problem().name()), p);
        }
        if (!r.problems().isEmpty()) {
            BenchmarkCharts.profiles(figures.resolve("profiles"), r);
        }
        TrainingSession.writePrettyJson(dir.resolve("benchmark.json"), json(r, seconds, argv));
        AtomicFiles.writeString(dir.resolve("results.csv"), resultsCsv(r));
        AtomicFiles.writeString(dir.resolve("seeds.csv"), seedsCsv(r));
        AtomicFiles.writeString(dir.resolve("tuning.csv"), tuningCsv(r));
        AtomicFiles.writeString(dir.resolve("profiles.csv"), profilesCsv(r));
        AtomicFiles.writeString(dir.resolve("report.html"), html(r, seconds, argv, figures));
    }

    private static String protocolText(Benchmark.Result r) {
        Benchmark.Protocol p = r.protocol();
        return String.format(Locale.ROOT, "learning rate tuned on a log grid of %d points (%s) with seed %d, by the final validation metric "
                        + "(accuracy on 10,000 held-out training examples; for quadratic_deep the training loss above its exact minimum); the best re-run on %d seeds "
                        + "(%d..%d, the tuning run being the first); %s budgets. Spread: mean ± std and 95%% CI of the mean (Student t, n−1 df); "
                        + "p: Welch's t-test against the best mean, two-sided, * for p < 0.05 (no test with fewer than %d seeds). Target: the best "
                        + "optimizer's mean final validation accuracy − %.2f (loss × %.2f).",
                p.lrGrid().length, BenchmarkCommand.gridText(p.lrGrid()), p.seed(), p.seeds(), p.seed(), p.seed() + p.seeds() - 1,
                p.scale().name().toLowerCase(Locale.ROOT), Comparison.MIN_SEEDS_FOR_TEST, Benchmark.ACCURACY_TOLERANCE, 1 + Benchmark.LOSS_TOLERANCE);
    }

    private static ObjectNode json(Benchmark.Result r, double seconds, List<String> argv) {
        ObjectNode j = TrainingSession.JSON.createObjectNode();
        ArrayNode cmd = j.putArray("command_line");
        argv.forEach(cmd::add);
        j.put("descent_version", Version.get());
        j.put("seconds", seconds);
        j.put("cores", Runtime.getRuntime().availableProcessors());
        ObjectNode proto = j.putObject("protocol");
        proto.set("lr_grid", TrainingSession.JSON.valueToTree(r.protocol().lrGrid()));
        proto.put("seeds", r.protocol().seeds());
        proto.put("seed", r.protocol().seed());
        proto.put("scale", r.protocol().scale().name().toLowerCase(Locale.ROOT));
        proto.put("description", protocolText(r));
        ArrayNode problems = j.putArray("problems");
        for (Benchmark.ProblemResult p : r.problems()) {
            ObjectNode pj = problems.addObject();
            pj.put("name", p.problem().name());
            pj.put("description", p.problem().description());
            pj.put("epochs", p.budget().epochs());
            pj.put("batch_size", p.budget().batchSize());
            pj.put("metric", p.problem().metric());
            CompareCommand.putNumber(pj, "target", p.target());
            ArrayNode opts = pj.putArray("optimizers");
            for (Benchmark.ContenderResult c : p.contenders()) {
                ObjectNode o = opts.addObject();
                o.put("name", c.name());
                o.put("best_lr", c.bestLr());
                ArrayNode t = o.putArray("tuning");
                for (Benchmark.TuningPoint tp : c.tuning()) {
                    ObjectNode x = t.addObject();
                    x.put("lr", tp.lr());
                    CompareCommand.putNumber(x, "metric", tp.metric());
                    x.put("diverged", tp.diverged());
                }
                ArrayNode s = o.putArray("seeds");
                for (int i = 0; i < c.runs().size(); i++) {
                    ProblemRun run = c.runs().get(i);
                    ObjectNode x = s.addObject();
                    x.put("seed", c.seeds()[i]);
                    for (var e : p.metrics().entrySet()) {
                        CompareCommand.putNumber(x, e.getKey(), e.getValue().entry(c.name()).values()[i]);
                    }
                    x.put("steps", run.steps());
                    x.put("train_seconds", run.seconds());
                    x.put("diverged", run.diverged());
                }
                for (var e : p.metrics().entrySet()) {
                    CompareCommand.aggregate(o.putObject(e.getKey()), e.getValue().entry(c.name()));
                }
            }
        }
        ObjectNode prof = j.putObject("profiles");
        for (Benchmark.Profile pf : List.of(r.speed(), r.performance())) {
            ObjectNode x = prof.putObject(pf == r.speed() ? "speed" : "performance");
            x.put("cost", pf.name());
            x.set("problems", TrainingSession.JSON.valueToTree(pf.problems()));
            ObjectNode costs = x.putObject("costs");
            pf.costs().forEach((k, v) -> {
                ArrayNode a = costs.putArray(k);
                for (double d : v) {
                    if (Double.isFinite(d)) {
                        a.add(d);
                    } else {
                        a.addNull();
                    }
                }
            });
        }
        return j;
    }

    private static String resultsCsv(Benchmark.Result r) {
        StringBuilder sb = new StringBuilder("problem,optimizer,best_lr,metric,mean,std,ci95_low,ci95_high,n,missing,best,p_value_vs_best,significantly_worse\n");
        for (Benchmark.ProblemResult p : r.problems()) {
            for (Benchmark.ContenderResult c : p.contenders()) {
                for (var e : p.metrics().entrySet()) {
                    Comparison.Entry x = e.getValue().entry(c.name());
                    Comparison.Stats s = x.stats();
                    sb.append(String.join(",", p.problem().name(), c.name(), num(c.bestLr()), e.getKey(), num(s.mean()), num(s.std()), num(s.ciLow()),
                            num(s.ciHigh()), Integer.toString(s.n()), Integer.toString(s.missing()), Boolean.toString(x.best()),
                            x.pValueVsBest() == null ? "" : num(x.pValueVsBest()), Boolean.toString(x.significantlyWorse()))).append('\n');
                }
            }
        }
        return sb.toString();
    }

    private static String seedsCsv(Benchmark.Result r) {
        StringBuilder sb = new StringBuilder("problem,optimizer,lr,seed,test_accuracy,test_loss,final_metric,steps_to_target,seconds_to_target,steps,train_seconds,diverged\n");
        for (Benchmark.ProblemResult p : r.problems()) {
            for (Benchmark.ContenderResult c : p.contenders()) {
                for (int i = 0; i < c.runs().size(); i++) {
                    ProblemRun run = c.runs().get(i);
                    int k = i;
                    java.util.function.Function<String, String> v = m -> p.metrics().containsKey(m) ? num(p.metrics().get(m).entry(c.name()).values()[k]) : "";
                    sb.append(String.join(",", p.problem().name(), c.name(), num(c.bestLr()), Long.toString(c.seeds()[i]), v.apply("test_accuracy"),
                            v.apply("test_loss"), v.apply("final_metric"), v.apply("steps_to_target"), v.apply("seconds_to_target"),
                            Integer.toString(run.steps()), num(run.seconds()), Boolean.toString(run.diverged()))).append('\n');
                }
            }
        }
        return sb.toString();
    }

    private static String tuningCsv(Benchmark.Result r) {
        StringBuilder sb = new StringBuilder("problem,optimizer,lr,final_metric,diverged,chosen\n");
        for (Benchmark.ProblemResult p : r.problems()) {
            for (Benchmark.ContenderResult c : p.contenders()) {
                for (Benchmark.TuningPoint t : c.tuning()) {
                    sb.append(String.join(",", p.problem().name(), c.name(), num(t.lr()), num(t.metric()), Boolean.toString(t.diverged()),
                            Boolean.toString(t.lr() == c.bestLr()))).append('\n');
                }
            }
        }
        return sb.toString();
    }

    private static String profilesCsv(Benchmark.Result r) {
        StringBuilder sb = new StringBuilder("profile,optimizer,problem,cost,ratio_to_best\n");
        for (Benchmark.Profile pf : List.of(r.speed(), r.performance())) {
            for (var e : pf.costs().entrySet()) {
                for (int i = 0; i < pf.problems().size(); i++) {
                    double best = Double.POSITIVE_INFINITY;
                    for (double[] v : pf.costs().values()) {
                        if (v[i] >= 0) {
                            best = Math.min(best, v[i]);
                        }
                    }
                    double c = e.getValue()[i];
                    sb.append(String.join(",", pf == r.speed() ? "speed" : "performance", e.getKey(), pf.problems().get(i), num(c),
                            num(Double.isFinite(c) && best > 0 ? c / best : Double.NaN))).append('\n');
                }
            }
        }
        return sb.toString();
    }

    private static String num(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "";
    }

    /** One problem's table as text lines (also the console summary). */
    static void printSummary(PrintWriter out, Benchmark.Result r) {
        for (Benchmark.ProblemResult p : r.problems()) {
            out.printf(Locale.ROOT, "%n%s — %s; %s of batch %d; target %s %.4f%n", p.problem().name(), p.problem().description(),
                    epochs(p.budget().epochs()), p.budget().batchSize(), p.problem().metric(), p.target());
            out.printf(Locale.ROOT, "  %-10s %-8s %-30s %-30s %-20s %s%n", "optimizer", "best lr", p.problem().hasAccuracy() ? "test accuracy (%) ± std" : "test loss ± std",
                    "95% CI, p vs best", "steps to target", "seconds");
            String key = p.problem().hasAccuracy() ? "test_accuracy" : "test_loss";
            double k = p.problem().hasAccuracy() ? 100 : 1;
            for (Benchmark.ContenderResult c : p.contenders()) {
                Comparison.Entry e = p.metrics().get(key).entry(c.name());
                Comparison.Stats s = e.stats();
                Comparison.Stats st = p.metrics().get("steps_to_target").entry(c.name()).stats();
                Comparison.Stats sec = p.metrics().get("seconds_to_target").entry(c.name()).stats();
                out.printf(Locale.ROOT, "  %-10s %-8s %-30s %-30s %-20s %s%n", c.name(), BenchmarkCommand.fmt(c.bestLr()), meanStd(s, k, 4),
                        ci(s, k) + ", " + (e.best() ? "best" : e.pValueVsBest() == null ? "no test" : CompareCommand.pValue(e.pValueVsBest()) + (e.significantlyWorse() ? " *" : "")),
                        st.n() == 0 ? "not reached" : String.format(Locale.ROOT, "%.0f ± %s (%d/%d)", st.mean(), Double.isNaN(st.std()) ? "—" : String.format(Locale.ROOT, "%.0f", st.std()), st.n(), st.n() + st.missing()),
                        sec.n() == 0 ? "—" : String.format(Locale.ROOT, "%.2f", sec.mean()));
            }
            List<String> edge = atGridEdge(r, p);
            if (!edge.isEmpty()) {
                out.println("  best learning rate at the end of the grid for " + String.join(", ", edge) + ": a wider --lr-grid may find a better one");
            }
        }
        if (r.problems().size() > 1) {
            out.printf(Locale.ROOT, "%nperformance profiles (fraction of problems where an optimizer is the best, ρ(1); within 2× of the best, ρ(2)):%n");
            for (Benchmark.Profile pf : List.of(r.speed(), r.performance())) {
                StringBuilder sb = new StringBuilder("  " + pf.name() + ":");
                pf.costs().forEach((name, costs) -> sb.append(String.format(Locale.ROOT, "  %s %.2f / %.2f", name, rho(pf, name, 1), rho(pf, name, 2))));
                out.println(sb);
            }
        }
    }

    static String epochs(int n) {
        return n + (n == 1 ? " epoch" : " epochs");
    }

    /** The optimizers whose best learning rate is the grid's smallest or largest. */
    static List<String> atGridEdge(Benchmark.Result r, Benchmark.ProblemResult p) {
        double[] g = r.protocol().lrGrid();
        return p.contenders().stream().filter(c -> g.length > 1 && (c.bestLr() == g[0] || c.bestLr() == g[g.length - 1]))
                .map(Benchmark.ContenderResult::name).toList();
    }

    /** ρ(τ) of {@code name} straight from its costs. */
    private static double rho(Benchmark.Profile pf, String name, double tau) {
        int n = pf.problems().size(), count = 0;
        for (int i = 0; i < n; i++) {
            double best = Double.POSITIVE_INFINITY;
            for (double[] v : pf.costs().values()) {
                if (v[i] >= 0) {
                    best = Math.min(best, v[i]);
                }
            }
            double c = pf.costs().get(name)[i];
            if (Double.isFinite(c) && Double.isFinite(best) && c <= tau * best * (1 + 1e-12)) {
                count++;
            }
        }
        return n == 0 ? 0 : (double) count / n;
    }

    private static String meanStd(Comparison.Stats s, double k, int digits) {
        if (s.n() == 0) {
            return "—";
        }
        String f = k == 100 ? "%.2f" : "%." + digits + "f";
        return String.format(Locale.ROOT, f, k * s.mean()) + " ± " + (Double.isNaN(s.std()) ? "—" : String.format(Locale.ROOT, f, k * s.std()));
    }

    private static String ci(Comparison.Stats s, double k) {
        String f = k == 100 ? "%.2f" : "%.4f";
        return Double.isNaN(s.ciLow()) ? "—" : "[" + String.format(Locale.ROOT, f, k * s.ciLow()) + ", " + String.format(Locale.ROOT, f, k * s.ciHigh()) + "]";
    }

    private static String html(Benchmark.Result r, double seconds, List<String> argv, Path figures) {
        StringBuilder h = new StringBuilder();
        h.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Descent optimizer benchmark</title>\n<style>")
                .append("body{font-family:system-ui,sans-serif;max-width:1280px;margin:2em auto;padding:0 1em;color:#222}")
                .append("table{border-collapse:collapse;margin:.5em 0 1em}td,th{border-bottom:1px solid #ddd;padding:.25em .7em;text-align:right}")
                .append("th:first-child,td:first-child{text-align:left}.best{font-weight:bold}.worse{color:#b00}img{max-width:100%}code{background:#f4f4f4}")
                .append("</style></head><body>\n<h1>Optimizer benchmark</h1>\n");
        h.append("<p><code>descent ").append(esc(String.join(" ", argv))).append("</code> — Descent ").append(esc(Version.get()))
                .append(String.format(Locale.ROOT, ", %d cores, %.1f min.</p>%n", Runtime.getRuntime().availableProcessors(), seconds / 60));
        h.append("<p><b>Protocol</b> (DeepOBS, Schneider, Balles &amp; Hennig 2019): ").append(esc(protocolText(r))).append("</p>\n");
        for (Benchmark.ProblemResult p : r.problems()) {
            h.append("<h2>").append(esc(p.problem().name())).append("</h2>\n<p>").append(esc(p.problem().description()))
                    .append(String.format(Locale.ROOT, "; %s of batch %d; target %s %.4f.</p>%n", epochs(p.budget().epochs()), p.budget().batchSize(),
                            p.problem().metric(), p.target()));
            h.append("<table><tr><th>optimizer</th><th>best lr</th>");
            for (String[] m : METRICS) {
                if (p.metrics().containsKey(m[0])) {
                    h.append("<th>").append(esc(m[1])).append(" mean ± std</th><th>95% CI</th><th>p vs best</th>");
                }
            }
            h.append("</tr>\n");
            for (Benchmark.ContenderResult c : p.contenders()) {
                h.append("<tr><td>").append(esc(c.name())).append("</td><td>").append(BenchmarkCommand.fmt(c.bestLr())).append("</td>");
                for (String[] m : METRICS) {
                    Comparison.Metric metric = p.metrics().get(m[0]);
                    if (metric == null) {
                        continue;
                    }
                    Comparison.Entry e = metric.entry(c.name());
                    double k = m[2].equals("%") ? 100 : 1;
                    String cls = e.best() ? " class=\"best\"" : e.significantlyWorse() ? " class=\"worse\"" : "";
                    String extra = m[0].endsWith("_target") ? " (" + e.stats().n() + "/" + (e.stats().n() + e.stats().missing()) + ")" : "";
                    h.append("<td").append(cls).append(">").append(meanStd(e.stats(), k, m[0].startsWith("steps") ? 0 : 4)).append(extra).append("</td><td>")
                            .append(ci(e.stats(), k)).append("</td><td>")
                            .append(e.best() ? "best" : e.pValueVsBest() == null ? "—" : CompareCommand.pValue(e.pValueVsBest()) + (e.significantlyWorse() ? " *" : ""))
                            .append("</td>");
                }
                h.append("</tr>\n");
            }
            h.append("</table>\n");
            List<String> edge = atGridEdge(r, p);
            if (!edge.isEmpty()) {
                h.append("<p>The best learning rate is at the end of the grid for ").append(esc(String.join(", ", edge)))
                        .append(": a wider grid may find a better one.</p>\n");
            }
            h.append(img(figures.resolve(p.problem().name() + ".png"), p.problem().name()));
        }
        if (!r.problems().isEmpty()) {
            h.append("<h2>Performance profiles</h2>\n<p>Dolan &amp; Moré (2002): ρ(τ) is the fraction of problems on which an optimizer's cost ")
                    .append("is within a factor τ of the best optimizer's. Speed: mean steps to the target (failed when fewer than half the seeds reach it). ")
                    .append("Performance: mean final test error (test loss for quadratic_deep).</p>\n")
                    .append(img(figures.resolve("profiles.png"), "performance profiles"));
        }
        h.append("<p>Files: <code>benchmark.json</code> (every run), <code>results.csv</code>, <code>seeds.csv</code>, <code>tuning.csv</code>, ")
                .append("<code>profiles.csv</code>, <code>figures/</code>.</p>\n</body></html>\n");
        return h.toString();
    }

    private static String img(Path png, String alt) {
        try {
            return "<p><img alt=\"" + esc(alt) + "\" src=\"data:image/png;base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(png)) + "\"></p>\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
