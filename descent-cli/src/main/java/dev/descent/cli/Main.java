package dev.descent.cli;

import java.io.PrintWriter;

import dev.descent.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code descent} program: one picocli class per command. Exit codes: 0 success, 2 bad input or
 * usage (one line on stderr saying what was wrong), 1 internal error.
 */
@Command(name = "descent",
        mixinStandardHelpOptions = true,
        versionProvider = Main.VersionProvider.class,
        description = "Train neural networks on the JVM and see how they are optimized.",
        subcommands = {TrainCommand.class, EvalCommand.class, CompareCommand.class, BenchmarkCommand.class, LrFindCommand.class, TuneCommand.class, ChallengeCommand.class, ExploreCommand.class, ServeCommand.class, DataCommand.class, BenchCommand.class, AotTrainingCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    /** Exit code for bad input or usage. */
    public static final int EXIT_USAGE = 2;
    /** Exit code for an internal error. */
    public static final int EXIT_INTERNAL = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the program with the given streams; returns the exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cmd = commandLine();
        cmd.setOut(out);
        cmd.setErr(err);
        return cmd.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new Main());
        // A repeated option takes its last value, as most command lines do (and as appending to a saved command needs).
        cmd.setOverwrittenOptionsAllowed(true);
        cmd.setParameterExceptionHandler((ex, args) -> {
            ex.getCommandLine().getErr().println("descent: " + ex.getMessage());
            return EXIT_USAGE;
        });
        cmd.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (isBadInput(ex)) {
                commandLine.getErr().println("descent: " + oneLine(ex.getMessage()));
                return EXIT_USAGE;
            }
            commandLine.getErr().println("descent: internal error: " + ex);
            ex.printStackTrace(commandLine.getErr());
            return EXIT_INTERNAL;
        });
        return cmd;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Errors caused by what the user gave: bad values, missing or corrupt files, unavailable data. */
    static boolean isBadInput(Throwable ex) {
        return ex instanceof IllegalArgumentException || ex instanceof BadInputException
                || ex instanceof dev.descent.io.FormatException || ex instanceof dev.descent.data.DataUnavailableException
                || ex instanceof java.io.UncheckedIOException;
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
