package dev.descent.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The program's top level: help, version, and exit code 2 with one line for bad usage. */
class MainTest {

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void noArgumentsPrintsTheCommandList() {
        Result r = run();
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Usage: descent").contains("Commands:").contains("help");
    }

    @Test
    void everyCommandsSummaryInTheListIsAWholeSentence() {
        // The list shows only the first line of each command's description; a summary cut mid-sentence reads as a bug.
        String list = run().out().split("Commands:")[1].split("\\R\\R")[0];
        List<String> summaries = new ArrayList<>();
        for (String line : list.lines().filter(l -> !l.isBlank()).toList()) {
            if (line.startsWith("  ") && !line.startsWith("   ")) summaries.add(line.strip());
            else summaries.set(summaries.size() - 1, summaries.getLast() + " " + line.strip());
        }
        assertThat(summaries).hasSizeGreaterThan(10).allSatisfy(s -> assertThat(s).doesNotEndWith(",").matches("(?s).*[.)]"));
    }

    @Test
    void versionNamesTheBuild() {
        Result r = run("--version");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("descent 0.");
    }

    @Test
    void anUnknownCommandExitsTwoWithOneLine() {
        Result r = run("frobnicate");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).contains("frobnicate");
    }
}
