package dev.descent.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import jdk.jshell.tool.JavaShellToolBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code descent shell [FILE.jsh]}: Java's REPL with the library loaded, for following the tutorial
 * cell by cell; or a script run unattended.
 */
@Command(name = "shell", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"JShell with the Descent library on the class path, the Vector API module added, the launcher's JVM options,"
                + " and the tutorial's names imported (tensor, nn, optim, data, train, plot; printParams(model) as the tutorial's print_params).",
                "With FILE.jsh, runs the script unattended: only what it prints is shown, and the first snippet that does not compile"
                        + " or throws stops it with one line (file:line: error) and exit code 1."})
final class ShellCommand implements Callable<Integer> {

    /** Exit code of a script that failed. */
    static final int EXIT_SCRIPT_FAILED = 1;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "FILE.jsh", description = "a JShell script to run unattended (e.g. docs/tutorial/03-momentum.jsh)")
    Path script;

    @Override
    public Integer call() throws Exception {
        ShellSetup setup = ShellSetup.forThisJvm();
        if (script == null) {
            return interactive(setup);
        }
        String text;
        try {
            text = Files.readString(script, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new BadInputException("shell: no script " + script);
        } catch (IOException e) {
            throw new BadInputException("shell: cannot read " + script + ": " + e.getMessage(), e);
        }
        // Snippets print on this process's own streams (the picocli writers wrap them).
        PrintStream out = System.out, err = System.err;
        try {
            ShellScript.run(setup, script.toString(), text, out, err);
            return 0;
        } catch (ShellScript.ScriptFailure f) {
            out.flush();
            spec.commandLine().getErr().println("descent shell: " + f.getMessage());
            return EXIT_SCRIPT_FAILED;
        }
    }

    /** The jshell tool itself, in this process, with the setup's class path, options and start-up script. */
    private static int interactive(ShellSetup setup) throws Exception {
        Path startup = Files.createTempFile("descent-startup", ".jsh");
        try {
            Files.writeString(startup, setup.startup(), StandardCharsets.UTF_8);
            System.out.println("|  Descent " + dev.descent.Version.get() + ": tensor, nn, optim, data, train, plot imported; printParams(model) too");
            return JavaShellToolBuilder.builder().start(toolArguments(setup, startup).toArray(String[]::new));
        } catch (UncheckedIOException e) {
            throw new BadInputException("shell: " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(startup);
        }
    }

    /** The jshell tool's command line for this setup. */
    static List<String> toolArguments(ShellSetup setup, Path startup) {
        // Concise feedback, as a notebook: a declaration prints nothing, an expression its value (model ==> MLP(…)).
        List<String> args = new ArrayList<>(List.of("--class-path", setup.classPath(), "--startup", startup.toString(), "--feedback", "concise"));
        setup.remoteVmOptions().forEach(o -> args.add("-R" + o));
        setup.compilerOptions().forEach(o -> args.add("-C" + o));
        return args;
    }
}
