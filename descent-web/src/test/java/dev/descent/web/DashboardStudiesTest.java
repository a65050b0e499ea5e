package dev.descent.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.descent.tune.Direction;
import dev.descent.tune.Distribution;
import dev.descent.tune.RandomSampler;
import dev.descent.tune.SearchSpace;
import dev.descent.tune.Study;
import dev.descent.tune.StudyHeader;
import dev.descent.tune.Trial;
import dev.descent.tune.storage.JournalStorage;
import dev.descent.tune.storage.PgCluster;
import dev.descent.tune.storage.PostgresStorage;
import dev.descent.tune.storage.StudyStorage;

/** The dashboard shows a study from either storage: a journal under the runs directory, and a PostgreSQL database. */
class DashboardStudiesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path tmp;

    private static void fill(StudyStorage s, long seed, int trials) {
        SearchSpace space = SearchSpace.of(List.of(new SearchSpace.Param("x", new Distribution.FloatRange(-2, 2, false), null)));
        try (Study study = s.exists() ? Study.open(s, new RandomSampler(seed), null)
                : Study.create(s, StudyHeader.of(space, Direction.MINIMIZE), new RandomSampler(seed), null)) {
            for (int i = 0; i < trials; i++) {
                Trial t = study.ask();
                t.report(1, t.number("x"));
                study.tell(t, t.number("x") * t.number("x"));
            }
        }
    }

    private static JsonNode get(Dashboard d, String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port() + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Test
    void studiesFromAJournalAndADatabaseAreListedAndShown() throws Exception {
        Path runs = Files.createDirectories(tmp.resolve("runs"));
        fill(JournalStorage.inDirectory(runs.resolve("local-study")), 1, 5);
        PgCluster pg = PgCluster.shared();
        String db = pg.newDatabase();
        try (PostgresStorage s = PostgresStorage.open(pg.target(db), PgCluster.PASSWORD, "shared")) {
            fill(s, 2, 7);
        }
        try (Dashboard d = Dashboard.start(runs, "127.0.0.1", 0, new java.io.PrintWriter(System.err, true), List.of(pg.target(db)), PgCluster.PASSWORD)) {
            JsonNode list = get(d, "/api/studies");
            assertThat(list.findValuesAsText("id")).containsExactly("local-study", "postgresql:0:shared");
            assertThat(list.get(0).get("counts").get("complete").asInt()).isEqualTo(5);
            assertThat(list.get(1).get("counts").get("complete").asInt()).isEqualTo(7);
            JsonNode shared = get(d, "/api/study?id=postgresql:0:shared");
            JsonNode trials = shared.get("trials");
            assertThat(trials.get("number")).hasSize(7);
            assertThat(shared.get("directions").get(0).asText()).isEqualTo("minimize");
            assertThat(shared.get("runs").asBoolean()).isFalse();
            double best = Double.POSITIVE_INFINITY;
            for (int i = 0; i < 7; i++) {
                best = Math.min(best, trials.get("values").get(i).get(0).asDouble());
                // reported at step 1: the value of x, as the database holds it
                assertThat(trials.get("intermediate").get(i).get(0).get(1).asDouble()).isEqualTo(trials.get("params").get("x").get(i).asDouble());
            }
            assertThat(shared.get("best_values").get(0).asDouble()).isEqualTo(best);
            assertThat(get(d, "/api/study?id=local-study").get("trials").get("number")).hasSize(5);
            // A trial told after the page was built shows on the next request.
            try (PostgresStorage s = PostgresStorage.open(pg.target(db), PgCluster.PASSWORD, "shared")) {
                fill(s, 3, 1);
            }
            assertThat(get(d, "/api/study?id=postgresql:0:shared").get("trials").get("number")).hasSize(8);
            for (String bad : List.of("postgresql:1:shared", "postgresql:0:nope", "postgresql:x:shared", "other")) {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port() + "/api/study?id="
                        + java.net.URLEncoder.encode(bad, java.nio.charset.StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(bad).isEqualTo(404);
            }
        }
    }
}
