package dev.descent.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.UnresolvedReferenceException;

/**
 * Runs a JShell script unattended, as {@code descent shell FILE.jsh} does: the start-up script, then
 * the file's snippets one by one, compiled as the REPL compiles them. Only what the script prints is
 * shown (no {@code $1 ==> …} feedback, as {@code python script.py} shows no values). The first
 * snippet that does not compile, uses an undefined name or throws stops the script with one line
 * naming the file, the line and the error.
 *
 * <p>The snippets run in this JVM (JShell's local execution), which already has the launcher's
 * options: no second JVM to start and warm up, and {@code System.exit(n)} in a script ends the
 * command with status n. The REPL keeps JShell's separate execution JVM, so that Ctrl-C can stop a
 * long cell without ending the session.
 */
final class ShellScript {

    /** Why a script stopped early. */
    static final class ScriptFailure extends RuntimeException {
        ScriptFailure(String message) {
            super(message, null, false, false);
        }
    }

    private final JShell shell;
    /** Where each evaluated snippet started: its file's name and first line, by snippet id. */
    private final Map<String, Origin> origins = new HashMap<>();

    private record Origin(String file, int line) {
    }

    private ShellScript(JShell shell) {
        this.shell = shell;
    }

    /**
     * Runs {@code script} (named {@code name} in messages).
     *
     * @throws ScriptFailure with the one line to show when a snippet fails
     */
    static void run(ShellSetup setup, String name, String script, PrintStream out, PrintStream err) {
        try (JShell js = JShell.builder().in(InputStream.nullInputStream()).out(out).err(err)
                .compilerOptions(setup.compilerOptions().toArray(String[]::new)).executionEngine("local").build()) {
            js.addToClasspath(setup.classPath());
            ShellScript s = new ShellScript(js);
            s.evalAll(ShellSetup.STARTUP, setup.startup(), out, err);
            s.evalAll(name, script, out, err);
        }
    }

    private void evalAll(String file, String text, PrintStream out, PrintStream err) {
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        int pos = 0;
        while (pos < text.length()) {
            String rest = text.substring(pos);
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
            int consumed = rest.length() - info.remaining().length();
            if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
                break;
            }
            int start = pos + leadingBlank(rest);
            int line = lineOf(text, start);
            if (info.completeness() == SourceCodeAnalysis.Completeness.DEFINITELY_INCOMPLETE
                    || info.completeness() == SourceCodeAnalysis.Completeness.CONSIDERED_INCOMPLETE) {
                throw new ScriptFailure(file + ":" + line + ": the script ends inside an unfinished statement");
            }
            // From the first non-blank character: JShell numbers a snippet's lines wrongly when it starts with blank lines.
            String source = info.source().stripLeading();
            if (source.startsWith("/") && !source.startsWith("//") && !source.startsWith("/*")) {
                throw new ScriptFailure(file + ":" + line + ": '" + firstLine(source.strip()) + "' is a JShell command; scripts hold Java snippets only");
            }
            for (SnippetEvent e : shell.eval(source)) {
                if (e.causeSnippet() != null) {
                    continue; // an update of a dependent snippet, not this one
                }
                origins.put(e.snippet().id(), new Origin(file, line));
                check(e, file, line, source);
            }
            out.flush();
            err.flush();
            pos += consumed == 0 ? rest.length() : consumed;
        }
    }

    private void check(SnippetEvent e, String file, int line, String source) {
        Snippet s = e.snippet();
        if (e.status() == Snippet.Status.REJECTED) {
            List<Diag> diags = shell.diagnostics(s).filter(Diag::isError).toList();
            if (diags.isEmpty()) {
                throw new ScriptFailure(file + ":" + line + ": this snippet was rejected: " + firstLine(source.strip()));
            }
            Diag d = diags.get(0);
            int at = d.getStartPosition() >= 0 ? line + newlines(source, (int) Math.min(d.getStartPosition(), source.length())) : line;
            throw new ScriptFailure(file + ":" + at + ": " + d.getMessage(Locale.ROOT).lines().limit(2).map(String::strip).collect(java.util.stream.Collectors.joining("; ")));
        }
        if (e.status() == Snippet.Status.RECOVERABLE_DEFINED || e.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED) {
            List<String> missing = s instanceof jdk.jshell.DeclarationSnippet ds ? shell.unresolvedDependencies(ds).toList() : List.of();
            throw new ScriptFailure(file + ":" + line + ": uses names that are not defined: " + String.join(", ", missing));
        }
        JShellException ex = e.exception();
        if (ex != null) {
            throw new ScriptFailure(where(ex, file, line) + ": " + describe(ex));
        }
    }

    /** The script line of the innermost frame that belongs to the script (else the snippet's first line). */
    private String where(JShellException ex, String file, int line) {
        for (StackTraceElement f : ex.getStackTrace()) {
            String fn = f.getFileName();
            if (fn != null && fn.startsWith("#")) {
                Origin o = origins.get(fn.substring(1));
                if (o != null && o.file().equals(file) && f.getLineNumber() > 0) {
                    return file + ":" + (o.line() + f.getLineNumber() - 1);
                }
            }
        }
        return file + ":" + line;
    }

    private static String describe(JShellException ex) {
        if (ex instanceof EvalException ee) {
            String msg = ee.getMessage();
            return ee.getExceptionClassName() + (msg == null || msg.isBlank() ? "" : ": " + firstLine(msg));
        }
        if (ex instanceof UnresolvedReferenceException ure) {
            return "calls " + ure.getSnippet().toString().strip() + ", which uses names that are not defined";
        }
        return firstLine(String.valueOf(ex.getMessage()));
    }

    private static int leadingBlank(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int lineOf(String text, int offset) {
        return 1 + newlines(text, offset);
    }

    private static int newlines(String text, int end) {
        int n = 0;
        for (int i = 0; i < end; i++) {
            if (text.charAt(i) == '\n') {
                n++;
            }
        }
        return n;
    }

    private static String firstLine(String s) {
        return s.lines().findFirst().orElse("").strip();
    }
}
