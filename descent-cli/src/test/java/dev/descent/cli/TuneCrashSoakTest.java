package dev.descent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Crash soak of {@code tune}: SIGKILL at random moments, resume each time, and in the end every drawn
 * trial's parameters have run to completion exactly once (the trial itself, or the retry of a trial
 * the kill cut off), and no trial finished twice. {@code -Ddescent.soak.kills=N} runs a longer soak
 * (default 10 kills).
 */
class TuneCrashSoakTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TRIALS = 12;

    @TempDir
    Path tmp;

    private List<JsonNode> journal(Path study) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(study.resolve("journal.jsonl"))) {
            out.add(JSON.readTree(l));
        }
        return out;
    }

    /** Trials started so far: the journal's {@code trial} lines (0 before the study exists). */
    private static long trialLines(Path study) throws IOException {
        Path j = study.resolve("journal.jsonl");
        if (!Files.exists(j)) {
            return 0;
        }
        try (var lines = Files.lines(j)) {
            return lines.filter(l -> l.startsWith("{\"op\":\"trial\"")).count();
        }
    }

    @Test
    void killedAtRandomMomentsAndResumedNoTrialIsLostOrRunTwice() throws Exception {
        int kills = Integer.getInteger("descent.soak.kills", 10);
        Path data = ToyData.write(Files.createDirectories(tmp.resolve("toy")), 300, 50, 9);
        Path study = tmp.resolve("soak");
        List<String> java = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--add-modules", "jdk.incubator.vector",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Main.class.getName());
        List<String> first = List.of("tune", "--dataset", data.toString(), "--val-size", "100", "--val-batches", "1", "--epochs", "1", "--hidden", "8",
                "--batch-size", "32", "--param", "lr=log:1e-3..0.1", "--param", "batch-size=int:16..64", "--trials", String.valueOf(TRIALS),
                "--pruner", "none", "--retry-failed", "1000", "--out", study.toString());
        List<String> resume = List.of("tune", "--resume", study.toString(), "--retry-failed", "1000");
        Random rng = new Random(20261129);
        int killed = 0;
        for (int k = 0; k < kills; k++) {
            List<String> cmd = new ArrayList<>(java);
            cmd.addAll(Files.exists(study.resolve("journal.jsonl")) ? resume : first);
            long trialsBefore = trialLines(study);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("run" + k + ".log").toFile()).start();
            // Wait until this run has started a trial (before it, tune compiles the step on synthetic
            // data for a second or two, and a kill there cuts nothing), then kill it at a random moment
            // of its work.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (p.isAlive() && System.nanoTime() < deadline && trialLines(study) == trialsBefore) {
                Thread.sleep(5);
            }
            Thread.sleep(rng.nextInt(700));
            if (p.isAlive()) {
                p.destroyForcibly();
                killed++;
            }
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(tmp.resolve("run" + k + ".log"))).doesNotContain("Exception").doesNotContain("internal error");
        }
        assertThat(killed).as("kills that landed while tune ran").isGreaterThanOrEqualTo(Math.min(kills, 10) - 2);
        MainTest.Result r = MainTest.run(resume.toArray(String[]::new));
        assertThat(r.code()).as(r.out() + r.err()).isZero();

        List<JsonNode> lines = journal(study);
        Map<Integer, JsonNode> trials = new HashMap<>();
        Map<Integer, Integer> finishes = new HashMap<>();
        Map<Integer, String> state = new HashMap<>();
        Map<Integer, String> message = new HashMap<>();
        for (JsonNode n : lines.subList(1, lines.size())) {
            int num = n.get("number").asInt();
            switch (n.get("op").asText()) {
                case "trial" -> trials.put(num, n);
                case "finish" -> {
                    finishes.merge(num, 1, Integer::sum);
                    state.put(num, n.get("state").asText());
                    message.put(num, n.get("message").asText());
                }
                default -> {
                }
            }
        }
        assertThat(finishes.values()).as("no trial finishes twice").allMatch(c -> c == 1);
        assertThat(finishes.keySet()).as("every trial finished").isEqualTo(trials.keySet());
        List<Integer> drawn = trials.values().stream().filter(t -> !t.has("retry_of")).map(t -> t.get("number").asInt()).toList();
        assertThat(drawn).hasSize(TRIALS);
        Map<Integer, Integer> retryOf = new HashMap<>();
        trials.values().stream().filter(t -> t.has("retry_of")).forEach(t -> retryOf.put(t.get("retry_of").asInt(), t.get("number").asInt()));
        for (int d : drawn) {
            // Follow the chain of retries: failures by a kill, each retried once, ending in one completion.
            int n = d;
            int completes = 0;
            while (true) {
                assertThat(trials.get(n).get("params")).isEqualTo(trials.get(d).get("params"));
                if (state.get(n).equals("complete")) {
                    completes++;
                    assertThat(retryOf).doesNotContainKey(n);
                    assertThat(study.resolve("trials").resolve(String.format("%04d", n)).resolve("summary.json")).isNotEmptyFile();
                    break;
                }
                assertThat(state.get(n)).isEqualTo("fail");
                assertThat(message.get(n)).contains("its process died");
                assertThat(retryOf).containsKey(n);
                n = retryOf.get(n);
            }
            assertThat(completes).isEqualTo(1);
        }
        assertThat(JSON.readTree(study.resolve("study.json").toFile()).get("complete").asInt()).isEqualTo(TRIALS);
        // Most kills land in the middle of a trial (the rest between two): the retries prove the cut trials ran again.
        assertThat(retryOf).as("trials cut off by the %d kills", killed).hasSizeGreaterThanOrEqualTo(killed / 2);
    }
}
