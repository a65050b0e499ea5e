package dev.descent.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.descent.io.Checkpoint;
import dev.descent.io.InputException;
import dev.descent.io.Safetensors;
import dev.descent.nn.Mlp;
import dev.descent.testing.Crafted;
import dev.descent.testing.Limits;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cases of issue 19, as a new user would meet them: files crafted to be wrong get exit code 2
 * and one line naming what was wrong, in under 2 s and without allocating what the file claims;
 * a diverged run exits 3; an internal error exits 1 with an id; every --help lists the exit codes.
 */
class HostileInputTest {

    @TempDir
    static Path tmp;
    static Path data;
    static Path run;

    @BeforeAll
    static void makeDataAndARun() throws IOException {
        data = ToyData.write(Files.createDirectories(tmp.resolve("toy")), 300, 60, 3);
        run = tmp.resolve("run");
        MainTest.Result r = MainTest.run("train", "--dataset", data.toString(), "--hidden", "8", "--epochs", "2", "--val-size", "60",
                "--val-freq", "4", "--log-freq", "4", "--val-batches", "1", "--out", run.toString());
        assertThat(r.code()).as(r.err()).isZero();
    }

    /** Runs the program and checks the issue's bounds: exit 2, one line on stderr, under 2 s, under 512 MB allocated. */
    static MainTest.Result badInput(String... args) {
        MainTest.Result r = Limits.within(2000, 512L << 20, () -> MainTest.run(args));
        assertThat(r.code()).as(r.err()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
        assertThat(r.err()).startsWith("descent: ").doesNotContain("Exception");
        return r;
    }

    private static Path hugeMetadataCheckpoint() {
        return Crafted.hugeMetadataCheckpoint(tmp.resolve("huge-meta.safetensors"));
    }

    @Test
    void evalOfASmallFileWhoseMetadataClaimsAHugeModelExitsTwo() {
        Path f = hugeMetadataCheckpoint();
        assertThat(badInput("eval", "--model", f.toString(), "--dataset", data.toString()).err())
                .contains("huge-meta.safetensors").contains("MLP 30000-30000-30000-10 needs [30000, 30000]");
    }

    @Test
    void evalOfAHugeMetadataCheckpointStaysUnder512MbInItsOwnJvm() throws Exception {
        // The issue's bound as a user meets it: a JVM of 512 MB answers with one line and exit 2 (it died of OutOfMemoryError before).
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "eval", "--model", hugeMetadataCheckpoint().toString(), "--dataset", data.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isEqualTo(2);
        assertThat(out.lines().filter(l -> l.startsWith("descent: ")).toList()).hasSize(1);
        assertThat(out).doesNotContain("OutOfMemoryError").doesNotContain("Exception");
    }

    @Test
    void anIdxFileWhoseDimensionsPassTwoToThe31ExitsTwo() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("huge-idx"));
        for (String f : List.of("train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte.gz")) {
            Files.copy(data.resolve(f), dir.resolve(f));
        }
        Files.write(dir.resolve("train-images-idx3-ubyte"), Crafted.idxHeader(0x08, 65536, 256, 256));
        String err = badInput("train", "--dataset", dir.toString(), "--out", tmp.resolve("never").toString()).err();
        assertThat(err).contains("train-images-idx3-ubyte").contains("more than one array can hold");
        assertThat(tmp.resolve("never").resolve("metrics.csv")).doesNotExist();
    }

    @Test
    void evalOfAModelWithMoreOutputsThanTheDataHasClassesExitsTwo() {
        // The issue's 12-output model on 10-class data; the toy data has 4 classes, so 6 outputs.
        Path f = tmp.resolve("six.safetensors");
        Checkpoint.save(f, Mlp.of(64, List.of(8), 6, 1));
        assertThat(badInput("eval", "--model", f.toString(), "--dataset", data.toString()).err())
                .contains("MLP 64-8-6 (64 inputs, 6 outputs), which does not fit").contains("(64 inputs, 4 classes)");
    }

    /** A copy of the finished run with one file damaged; --resume of it must name the entry. */
    private static Path damaged(String name, String file, Consumer<Path> damage) throws IOException {
        Path copy = Files.createDirectories(tmp.resolve("damaged-" + name));
        try (var s = Files.list(run)) {
            for (Path p : s.toList()) {
                Files.copy(p, copy.resolve(p.getFileName()));
            }
        }
        damage.accept(copy.resolve(file));
        return copy;
    }

    private static void rewriteSafetensors(Path f, Consumer<Map<String, Safetensors.Entry>> tensors, Consumer<Map<String, String>> meta) {
        Safetensors.Contents c = Safetensors.read(f);
        Map<String, Safetensors.Entry> t = new LinkedHashMap<>(c.tensors());
        Map<String, String> m = new LinkedHashMap<>(c.metadata());
        tensors.accept(t);
        meta.accept(m);
        Safetensors.write(f, t, m);
    }

    private static void edit(Path f, String from, String to) {
        try {
            String s = Files.readString(f);
            assertThat(s).contains(from);
            Files.writeString(f, s.replace(from, to));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void resumeOfADamagedOptimizerStateOrTrainerStateNamesTheBrokenEntry() throws IOException {
        record Case(String name, String file, Consumer<Path> damage, String expected) {
        }
        List<Case> cases = List.of(
                new Case("opt-missing-buffer", "optimizer.safetensors",
                        f -> rewriteSafetensors(f, t -> t.remove("state.1.exp_avg"), m -> { }), "tensor 'state.1.exp_avg' is missing"),
                new Case("opt-short-buffer", "optimizer.safetensors",
                        f -> rewriteSafetensors(f, t -> t.put("state.0.exp_avg", Safetensors.Entry.f32(new float[5], 5)), m -> { }),
                        "tensor 'state.0.exp_avg' is F32 [5], expected F32 of 512 elements"),
                new Case("opt-groups", "optimizer.safetensors",
                        f -> rewriteSafetensors(f, t -> { }, m -> m.put("groups", "{}")), "metadata 'groups' must list 1 parameter group"),
                new Case("opt-truncated", "optimizer.safetensors", f -> truncate(f, 100), "outside the"),
                new Case("state-not-json", "trainer-state.json", f -> edit(f, "{", "{{"), "trainer-state.json: not valid JSON"),
                new Case("state-history", "trainer-state.json", f -> edit(f, "\"train_steps\"", "\"train_step\""), "'history_log' train_steps is missing"),
                new Case("state-history-rows", "trainer-state.json", f -> edit(f, "\"validations\" : 2", "\"validations\" : 3"),
                        "hold 8 training steps, 2 validations and measurements {}, trainer-state.json says 8 training steps, 3 validations"),
                new Case("history-short", "trainer-history.bin", f -> truncate(f, 10), "the history log is incomplete"),
                new Case("history-damaged", "trainer-history.bin", f -> flip(f, 30), "(the file is damaged)"),
                new Case("state-step", "trainer-state.json", f -> edit(f, "\"step\" : 8,", "\"step\" : 7,"), "epoch 2, batch 0 do not give step 7 at 4 batches per epoch"),
                new Case("state-generator", "trainer-state.json", f -> edit(f, "\"epochStartGenerator\" : [", "\"epochStartGenerator\" : [ 1, "),
                        "epochStartGenerator must be 4 words"),
                new Case("model-shape", "model.safetensors",
                        f -> rewriteSafetensors(f, t -> t.put("main.2.bias", Safetensors.Entry.f32(new float[3], 3)), m -> { }),
                        "'main.2.bias' has shape [3], the metadata's MLP 64-8-4 needs [4]"));
        for (Case c : cases) {
            Path dir = damaged(c.name(), c.file(), c.damage());
            String err = badInput("train", "--resume", dir.toString()).err();
            assertThat(err).as(c.name()).contains(c.file()).contains(c.expected());
        }
    }

    @Test
    void aDamagedCheckpointIsReportedBeforeTheDataSetIsLoaded() throws IOException {
        // The run's data set is gone as well: the one line must name the checkpoint, which is read first.
        Path gone = ToyData.write(Files.createDirectories(tmp.resolve("toy-gone")), 300, 60, 3);
        Path r = tmp.resolve("run-gone");
        MainTest.Result first = MainTest.run("train", "--dataset", gone.toString(), "--hidden", "8", "--epochs", "1", "--val-size", "60",
                "--val-batches", "1", "--out", r.toString());
        assertThat(first.code()).as(first.err()).isZero();
        try (var files = Files.list(gone)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        truncate(r.resolve("model.safetensors"), 100);
        assertThat(badInput("train", "--resume", r.toString()).err()).contains("model.safetensors").doesNotContain("toy-gone");
    }

    private static void flip(Path f, int at) {
        try {
            byte[] all = Files.readAllBytes(f);
            all[at] ^= 0x10;
            Files.write(f, all);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void truncate(Path f, int bytes) {
        try {
            byte[] all = Files.readAllBytes(f);
            Files.write(f, java.util.Arrays.copyOf(all, all.length - bytes));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void searchSpacesWithNullsExitTwo() throws IOException {
        // Found by the Jazzer fuzz test of YAML spaces: a null among the 'when' values (or the choices) was a NullPointerException.
        Path yaml = tmp.resolve("null-when.yaml");
        Files.writeString(yaml, "optimizer: {type: categorical, choices: [sgd, adam]}\nmomentum: {type: float, low: 0.5, high: 0.99, when: {optimizer: [NULL]}}\n");
        assertThat(badInput("tune", "--space", yaml.toString(), "--dataset", data.toString(), "--out", tmp.resolve("t1").toString()).err())
                .contains("'when' value null is not a choice of 'optimizer'");
        Path json = tmp.resolve("null-choice.json");
        Files.writeString(json, "{\"optimizer\": {\"type\": \"categorical\", \"choices\": [\"sgd\", null]}}");
        assertThat(badInput("tune", "--space", json.toString(), "--dataset", data.toString(), "--out", tmp.resolve("t2").toString()).err())
                .contains("'choices' lists null");
    }

    @Test
    void aRunWhoseLossBecomesNonFiniteExitsThree() {
        MainTest.Result r = MainTest.run("train", "--dataset", data.toString(), "--hidden", "8", "--epochs", "1", "--val-size", "60",
                "--optimizer", "sgd", "--lr", "1e30", "--out", tmp.resolve("diverged").toString());
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(Main.EXIT_DIVERGED);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).contains("training diverged");
    }

    @Test
    void onlyTheTypedBadInputIsExitTwoAndStacksNeedDebug() {
        StringWriter s = new StringWriter();
        assertThat(Main.report(new PrintWriter(s, true), new IllegalArgumentException("an internal check"), false)).isEqualTo(Main.EXIT_INTERNAL);
        assertThat(s.toString()).matches("descent: internal error [0-9a-f]{8}: java.lang.IllegalArgumentException: an internal check \\(run with --debug for the stack trace\\)\\R");

        s = new StringWriter();
        assertThat(Main.report(new PrintWriter(s, true), new InputException("a bad file"), false)).isEqualTo(Main.EXIT_USAGE);
        assertThat(s.toString()).isEqualTo("descent: a bad file" + System.lineSeparator());

        s = new StringWriter();
        assertThat(Main.report(new PrintWriter(s, true), new OutOfMemoryError("Java heap space"), false)).isEqualTo(Main.EXIT_INTERNAL);
        assertThat(s.toString().strip().lines()).hasSize(1);
        assertThat(s.toString()).contains("out of memory").contains("DESCENT_JAVA_OPTS=-Xmx");

        s = new StringWriter();
        Main.report(new PrintWriter(s, true), new IllegalStateException("boom"), true);
        assertThat(s.toString()).contains("at dev.descent.cli.HostileInputTest");

        MainTest.Result debug = MainTest.run("eval", "--debug", "--model", tmp.resolve("none.safetensors").toString(), "--dataset", data.toString());
        assertThat(debug.code()).isEqualTo(2);
        assertThat(debug.err()).contains("no such file").contains("at dev.descent.cli.EvalCommand");
    }

    @Test
    void everyHelpListsTheExitCodes() {
        picocli.CommandLine cl = Main.commandLine();
        List<picocli.CommandLine> all = new ArrayList<>(List.of(cl));
        for (int i = 0; i < all.size(); i++) {
            all.addAll(all.get(i).getSubcommands().values());
        }
        assertThat(all).hasSizeGreaterThan(12);
        for (picocli.CommandLine c : all) {
            String help = c.getUsageMessage();
            assertThat(help).as(c.getCommandName()).contains("Exit codes:").contains("130").contains("diverged").contains("bad input or usage");
        }
    }
}
