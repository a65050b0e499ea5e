package dev.descent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class StudyCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static JsonNode json(MainTest.Result r) throws IOException {
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().strip().lines()).hasSize(1);
        return JSON.readTree(r.out());
    }

    @Test
    void createAskReportTellAndShowSpeakJson() throws IOException {
        Path dir = tmp.resolve("s");
        JsonNode created = json(MainTest.run("study", "create", dir.toString(), "--param", "lr=log:1e-4..1e-1", "--param", "opt=choice:sgd|adam",
                "--direction", "maximize,minimize", "--objectives", "accuracy,seconds", "--sampler", "random", "--seed", "3"));
        assertThat(created.get("params")).hasSize(2);
        assertThat(created.get("objectives").get(0).get("direction").asText()).isEqualTo("maximize");

        JsonNode a = json(MainTest.run("study", "ask", dir.toString()));
        int n = a.get("number").asInt();
        assertThat(n).isZero();
        assertThat(a.get("params").get("lr").asDouble()).isBetween(1e-4, 1e-1);
        assertThat(a.get("params").get("opt").asText()).isIn("sgd", "adam");
        JsonNode rep = json(MainTest.run("study", "report", dir.toString(), "--trial", "0", "--step", "1", "--value", "0.5"));
        assertThat(rep.get("prune").asBoolean()).isFalse();
        JsonNode told = json(MainTest.run("study", "tell", dir.toString(), "--trial", "0", "--value", "0.9,12.5"));
        assertThat(told.get("state").asText()).isEqualTo("complete");

        json(MainTest.run("study", "ask", dir.toString()));
        JsonNode viaJson = json(MainTest.run("study", "tell", dir.toString(), "--json", "{\"number\": 1, \"values\": [0.95, 20]}"));
        assertThat(viaJson.get("state").asText()).isEqualTo("complete");
        json(MainTest.run("study", "ask", dir.toString()));
        assertThat(json(MainTest.run("study", "tell", dir.toString(), "--json", "{\"number\": 2, \"state\": \"fail\", \"message\": \"out of memory\"}"))
                .get("state").asText()).isEqualTo("fail");

        JsonNode shown = json(MainTest.run("study", "show", dir.toString()));
        assertThat(shown.get("trials").get("complete").asInt()).isEqualTo(2);
        assertThat(shown.get("trials").get("fail").asInt()).isEqualTo(1);
        assertThat(shown.get("pareto_front")).hasSize(2); // 0.9 in 12.5 s and 0.95 in 20 s: neither is better in both
        assertThat(shown.get("pareto_front").get(0).get("values").get(0).asDouble()).isEqualTo(0.95);
        assertThat(shown.get("importance").has("accuracy")).isTrue();

        String[][] bad = {
                {"tell", dir.toString(), "--trial", "0", "--value", "1,2"}, {"trial 0 is already finished"},
                {"tell", dir.toString(), "--trial", "7", "--value", "1,2"}, {"trial 7 was never started"},
                {"tell", dir.toString(), "--json", "{\"number\": 1"}, {"--json: not valid JSON"},
                {"ask", tmp.resolve("none").toString()}, {"holds no study"},
                {"create", dir.toString(), "--param", "x=float:0..1"}, {"already holds a study"},
                {"create", tmp.resolve("c").toString(), "--param", "x=float:0..1", "--direction", "upward"}, {"is not minimize or maximize"},
                {"create", tmp.resolve("d").toString()}, {"study create needs a search space"},
                {"report", dir.toString(), "--trial", "0", "--step", "1", "--value", "1"}, {"trial 0 is complete, not running"},
        };
        for (int i = 0; i < bad.length; i += 2) {
            List<String> args = new ArrayList<>(List.of("study"));
            args.addAll(List.of(bad[i]));
            MainTest.Result r = MainTest.run(args.toArray(String[]::new));
            assertThat(r.code()).as(String.join(" ", bad[i]) + "\n" + r.err()).isEqualTo(2);
            assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
            assertThat(r.err()).contains(bad[i + 1][0]);
        }
        assertThat(tmp.resolve("c")).doesNotExist();
    }

    @Test
    void aShellScriptLoopTunesAStudy() throws Exception {
        Path launcher = tmp.resolve("descent");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(launcher, "#!/usr/bin/env bash\nexec '" + java + "' --add-modules jdk.incubator.vector -XX:TieredStopAtLevel=1 -cp '"
                + System.getProperty("java.class.path") + "' " + Main.class.getName() + " \"$@\" 2>/dev/null\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        // Any program that can run a command and read a line can be tuned: here bash and awk.
        Path script = tmp.resolve("tune.sh");
        Files.writeString(script, """
                #!/usr/bin/env bash
                set -euo pipefail
                descent="$1"; study="$2"; trials="$3"
                "$descent" study create "$study" --param x=float:-5..10 --param y=float:0..15 --direction minimize --seed 7 > /dev/null
                for i in $(seq 1 "$trials"); do
                  trial=$("$descent" study ask "$study")
                  number=$(echo "$trial" | sed -n 's/.*"number":\\([0-9]*\\).*/\\1/p')
                  x=$(echo "$trial" | sed -n 's/.*"x":\\([-0-9.eE]*\\).*/\\1/p')
                  y=$(echo "$trial" | sed -n 's/.*"y":\\([-0-9.eE]*\\).*/\\1/p')
                  value=$(awk -v x="$x" -v y="$y" 'BEGIN { pi = atan2(0, -1); b = 5.1 / (4 * pi * pi); c = 5 / pi;
                          print (y - b * x * x + c * x - 6) ^ 2 + 10 * (1 - 1 / (8 * pi)) * cos(x) + 10 }')
                  echo "$number $x $y $value" >> "$study.log"
                  if [ "$i" -eq "$trials" ]; then
                    echo "{\\"number\\": $number, \\"values\\": [$value]}" | "$descent" study tell "$study" --json - > /dev/null
                  else
                    "$descent" study tell "$study" --trial "$number" --value "$value" > /dev/null
                  fi
                done
                "$descent" study show "$study"
                """);
        Path study = tmp.resolve("branin");
        Process p = new ProcessBuilder("bash", script.toString(), launcher.toString(), study.toString(), "8")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("script.out").toFile()).start();
        assertThat(p.waitFor(240, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(tmp.resolve("script.out"));
        assertThat(p.exitValue()).as(out).isZero();
        JsonNode shown = JSON.readTree(out.strip().lines().reduce((a, b) -> b).orElseThrow());
        assertThat(shown.get("trials").get("complete").asInt()).isEqualTo(8);
        List<String> log = Files.readAllLines(Path.of(study + ".log"));
        assertThat(log).hasSize(8);
        double best = log.stream().mapToDouble(l -> Double.parseDouble(l.split(" ")[3])).min().orElseThrow();
        assertThat(shown.get("best").get("values").get(0).asDouble()).isCloseTo(best, org.assertj.core.data.Offset.offset(1e-9));
        for (int i = 0; i < 8; i++) {
            assertThat(log.get(i)).startsWith(i + " ");
        }
    }
}
