package dev.descent.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.descent.data.IdxImages;
import dev.descent.io.AtomicFiles;
import dev.descent.train.RunDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code explore all}: every topic with small defaults, one subdirectory each, and one
 * self-contained {@code report.html} (figures embedded) with a section and the finding per topic.
 */
@Command(name = "all", mixinStandardHelpOptions = true, abbreviateSynopsis = true, sortOptions = false,
        description = "Run every topic with small defaults and write one self-contained report.html.")
final class ExploreAll extends ExploreTopic {

    /** The topics in the tutorial's order. */
    static List<ExploreTopic> topics() {
        return List.of(new ExploreGdVsRandom(), new ExploreConditioning(), new ExploreMomentum(), new ExploreNonconvex(), new ExploreMinibatch(),
                new ExploreAdaptive(), new ExploreSharpness(), new ExploreCurvature());
    }

    @Override
    String topic() {
        return "all";
    }

    @Override
    String title() {
        return "Every experiment";
    }

    @Override
    List<String> quickArgs() {
        return List.of();
    }

    @Override
    void validate() {
    }

    @Override
    Outcome run(RunDir dir, IdxImages.TrainTest tt, PrintWriter out, ObjectNode result) {
        List<String[]> sections = new ArrayList<>();
        ArrayNode rows = result.putArray("topics");
        for (ExploreTopic t : topics()) {
            List<String> args = new ArrayList<>(t.quickArgs());
            args.add("--seed=" + seed);
            CommandLine cl = new CommandLine(t);
            cl.setOut(out);
            cl.parseArgs(args.toArray(String[]::new));
            t.validate();
            out.println();
            out.println("== " + t.topic() + " " + String.join(" ", args));
            RunDir sub = RunDir.create(dir.path().resolve(t.topic()));
            Outcome o = t.execute(sub, tt, out);
            ObjectNode r = rows.addObject();
            r.put("topic", t.topic());
            r.put("finding", o.finding());
            r.put("dir", sub.path().toString());
            StringBuilder figs = new StringBuilder();
            for (String f : o.figures()) {
                try {
                    byte[] png = Files.readAllBytes(sub.file(f + ".png"));
                    figs.append("<figure><img alt=\"").append(escape(t.title())).append("\" src=\"data:image/png;base64,")
                            .append(Base64.getEncoder().encodeToString(png)).append("\"><figcaption>").append(escape(t.topic() + "/" + f + ".png"))
                            .append("</figcaption></figure>\n");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            sections.add(new String[] {t.topic(), t.title(), o.finding(), String.join(" ", args), figs.toString()});
        }
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Descent — explore the optimization tutorial</title>\n")
                .append("<style>body{font-family:system-ui,sans-serif;max-width:1280px;margin:2em auto;padding:0 1em;color:#222}")
                .append("img{max-width:100%;border:1px solid #ddd}figure{margin:1em 0}figcaption{color:#777;font-size:.85em}")
                .append("code{background:#f4f4f4;padding:.1em .3em}.finding{font-size:1.05em;background:#f6f8fa;border-left:4px solid #4a7;padding:.6em 1em}")
                .append("nav a{margin-right:1em}</style></head><body>\n")
                .append("<h1>Explore the optimization tutorial</h1>\n<p>Every experiment, run by <code>descent explore all</code> with small settings (seed ")
                .append(seed).append("). Each topic's own command reruns it with its full defaults.</p>\n<nav>");
        for (String[] s : sections) {
            html.append("<a href=\"#").append(s[0]).append("\">").append(escape(s[0])).append("</a>");
        }
        html.append("</nav>\n");
        for (String[] s : sections) {
            html.append("<section id=\"").append(s[0]).append("\"><h2>").append(escape(s[1])).append("</h2>\n<p class=\"finding\">").append(escape(s[2]))
                    .append("</p>\n<p>Command: <code>descent explore ").append(escape(s[0] + (s[3].isEmpty() ? "" : " " + s[3]))).append("</code></p>\n")
                    .append(s[4]).append("</section>\n");
        }
        html.append("</body></html>\n");
        AtomicFiles.writeString(dir.file("report.html"), html.toString());
        String finding = String.format(Locale.ROOT, "%d topics; the report is %s", sections.size(), dir.file("report.html"));
        return new Outcome(finding, List.of());
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
