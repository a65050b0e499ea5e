package dev.descent.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every script of docs/tutorial runs unattended, as {@code descent shell FILE} runs it, and prints what
 * docs/tutorial/README.md shows for it (numbers within 1%, or two units of their last digit).
 */
class TutorialTest {

    static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    static final Path TUTORIAL = ROOT.resolve("docs/tutorial");
    static final String PROMPT = "$ ./descent shell ";

    static List<Path> scripts() throws IOException {
        try (Stream<Path> s = Files.list(TUTORIAL)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".jsh")).sorted().toList();
        }
    }

    /** The output the page shows under each {@code $ ./descent shell FILE} line, by FILE. */
    static Map<String, String> shownOutputs(String markdown) {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> lines = markdown.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(PROMPT)) {
                List<String> block = new ArrayList<>();
                for (int j = i + 1; j < lines.size() && !lines.get(j).startsWith("```"); j++) {
                    block.add(lines.get(j));
                }
                out.put(lines.get(i).substring(PROMPT.length()).strip(), String.join("\n", block));
            }
        }
        return out;
    }

    static String page() throws IOException {
        return Files.readString(TUTORIAL.resolve("README.md"));
    }

    /** Runs a script in this JVM as descent shell does; returns what it printed. */
    static String run(Path script, Path out) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8), stdout = System.out;
        System.setOut(ps);
        System.setProperty("descent.tutorial.out", out.toString());
        try {
            ShellScript.run(ShellSetup.forThisJvm(), ROOT.relativize(script).toString(), Files.readString(script), ps, ps);
        } finally {
            System.setOut(stdout);
            System.clearProperty("descent.tutorial.out");
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scripts")
    void printsWhatTheTutorialPageShows(Path script, @TempDir Path out) throws IOException {
        String name = ROOT.relativize(script).toString();
        String shown = shownOutputs(page()).get(name);
        assertThat(shown).as("docs/tutorial/README.md shows the output of " + name).isNotNull();
        String printed = run(script, out);
        assertThat(PrintedOutput.mismatch(shown, printed, 0.01)).as("%s printed:%n%s", name, printed).isNull();
        if (printed.contains("figure: ")) {
            String file = printed.lines().filter(l -> l.startsWith("figure: ")).findFirst().orElseThrow().substring(8).split(" ")[0];
            assertThat(out.resolve(file)).isNotEmptyFile();
        }
    }

    @Test
    void thePageShowsEveryScriptAndNoOther() throws IOException {
        assertThat(shownOutputs(page()).keySet()).containsExactlyElementsOf(scripts().stream().map(p -> ROOT.relativize(p).toString()).toList());
    }

    /** The README's program under "Descent as a dependency" is examples/hello-descent's, line for line. */
    @Test
    void theReadmesProgramIsTheExamplesProgram() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        int at = readme.indexOf("```java", readme.indexOf("## Descent as a dependency"));
        List<String> program = readme.substring(at + 7, readme.indexOf("```", at + 7)).strip().lines().map(String::strip).toList();
        List<String> example = Files.readAllLines(ROOT.resolve("examples/hello-descent/src/main/java/example/HelloDescent.java")).stream()
                .map(String::strip).toList();
        assertThat(program).hasSizeGreaterThanOrEqualTo(8);
        assertThat(example).containsSubsequence(program);
        assertThat(readme).contains("<artifactId>descent-core</artifactId>").contains("<version>" + dev.descent.Version.get() + "</version>");
        assertThat(Files.readString(ROOT.resolve("examples/hello-descent/pom.xml"))).contains("<descent.version>" + dev.descent.Version.get() + "</descent.version>");
    }

    @Test
    void theComparisonAllowsDriftButNotAChange() {
        assertThat(PrintedOutput.mismatch("loss 0.1264 | Acc:  96.07%", "loss 0.1266 | Acc: 96.10%", 0.01)).isNull();
        assertThat(PrintedOutput.mismatch("loss 0.1264", "loss 0.1401", 0.01)).contains("not within");
        assertThat(PrintedOutput.mismatch("step 782", "iter 782", 0.01)).contains("'iter'");
        assertThat(PrintedOutput.mismatch("a\nb", "a", 0.01)).contains("expected 2 lines, got 1");
        assertThat(PrintedOutput.mismatch("7,850 parameters", "7,850 parameters", 0)).isNull();
        assertThat(PrintedOutput.mismatch("3.2948e-02", "3.2949e-02", 0)).isNull();
        assertThat(PrintedOutput.mismatch("3.2948e-02", "3.3948e-02", 0)).contains("not within");
    }
}
