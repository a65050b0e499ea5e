package dev.descent.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import dev.descent.Version;
import dev.descent.io.InputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code descent} program: one picocli class per command. Exit codes, the same for every command
 * and listed in every {@code --help}: {@value #EXIT_OK} success, {@value #EXIT_INTERNAL} internal
 * error, {@value #EXIT_USAGE} bad input or usage (one line on stderr saying what was wrong),
 * {@value #EXIT_DIVERGED} the run diverged (non-finite loss), {@value #EXIT_INTERRUPTED} interrupted by Ctrl-C,
 * {@value #EXIT_TERMINATED} stopped by SIGTERM.
 * Bad input is an {@link InputException} thrown where outside input enters; any other exception is
 * an internal error. Stack traces are shown only with {@code --debug} or {@code DESCENT_DEBUG=1}.
 */
@Command(name = "descent",
        mixinStandardHelpOptions = true,
        versionProvider = Main.VersionProvider.class,
        description = "Train neural networks on the JVM and see how they are optimized.",
        subcommands = {TrainCommand.class, EvalCommand.class, CompareCommand.class, BenchmarkCommand.class, LrFindCommand.class, TuneCommand.class, StudyCommand.class, ChallengeCommand.class, ExploreCommand.class, ServeCommand.class, DataCommand.class, BenchCommand.class, ShellCommand.class, AotTrainingCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    /** Exit code for success. */
    public static final int EXIT_OK = 0;
    /** Exit code for an internal error (a bug, or a failure of the machine such as a full disk). */
    public static final int EXIT_INTERNAL = 1;
    /** Exit code for bad input or usage. */
    public static final int EXIT_USAGE = 2;
    /** Exit code for a training run whose loss became non-finite. */
    public static final int EXIT_DIVERGED = 3;
    /** Exit code for a run stopped by Ctrl-C (128 + SIGINT, as shells report it). */
    public static final int EXIT_INTERRUPTED = 130;
    /**
     * Exit code for a run stopped by SIGTERM (128 + SIGTERM). The JVM sets it itself: a shutdown that a
     * signal started ends with that signal's code once the command's shutdown hook has let it write its
     * checkpoint and summary, whatever code the command returns.
     */
    public static final int EXIT_TERMINATED = 143;

    /** The exit codes as every {@code --help} lists them. */
    static final Map<String, String> EXIT_CODES = exitCodes();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "show the stack trace of an error (also DESCENT_DEBUG=1)")
    boolean debug;

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the program with the given streams; returns the exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cmd = commandLine();
        cmd.setOut(out);
        cmd.setErr(err);
        try {
            return cmd.execute(args);
        } catch (OutOfMemoryError e) {
            return outOfMemory(err, e, debugRequested(args));
        }
    }

    static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new Main());
        // A repeated option takes its last value, as most command lines do (and as appending to a saved command needs).
        cmd.setOverwrittenOptionsAllowed(true);
        listExitCodes(cmd);
        cmd.setParameterExceptionHandler((ex, args) -> {
            ex.getCommandLine().getErr().println("descent: " + oneLine(ex.getMessage()));
            return EXIT_USAGE;
        });
        cmd.setExecutionExceptionHandler((ex, commandLine, parseResult) -> report(commandLine.getErr(), ex, debugRequested(parseResult)));
        return cmd;
    }

    private static void listExitCodes(CommandLine cl) {
        cl.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(EXIT_CODES);
        cl.getSubcommands().values().forEach(Main::listExitCodes);
    }

    private static Map<String, String> exitCodes() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(EXIT_OK + "", "success");
        m.put(EXIT_INTERNAL + "", "internal error (with --debug, the stack trace)");
        m.put(EXIT_USAGE + "", "bad input or usage: one line on stderr says what was wrong");
        m.put(EXIT_DIVERGED + "", "the run diverged (non-finite loss)");
        m.put(EXIT_INTERRUPTED + "", "interrupted by Ctrl-C (a checkpoint is kept where the command resumes)");
        m.put(EXIT_TERMINATED + "", "stopped by SIGTERM (as 130: a checkpoint is kept where the command resumes)");
        return m;
    }

    /** Prints what went wrong and returns the exit code: one line, and the stack only when asked. */
    static int report(PrintWriter err, Throwable ex, boolean debug) {
        if (ex instanceof InputException) {
            err.println("descent: " + oneLine(ex.getMessage()));
            if (debug) {
                ex.printStackTrace(err);
            }
            return EXIT_USAGE;
        }
        if (ex instanceof OutOfMemoryError oom) {
            return outOfMemory(err, oom, debug);
        }
        // An id the user can quote; the same line is the first of the stack trace with --debug.
        String id = UUID.randomUUID().toString().substring(0, 8);
        err.println("descent: internal error " + id + ": " + oneLine(String.valueOf(ex)) + (debug ? "" : " (run with --debug for the stack trace)"));
        if (debug) {
            ex.printStackTrace(err);
        }
        return EXIT_INTERNAL;
    }

    private static int outOfMemory(PrintWriter err, OutOfMemoryError e, boolean debug) {
        long max = Runtime.getRuntime().maxMemory() >> 20;
        err.println(String.format(Locale.ROOT, "descent: out of memory (the Java heap is limited to %,d MB); give it more, e.g. DESCENT_JAVA_OPTS=-Xmx%dg",
                max, Math.max(2, 2 * Math.ceilDiv(max, 1024))));
        if (debug) {
            e.printStackTrace(err);
        }
        return EXIT_INTERNAL;
    }

    /** Whether {@code --debug} was given to the command or any of its parents, or DESCENT_DEBUG=1 is set. */
    static boolean debugRequested(CommandLine.ParseResult pr) {
        for (CommandLine.ParseResult p = pr; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--debug")) {
                return true;
            }
        }
        return debugFromEnvironment();
    }

    private static boolean debugRequested(String[] args) {
        return java.util.Arrays.asList(args).contains("--debug") || debugFromEnvironment();
    }

    private static boolean debugFromEnvironment() {
        String v = System.getenv("DESCENT_DEBUG");
        return v != null && !v.isEmpty() && !v.equals("0") && !v.equalsIgnoreCase("false");
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    /** Reports the build's version. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"descent " + Version.get() + " (Java " + Runtime.version() + ")"};
        }
    }
}
