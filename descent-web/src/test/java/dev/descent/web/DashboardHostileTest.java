package dev.descent.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Bad neighbours in a runs directory: a run whose files are damaged, or that links out of the runs
 * directory, is listed as {@code unreadable} with the reason while every other run still shows; no
 * file outside the root is read; an internal error is a 500 with an id that the log repeats.
 */
class DashboardHostileTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path tmp;
    static Dashboard server;

    @BeforeAll
    static void start() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("runs"));
        Runs.write(root, "good", "adam", 1e-3, 20, true);
        Path bad = Runs.write(root, "bad-json", "sgd", 0.1, 20, true);
        Files.writeString(bad.resolve("config.json"), "{\"optimizer\": \"sgd\", oops");
        Path badSummary = Runs.write(root, "bad-summary", "sgd", 0.1, 20, true);
        Files.writeString(badSummary.resolve("summary.json"), "[1, 2");
        Path deep = Runs.write(root, "deep", "sgd", 0.1, 20, false);
        Files.writeString(deep.resolve("config.json"), "[".repeat(10_000) + "]".repeat(10_000));
        Path dir = Runs.write(root, "summary-dir", "sgd", 0.1, 20, false);
        Files.createDirectories(dir.resolve("summary.json"));

        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret.json"), "{\"optimizer\":\"SECRET\",\"lr\":1}");
        Files.writeString(outside.resolve("secret.csv"), "step,epoch,train_loss,train_acc,val_loss,val_acc\n1,1,4242,0.5,,\n");
        Path linkedConfig = Files.createDirectories(root.resolve("linked-config"));
        Files.createSymbolicLink(linkedConfig.resolve("config.json"), outside.resolve("secret.json"));
        Path linkedMetrics = Runs.write(root, "linked-metrics", "adam", 1e-3, 5, false);
        Files.delete(linkedMetrics.resolve("metrics.csv"));
        Files.createSymbolicLink(linkedMetrics.resolve("metrics.csv"), outside.resolve("secret.csv"));
        Path linkedSummary = Runs.write(root, "linked-summary", "adam", 1e-3, 5, false);
        Files.createSymbolicLink(linkedSummary.resolve("summary.json"), outside.resolve("secret.json"));
        Path longLine = Runs.write(root, "long-line", "adam", 1e-3, 5, false);
        Files.writeString(longLine.resolve("metrics.csv"), "step,epoch,train_loss,train_acc,val_loss,val_acc\n1,1,0.5,0.5,,\n" + "9".repeat(1_000_000) + "\n2,1,0.4,0.6,,\n");
        server = Dashboard.start(root, "127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> get(Dashboard d, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void unreadableRunsAreListedWithTheirReasonAndTheOthersStillShow() throws Exception {
        HttpResponse<String> r = get(server, "/api/runs");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).doesNotContain("SECRET").doesNotContain(tmp.toString());
        JsonNode runs = JSON.readTree(r.body());
        assertThat(runs.findValuesAsText("id")).containsExactlyInAnyOrder("good", "bad-json", "bad-summary", "deep", "summary-dir", "linked-config",
                "linked-metrics", "linked-summary", "long-line");
        for (JsonNode run : runs) {
            String id = run.get("id").asText();
            switch (id) {
                case "good", "long-line" -> assertThat(run.get("status").asText()).as(id).isNotEqualTo("unreadable");
                default -> {
                    assertThat(run.get("status").asText()).as(id).isEqualTo("unreadable");
                    assertThat(run.get("error").asText()).as(id).contains(id + "/");
                }
            }
        }
        assertThat(errorOf(runs, "bad-json")).contains("bad-json/config.json: not valid JSON");
        assertThat(errorOf(runs, "bad-summary")).contains("bad-summary/summary.json: not valid JSON");
        assertThat(errorOf(runs, "deep")).contains("deep/config.json: not valid JSON");
        assertThat(errorOf(runs, "summary-dir")).contains("summary-dir/summary.json");
        assertThat(errorOf(runs, "linked-config")).contains("linked-config/config.json leads outside the runs directory");
        assertThat(errorOf(runs, "linked-summary")).contains("linked-summary/summary.json leads outside the runs directory");
        assertThat(errorOf(runs, "linked-metrics")).contains("linked-metrics/metrics.csv leads outside the runs directory");
    }

    private static String errorOf(JsonNode runs, String id) {
        for (JsonNode r : runs) {
            if (r.get("id").asText().equals(id)) {
                return r.get("error").asText();
            }
        }
        throw new AssertionError("no run " + id);
    }

    @Test
    void aFileLinkedFromOutsideIsNeverRead() throws Exception {
        HttpResponse<String> m = get(server, "/api/metrics?id=linked-metrics");
        assertThat(m.statusCode()).as(m.body()).isEqualTo(422);
        assertThat(JSON.readTree(m.body()).get("error").asText()).contains("linked-metrics/metrics.csv leads outside the runs directory");
        assertThat(m.body()).doesNotContain("4242");
        HttpResponse<String> run = get(server, "/api/run?id=linked-config");
        assertThat(run.statusCode()).isEqualTo(200);
        assertThat(run.body()).doesNotContain("SECRET").contains("\"status\":\"unreadable\"");
        HttpResponse<String> report = get(server, "/api/report?id=linked-summary");
        assertThat(report.statusCode()).isEqualTo(422);
        assertThat(report.body()).doesNotContain("SECRET");
    }

    @Test
    void aMetricsLineLongerThanAnyRowEndsTheRows() throws Exception {
        JsonNode m = JSON.readTree(get(server, "/api/metrics?id=long-line").body());
        assertThat(m.get("total").asInt()).isEqualTo(1);
    }

    @Test
    void anInternalErrorIsA500WithAnIdTheLogRepeats() throws Exception {
        StringWriter log = new StringWriter();
        RunStore failing = new RunStore(tmp.resolve("runs")) {
            @Override
            List<com.fasterxml.jackson.databind.node.ObjectNode> list() {
                throw new IllegalStateException("a bug in the listing");
            }
        };
        try (Dashboard d = Dashboard.start(failing, "127.0.0.1", 0, new PrintWriter(log, true))) {
            HttpResponse<String> r = get(d, "/api/runs");
            assertThat(r.statusCode()).isEqualTo(500);
            assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/json");
            JsonNode body = JSON.readTree(r.body());
            String id = body.get("id").asText();
            assertThat(id).matches("[0-9a-f]{8}");
            assertThat(body.get("error").asText()).contains(id);
            assertThat(r.body()).doesNotContain("IllegalStateException").doesNotContain("a bug");
            assertThat(log.toString()).contains("internal error " + id + " on GET /api/runs").contains("a bug in the listing").contains("at dev.descent.web");
        }
    }
}
