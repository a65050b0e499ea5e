package dev.descent.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.descent.io.Checkpoint;
import dev.descent.nn.Mlp;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad input to every command exits 2 with one line naming what was wrong, and leaves no run behind. */
class BadInputTest {

    @TempDir
    static Path tmp;
    static Path data;

    @BeforeAll
    static void makeData() throws IOException {
        data = ToyData.write(Files.createDirectories(tmp.resolve("toy")), 300, 50, 2);
    }

    static Stream<Arguments> badTrainOptions() {
        return Stream.of(
                Arguments.of(List.of("--optimizer", "adamm"), "unknown optimizer 'adamm'"),
                Arguments.of(List.of("--lr", "-1"), "--lr must be a positive finite number, got -1.0"),
                Arguments.of(List.of("--lr", "nan"), "'--lr': 'nan' is not a double"),
                Arguments.of(List.of("--lr", "NaN"), "--lr must be a positive finite number, got NaN"),
                Arguments.of(List.of("--batch-size", "0"), "--batch-size must be a positive integer, got 0"),
                Arguments.of(List.of("--hidden", "200,0"), "--hidden: layer sizes must be positive, got 0"),
                Arguments.of(List.of("--hidden", "20,x"), "--hidden: 'x' is not a whole number"),
                Arguments.of(List.of("--epochs", "0"), "epochs must be positive, got 0"),
                Arguments.of(List.of("--schedule", "wavy"), "unknown schedule 'wavy'"),
                Arguments.of(List.of("--betas", "0.9,1.0"), "beta parameter at index 1: 1.0"),
                Arguments.of(List.of("--val-size", "300"), "--val-size 300 leaves no training examples"),
                Arguments.of(List.of("--activation", "swish"), "--activation: unknown 'swish'"),
                Arguments.of(List.of("--clip-norm", "0"), "--clip-norm: Invalid max_norm: 0.0"),
                Arguments.of(List.of("--optimizer", "schedule-free-adamw", "--schedule", "cosine"), "is schedule-free: its averaging replaces the schedule"),
                Arguments.of(List.of("--optimizer", "muon", "--ns-steps", "0"), "--optimizer muon: Invalid ns_steps: 0"),
                Arguments.of(List.of("--optimizer", "adafactor", "--beta2-decay", "0.5"), "beta2_decay should be <= 0 but is: 0.5"),
                Arguments.of(List.of("--dataset", "/no/such/dir"), "neither mnist, fashion-mnist nor a directory"),
                Arguments.of(List.of("--weight-decay", "-0.5"), "weight_decay value: -0.5"),
                Arguments.of(List.of("--loss", "hinge"), "--loss: unknown 'hinge' (known: nll, mse)"),
                Arguments.of(List.of("--loss", "mse", "--class-weights", "1,1,1,2"), "class weights apply to the nll loss only, not mse"),
                Arguments.of(List.of("--track-sharpness", "0"), "--track-sharpness must be a positive number of steps, got 0"),
                Arguments.of(List.of("--track-sharpness", "5", "--sharpness-examples", "0"), "--sharpness-examples must be positive, got 0"),
                Arguments.of(List.of("--track-sharpness", "5", "--class-weights", "1,1,1,2"), "it cannot be combined with --class-weights"),
                Arguments.of(List.of("--jit-warmup=maybe"), "'--jit-warmup': 'maybe' is not a boolean"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badTrainOptions")
    void trainRejects(List<String> opts, String message) {
        Path out = tmp.resolve("never-" + Math.abs(opts.hashCode()));
        List<String> a = new ArrayList<>(List.of("train", "--dataset", data.toString(), "--epochs", "1", "--val-size", "50", "--out", out.toString()));
        a.addAll(opts);
        MainTest.Result r = MainTest.run(a.toArray(String[]::new));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).startsWith("descent: ").contains(message);
        assertThat(Files.exists(out.resolve("metrics.csv"))).isFalse();
    }

    @Test
    void anUnwritableOutExitsTwo() throws IOException {
        Path file = tmp.resolve("a-file");
        Files.writeString(file, "x");
        MainTest.Result r = MainTest.run("train", "--dataset", data.toString(), "--out", file.resolve("run").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--out").contains("cannot create");
    }

    @Test
    void evalRejectsMissingCorruptAndMismatchedCheckpoints() throws IOException {
        MainTest.Result missing = MainTest.run("eval", "--model", tmp.resolve("none.safetensors").toString(), "--dataset", data.toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("no such file");

        Path corrupt = tmp.resolve("corrupt.safetensors");
        Files.write(corrupt, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        MainTest.Result bad = MainTest.run("eval", "--model", corrupt.toString(), "--dataset", data.toString());
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err().strip().lines()).hasSize(1);
        assertThat(bad.err()).contains("corrupt.safetensors");

        Path other = tmp.resolve("other.safetensors");
        Checkpoint.save(other, Mlp.of(784, List.of(10), 10, 1));
        MainTest.Result mismatch = MainTest.run("eval", "--model", other.toString(), "--dataset", data.toString());
        assertThat(mismatch.code()).isEqualTo(2);
        assertThat(mismatch.err()).contains("MLP 784-10-10").contains("does not fit").contains("64 inputs");
    }

    @Test
    void resumeOfSomethingThatIsNotARunExitsTwo() {
        MainTest.Result r = MainTest.run("train", "--resume", tmp.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("no checkpoint there");
    }

    @Test
    void compareRejectsAnUnknownOptimizer() {
        MainTest.Result r = MainTest.run("compare", "--optimizers", "sgd,bogus", "--dataset", data.toString(), "--out", tmp.resolve("c").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown optimizer 'bogus'");
    }

    /**
     * What {@code --resume}'s help says it takes is what the check lets through: each option the help names
     * gets past it (the command then fails on the missing directory instead), and another is refused.
     */
    @ParameterizedTest
    @MethodSource("resumingCommands")
    void resumeHelpNamesExactlyWhatAResumeTakes(String command, Object instance, List<String> refused) {
        String help = String.join(" ", new picocli.CommandLine(instance).getCommandSpec().findOption("--resume").description());
        String taken = help.substring(help.indexOf("takes no other option but"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("--[a-z-]+").matcher(taken);
        List<String> named = new ArrayList<>();
        while (m.find()) {
            named.add(m.group());
        }
        assertThat(named).contains("--debug");
        String missing = tmp.resolve("no-such-run").toString();
        for (String option : named) {
            List<String> args = new ArrayList<>(List.of(command, "--resume", missing, option));
            if (!option.equals("--debug")) {
                args.add("1");
            }
            MainTest.Result r = MainTest.run(args.toArray(String[]::new));
            assertThat(r.code()).as(r.err()).isEqualTo(2);
            assertThat(r.err()).as(option).doesNotContain("not taken");
        }
        MainTest.Result r = MainTest.run(command, "--resume", missing, refused.get(0), refused.get(1));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(refused.get(0) + " is not taken");
    }

    static Stream<Arguments> resumingCommands() {
        return Stream.of(
                Arguments.of("train", new TrainCommand(), List.of("--epochs", "5")),
                Arguments.of("tune", new TuneCommand(), List.of("--trials", "5")));
    }
}
