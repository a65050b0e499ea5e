package dev.descent.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class DashboardApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path tmp;
    static Dashboard server;

    @BeforeAll
    static void start() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("runs"));
        Runs.addSharpness(Runs.write(root, "adam-run", "adam", 1e-3, 200, true), 50, 1e-3);
        Runs.write(root, "study/trials/0003", "sgd", 0.1, 30, false);
        Files.writeString(tmp.resolve("secret.txt"), "root:x:0:0");
        Runs.write(tmp, "outside", "adam", 1e-3, 5, true);
        Files.createSymbolicLink(root.resolve("escape"), tmp.resolve("outside"));
        server = Dashboard.start(root, "127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode ok(String path) throws Exception {
        HttpResponse<String> r = get(path);
        assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static void error(String path, int status, String message) throws Exception {
        HttpResponse<String> r = get(path);
        assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/json");
        assertThat(JSON.readTree(r.body()).get("error").asText()).contains(message);
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("at dev.descent");
    }

    @Test
    void everyEndpointAnswers() throws Exception {
        JsonNode runs = ok("/api/runs");
        assertThat(runs.findValuesAsText("id")).containsExactlyInAnyOrder("adam-run", "study/trials/0003"); // the symlink out is not followed
        JsonNode run = ok("/api/run?id=adam-run");
        assertThat(run.get("config").get("optimizer").asText()).isEqualTo("adam");
        assertThat(run.get("status").asText()).isEqualTo("completed");
        assertThat(ok("/api/run?id=study/trials/0003").get("status").asText()).isEqualTo("running");
        JsonNode m = ok("/api/metrics?id=adam-run");
        assertThat(m.get("total").asInt()).isEqualTo(200);
        assertThat(m.get("rows").get(9).get(4).isNumber()).isTrue();
        assertThat(m.get("rows").get(0).get(4).isNull()).isTrue();
        assertThat(ok("/api/metrics?id=adam-run&since=190").get("rows")).hasSize(10);
        // The measurement columns of train --track-sharpness come with their names.
        assertThat(JSON.convertValue(m.get("columns"), String[].class))
                .containsExactly("step", "epoch", "train_loss", "train_acc", "val_loss", "val_acc", "sharpness", "two_over_lr");
        assertThat(m.get("rows").get(49).get(6).asDouble()).isPositive().isLessThan(2000);
        assertThat(m.get("rows").get(49).get(7).asDouble()).isEqualTo(2000.0);
        assertThat(m.get("rows").get(48).get(6).isNull()).isTrue();
        assertThat(ok("/api/metrics?id=study/trials/0003").get("columns")).hasSize(6);
        JsonNode rep = ok("/api/report?id=adam-run");
        assertThat(rep.get("confusion")).hasSize(10);
        assertThat(rep.get("per_class_accuracy")).hasSize(10);
        JsonNode pg = ok("/api/playground?fn=rosenbrock&steps=50&opt=adam:lr=0.05&opt=momentum:lr=0.001,momentum=0.9");
        assertThat(pg.get("z")).hasSize(Playground.GRID);
        assertThat(pg.get("trajectories")).hasSize(2);
        assertThat(pg.get("trajectories").get(0).get("x")).hasSize(51);
        assertThat(get("/").body()).contains("<table id=\"runs\"");
        assertThat(get("/webjars/chart.js/4.4.1/dist/chart.umd.js").statusCode()).isEqualTo(200);
    }

    /**
     * A long run's first view asks for about as many points as the chart has columns: M4 keeps each
     * column's first, last, lowest and highest train loss and accuracy, and every validation and
     * measurement row, in file order; {@code total} still counts every row, for the next poll's since.
     */
    @Test
    void metricsThinnedToAChartsColumnsKeepEachColumnsExtremesAndEveryValidation() throws Exception {
        JsonNode all = ok("/api/metrics?id=adam-run").get("rows");
        JsonNode m = ok("/api/metrics?id=adam-run&points=10");
        assertThat(m.get("thinned").asBoolean()).isTrue();
        assertThat(m.get("total").asInt()).isEqualTo(200);
        JsonNode rows = m.get("rows");
        assertThat(rows.size()).isLessThan(200).isLessThanOrEqualTo(2 * 5 * 10 + 20 + 4);
        java.util.List<Double> steps = new java.util.ArrayList<>();
        rows.forEach(r -> steps.add(r.get(0).asDouble()));
        assertThat(steps).isSorted().doesNotHaveDuplicates();
        java.util.Set<Double> kept = new java.util.HashSet<>(steps);
        double first = all.get(0).get(0).asDouble(), span = all.get(199).get(0).asDouble() - first;
        for (int col = 0; col < 10; col++) {
            for (int y : new int[] {2, 3}) {
                JsonNode lo = null, hi = null;
                for (JsonNode r : all) {
                    int c = (int) Math.min(9, (r.get(0).asDouble() - first) / span * 10);
                    if (c == col && (lo == null || r.get(y).asDouble() < lo.get(y).asDouble())) {
                        lo = r;
                    }
                    if (c == col && (hi == null || r.get(y).asDouble() > hi.get(y).asDouble())) {
                        hi = r;
                    }
                }
                assertThat(kept).as("column %d, field %d", col, y).contains(lo.get(0).asDouble(), hi.get(0).asDouble());
            }
        }
        for (JsonNode r : all) {
            if (!r.get(4).isNull() || !r.get(6).isNull()) {
                assertThat(kept).as("validation or measurement row at step %s", r.get(0)).contains(r.get(0).asDouble());
            }
        }
        assertThat(kept).contains(all.get(0).get(0).asDouble(), all.get(199).get(0).asDouble());
        // Few rows for the columns asked: every row.
        JsonNode whole = ok("/api/metrics?id=adam-run&points=50");
        assertThat(whole.get("thinned").asBoolean()).isFalse();
        assertThat(whole.get("rows")).isEqualTo(all);
        // An overlay of runs draws their validation curves alone.
        JsonNode val = ok("/api/metrics?id=adam-run&validation_only=true").get("rows");
        assertThat(val).hasSize(20).allSatisfy(r -> assertThat(r.get(4).isNumber()).isTrue());
        assertThat(ok("/api/metrics?id=adam-run&since=150&validation_only=true").get("rows")).hasSize(5);
    }

    @Test
    void pathTraversalNeverReachesAFileOutsideTheRuns() throws Exception {
        for (String id : new String[] {"../outside", "..%2Foutside", "../../etc/passwd", "study/../../outside", "/etc", "%2Fetc", "adam-run/..", "..\\outside"}) {
            HttpResponse<String> r = get("/api/run?id=" + id.replace("\\", "%5C"));
            assertThat(r.statusCode()).as(id).isBetween(400, 404);
            assertThat(r.body()).as(id).doesNotContain("root:x").doesNotContain("\"config\"");
        }
        // A symbolic link inside the runs directory that points outside it is not followed.
        error("/api/run?id=escape", 404, "no run 'escape'");
        // Static files: raw, un-normalised request lines.
        for (String target : new String[] {"/../secret.txt", "/..%2fsecret.txt", "/%2e%2e/secret.txt", "/webjars/../../secret.txt"}) {
            String response = raw("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(response).as(target).doesNotContain("root:x").matches("(?s)HTTP/1.1 4\\d\\d.*");
        }
    }

    @Test
    void badRequestsGetJsonErrors() throws Exception {
        error("/api/run", 400, "missing query parameter 'id'");
        error("/api/run?id=nope", 404, "no run 'nope'");
        error("/api/metrics?id=adam-run&since=-1", 400, "since must be >= 0");
        error("/api/metrics?id=adam-run&since=abc", 400, "since must be a whole number");
        error("/api/metrics?id=adam-run&points=-5", 400, "points must be >= 0");
        error("/api/metrics?id=adam-run&points=wide", 400, "points must be a whole number");
        error("/api/metrics?id=adam-run&points=100001", 400, "points must be <= 100000");
        error("/api/metrics?id=adam-run&validation_only=yes", 400, "validation_only must be true or false");
        error("/api/report?id=study/trials/0003", 404, "has no report yet");
        error("/api/playground?fn=sphere", 400, "unknown function 'sphere'");
        error("/api/playground?kappa=0.5", 400, "condition number must be >= 1");
        error("/api/playground?kappa=NaN", 400, "kappa must be a finite number");
        error("/api/playground?steps=100000", 400, "steps must be between 1 and");
        error("/api/playground?opt=sgdx:lr=1", 400, "unknown optimizer 'sgdx'");
        error("/api/playground?opt=adam:lr=-1", 400, "optimizer 'adam:lr=-1'");
        error("/api/playground?opt=adam:foo=1", 400, "unknown knob 'foo'");
        error("/api/nothing", 404, "not found");
        HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/runs"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isBetween(400, 499);
        assertThat(post.body()).contains("\"error\"");
    }

    @Test
    void aMissingRunsDirectoryIsRefused() {
        assertThatThrownBy(() -> Dashboard.start(tmp.resolve("none"), "127.0.0.1", 0)).hasMessageContaining("no such directory");
    }

    private static String raw(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            OutputStream o = s.getOutputStream();
            o.write(request.getBytes(StandardCharsets.US_ASCII));
            o.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
