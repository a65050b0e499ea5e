package dev.descent.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jdk.jshell.tool.JavaShellToolBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** descent shell: scripts that fail say where in one line; the README's first cells in the REPL itself. */
class ShellTest {

    record Run(int code, String out, String err) {
    }

    /** {@code descent shell FILE} in this JVM, its printed output captured. */
    static Run script(Path dir, String text) throws IOException {
        Path file = dir.resolve("cells.jsh");
        Files.writeString(file, text);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            MainTest.Result r = MainTest.run("shell", file.toString());
            return new Run(r.code(), buf.toString(StandardCharsets.UTF_8), r.err().replace(file.toString(), "cells.jsh"));
        } finally {
            System.setOut(stdout);
        }
    }

    @Test
    void aScriptRunsItsSnippetsWithTheTutorialsNamesAndPrintsOnlyWhatItPrints(@TempDir Path tmp) throws IOException {
        Run r = script(tmp, """
                // a comment, then a method and a loop, as the tutorial's scripts have
                var model = Mlp.of(784, List.of(), 10, 2021);
                int twice(int n) {
                    return 2 * n;
                }
                for (int i = 1; i <= 2; i++) {
                    System.out.println("cell " + twice(i));
                }
                System.out.println(model.parameterCount());
                model
                """);
        assertThat(r.code()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out().lines()).containsExactly("cell 2", "cell 4", "7850");
    }

    @Test
    void anExceptionStopsTheScriptWithOneLineNamingTheLineWhereItWasThrown(@TempDir Path tmp) throws IOException {
        Run r = script(tmp, """
                System.out.println("before");
                void check(int n) {
                    if (n > 1) {
                        throw new IllegalStateException("n is " + n + "\\nand more");
                    }
                }
                check(1);
                check(2);
                System.out.println("after");
                """);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out().lines()).containsExactly("before");
        assertThat(r.err().lines()).containsExactly("descent shell: cells.jsh:4: java.lang.IllegalStateException: n is 2");
    }

    @Test
    void aLibraryErrorNamesTheScriptLineOfTheCall(@TempDir Path tmp) throws IOException {
        Run r = script(tmp, """
                var a = Tensor.zeros(2, 3);

                var b = a.matmul(Tensor.zeros(4, 5));
                """);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("descent shell: cells.jsh:3: java.lang.IllegalArgumentException: matmul");
        assertThat(r.err().strip().lines()).hasSize(1);
    }

    @Test
    void compileErrorsUndefinedNamesAndCommandsAreNamedWithTheirLine(@TempDir Path tmp) throws IOException {
        assertThat(script(tmp, "int x = 1;\nString s = x;\n").err())
                .isEqualTo("descent shell: cells.jsh:2: incompatible types: int cannot be converted to java.lang.String\n");
        assertThat(script(tmp, "int x = 1;\nvoid f() {\n  g();\n}\n").err())
                .startsWith("descent shell: cells.jsh:2: uses names that are not defined: method g()");
        assertThat(script(tmp, "/exit 3\n").err()).isEqualTo("descent shell: cells.jsh:1: '/exit 3' is a JShell command; scripts hold Java snippets only\n");
        assertThat(script(tmp, "int x = (1 +\n").err()).startsWith("descent shell: cells.jsh:1: the script ends inside an unfinished statement");
    }

    @Test
    void aMissingScriptIsBadInput(@TempDir Path tmp) {
        MainTest.Result r = MainTest.run("shell", tmp.resolve("nowhere.jsh").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("descent: shell: no script " + tmp.resolve("nowhere.jsh") + "\n");
    }

    @Test
    void theExecutionJvmGetsThisJvmsOptionsButNoAotCacheOrAgent() {
        assertThat(ShellSetup.executionOptions(List.of("--add-modules=jdk.incubator.vector", "-XX:+UseParallelGC", "-Xmn64m",
                "-XX:AOTCache=descent.aot", "-Xlog:aot=off", "-agentlib:jdwp=transport=dt_socket", "-Ddescent.kernels=scalar")))
                .containsExactly("--add-modules=jdk.incubator.vector", "-XX:+UseParallelGC", "-Xmn64m", "-Ddescent.kernels=scalar");
        assertThat(ShellSetup.executionOptions(List.of("-Xss8m"))).containsExactly("-Xss8m", "--add-modules=jdk.incubator.vector");
    }

    /** A script's own System.exit(n) is the command's exit status, through the real entry point in a JVM of its own. */
    @Test
    void theProgramExitsWithTheScriptsStatus(@TempDir Path tmp) throws Exception {
        Path ok = Files.writeString(tmp.resolve("exit.jsh"), "System.out.println(\"bye\");\nSystem.exit(3);\n");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--add-modules", "jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "shell", ok.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isEqualTo(3);
        assertThat(out).contains("bye");
    }

    /**
     * The README's first cells, typed into the REPL of {@code ./descent shell} (the jshell tool with
     * the same arguments), print what the README shows.
     */
    @Test
    void theReadmesFirstCellsWorkAsTypedInTheRepl(@TempDir Path tmp) throws Exception {
        List<String> block = readmeSession();
        List<String> cells = new ArrayList<>(), shown = new ArrayList<>();
        for (String line : block) {
            if (line.startsWith("jshell> ")) {
                cells.add(line.substring("jshell> ".length()));
            }
            // Read from a pipe, the tool echoes each cell after its prompt: the page's lines without the prompts.
            if (!line.startsWith("|  ") && !line.isBlank()) {
                shown.add(line.replace("jshell> ", ""));
            }
        }
        assertThat(cells).hasSizeGreaterThanOrEqualTo(3);
        Path startup = Files.writeString(tmp.resolve("startup.jsh"), ShellSetup.startupScript());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        String input = String.join("\n", cells) + "\n/exit\n";
        JavaShellToolBuilder.builder().persistence(new HashMap<>()).in(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), null)
                .out(ps).err(ps).start(ShellCommand.toolArguments(ShellSetup.forThisJvm(), startup).toArray(String[]::new));
        List<String> printed = out.toString(StandardCharsets.UTF_8).replace("jshell> ", "").lines()
                .filter(l -> !l.isBlank() && !l.startsWith("|  ") && !l.equals("/exit")).toList();
        assertThat(PrintedOutput.mismatch(String.join("\n", shown), String.join("\n", printed), 1e-3))
                .as("the REPL printed:%n%s", String.join("\n", printed)).isNull();
    }

    /** The README's session: the lines after {@code $ ./descent shell} up to the end of its block. */
    static List<String> readmeSession() throws IOException {
        List<String> lines = Files.readAllLines(TutorialTest.ROOT.resolve("README.md"));
        int start = lines.indexOf("$ ./descent shell");
        assertThat(start).as("README.md shows a session of ./descent shell").isNotNegative();
        List<String> block = new ArrayList<>();
        for (int i = start + 1; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
            block.add(lines.get(i));
        }
        return block;
    }
}
