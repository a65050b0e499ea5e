package dev.descent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.descent.tune.storage.PgCluster;

/** {@code descent study} on a study in PostgreSQL, and {@code study copy} between a directory and a database, both ways. */
class StudyDatabaseTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static JsonNode json(MainTest.Result r) throws IOException {
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().strip().lines()).hasSize(1);
        return JSON.readTree(r.out());
    }

    @Test
    void aStudyInADatabaseIsDrivenAsADirectoryIsAndCopiedThereAndBack() throws IOException {
        PgCluster pg = PgCluster.shared();
        String url = pg.url(pg.newDatabase());
        JsonNode created = json(MainTest.run("study", "create", url, "--study", "remote", "--param", "x=float:-5..5", "--sampler", "random", "--seed", "1"));
        assertThat(created.get("study").asText()).isEqualTo("study 'remote' in " + url.replace("127.0.0.1/", "127.0.0.1:"));
        for (int i = 0; i < 3; i++) {
            JsonNode a = json(MainTest.run("study", "ask", url, "--study", "remote"));
            double x = a.get("params").get("x").asDouble();
            json(MainTest.run("study", "report", url, "--study", "remote", "--trial", a.get("number").asText(), "--step", "1", "--value", String.valueOf(x)));
            json(MainTest.run("study", "tell", url, "--study", "remote", "--trial", a.get("number").asText(), "--value", String.valueOf(x * x)));
        }
        JsonNode shown = json(MainTest.run("study", "show", url, "--study", "remote"));
        assertThat(shown.get("trials").get("complete").asInt()).isEqualTo(3);

        // Database -> directory -> database under another name: the same study each time.
        Path dir = tmp.resolve("local");
        JsonNode down = json(MainTest.run("study", "copy", url, dir.toString(), "--study", "remote"));
        assertThat(down.get("trials").asInt()).isEqualTo(3);
        assertThat(down.get("complete").asInt()).isEqualTo(3);
        JsonNode up = json(MainTest.run("study", "copy", dir.toString(), url, "--to-study", "back"));
        assertThat(up.get("to").asText()).contains("study 'back'");
        JsonNode again = json(MainTest.run("study", "show", url, "--study", "back"));
        assertThat(again.get("best")).isEqualTo(shown.get("best"));
        assertThat(json(MainTest.run("study", "show", dir.toString())).get("best")).isEqualTo(shown.get("best"));

        // The copy goes on as a study: a new trial in the directory.
        assertThat(json(MainTest.run("study", "ask", dir.toString())).get("number").asInt()).isEqualTo(3);

        MainTest.Result twice = MainTest.run("study", "copy", dir.toString(), url, "--to-study", "back");
        assertThat(twice.code()).isEqualTo(2);
        assertThat(twice.err()).contains("already holds a study");
    }

    @Test
    void badStorageArgumentsAreOneLineEach() {
        MainTest.Result pw = MainTest.run("study", "show", "postgresql://me:secret@127.0.0.1/db", "--study", "s");
        assertThat(pw.code()).isEqualTo(2);
        assertThat(pw.err().strip()).startsWith("descent: STUDY: a password does not belong in the storage URL").doesNotContain("secret").hasLineCount(1);
        MainTest.Result noName = MainTest.run("tune", "--storage", "postgresql://127.0.0.1/db?user=me", "--param", "lr=log:1e-3..0.1");
        assertThat(noName.code()).isEqualTo(2);
        assertThat(noName.err()).contains("name one with --study NAME");
        MainTest.Result down = MainTest.run("study", "show", "postgresql://127.0.0.1:1/db?user=me", "--study", "s");
        assertThat(down.code()).isEqualTo(2);
        assertThat(down.err().strip()).startsWith("descent: cannot connect to postgresql://127.0.0.1:1/db?user=me").hasLineCount(1);
        MainTest.Result spark = MainTest.run("tune", "--spark", "local[2]", "--param", "lr=log:1e-3..0.1");
        assertThat(spark.code()).isEqualTo(2);
        assertThat(spark.err()).contains("--spark runs workers of a shared study");
        MainTest.Result noLauncher = MainTest.run("tune", "--spark", "local[2]", "--storage", "postgresql://127.0.0.1/db?user=me", "--study", "s");
        assertThat(noLauncher.code()).isEqualTo(2);
        assertThat(noLauncher.err()).contains("the Spark launcher (module descent-spark) is not on the class path");
    }
}
