package dev.descent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeCommandTest {

    @TempDir
    Path tmp;

    @Test
    void serveAnswersOnLoopbackUntilStopped() throws Exception {
        Path runs = Files.createDirectories(tmp.resolve("runs"));
        Path data = ToyData.write(Files.createDirectories(tmp.resolve("toy")), 300, 60, 2);
        MainTest.Result trained = MainTest.run("train", "--dataset", data.toString(), "--hidden", "8", "--epochs", "1", "--val-size", "60",
                "--val-batches", "1", "--out", runs.resolve("toy-run").toString());
        assertThat(trained.code()).as(trained.err()).isZero();
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--add-modules", "jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve", "--runs", runs.toString(), "--port", "0");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
            String port = null;
            StringBuilder seen = new StringBuilder();
            for (String line; port == null && (line = out.readLine()) != null; ) {
                seen.append(line).append('\n');
                Matcher m = Pattern.compile("serving .* at http://127\\.0\\.0\\.1:(\\d+)/").matcher(line);
                if (m.find()) {
                    port = m.group(1);
                }
            }
            assertThat(port).as("the serving line, in: " + seen).isNotNull();
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/runs")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"id\":\"toy-run\"").contains("\"status\":\"completed\"");
        } finally {
            p.destroy(); // SIGTERM: the shutdown hook stops the server
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void badOptionsExitTwo() {
        MainTest.Result missing = MainTest.run("serve", "--runs", tmp.resolve("none").toString(), "--port", "0");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("no such directory");
        MainTest.Result port = MainTest.run("serve", "--runs", tmp.toString(), "--port", "70000");
        assertThat(port.code()).isEqualTo(2);
        assertThat(port.err()).contains("--port must be between 0 and 65535");
    }
}
