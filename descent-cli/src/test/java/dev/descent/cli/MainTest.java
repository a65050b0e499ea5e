package dev.descent.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

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
