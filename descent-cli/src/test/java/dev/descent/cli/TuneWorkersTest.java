package dev.descent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.descent.tune.TrialRecord;
import dev.descent.tune.storage.PgCluster;

/** Worker processes of one study in a real PostgreSQL database (see {@link StudyWorkers}). */
class TuneWorkersTest {

    @TempDir
    static Path tmp;
    static StudyWorkers w;

    @BeforeAll
    static void setUp() throws Exception {
        w = new StudyWorkers(tmp);
    }

    @Test
    void fourWorkerProcessesRunExactlyTheStudysTrialsBetweenThem() throws Exception {
        String db = w.pg().newDatabase();
        Path pgpass = tmp.resolve("pgpass");
        Files.writeString(pgpass, "127.0.0.1:" + w.pg().port() + ":*:" + PgCluster.USER + ":" + PgCluster.PASSWORD + "\n");
        Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-------"));
        List<Process> ps = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            // The last worker finds its password in a password file, as ~/.pgpass gives it, not in PGPASSWORD.
            Map<String, String> env = i == 3 ? Map.of("PGPASSWORD", "", "PGPASSFILE", pgpass.toString()) : PgCluster.env();
            ps.add(w.worker(db, "four", "w" + i, false, env));
        }
        StringBuilder logs = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            w.awaitSuccess(ps.get(i), "four", "w" + i);
            logs.append(w.log("four", "w" + i));
        }
        List<TrialRecord> all = w.checkAllTrialsRanOnce(db, "four");
        assertThat(all.stream().map(t -> t.owner().pid()).distinct().count()).as("workers that ran trials").isGreaterThanOrEqualTo(2);
        assertThat(logs.toString()).as("exactly one worker created the study").containsOnlyOnce("created study 'four'");
    }

    @Test
    void aWorkerKilledMidTrialIsCaughtByItsSilenceAndItsTrialRunsAgainOnce() throws Exception {
        String db = w.pg().newDatabase();
        Process victim = w.worker(db, "kill", "victim", true, PgCluster.env(), StudyWorkers.RETRY);
        List<Process> others = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            others.add(w.worker(db, "kill", "w" + i, false, PgCluster.env(), StudyWorkers.RETRY));
        }
        int cut = w.killMidTrial(db, "kill", victim);
        for (int i = 0; i < 3; i++) {
            w.awaitSuccess(others.get(i), "kill", "w" + i);
        }
        w.checkKilledTrialRanAgainOnce(db, "kill", cut, victim.pid());
    }
}
