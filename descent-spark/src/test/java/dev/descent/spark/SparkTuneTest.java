package dev.descent.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.descent.cli.StudyWorkers;
import dev.descent.tune.TrialRecord;
import dev.descent.tune.storage.PgCluster;

/**
 * {@code descent tune --spark local[2] --workers 2}: one Spark job whose two tasks are workers of a
 * PostgreSQL study, beside a worker process "on another machine" that is killed mid-trial. The Spark
 * workers catch its silence, run its trial again once, and the study ends with exactly its trials.
 */
class SparkTuneTest {

    @TempDir
    Path tmp;

    @Test
    void twoSparkTasksAndAKilledOutsideWorkerRunExactlyTheStudysTrials() throws Exception {
        StudyWorkers w = new StudyWorkers(tmp);
        String db = w.pg().newDatabase();
        Process victim = w.worker(db, "spark", "victim", true, PgCluster.env(), StudyWorkers.RETRY);
        List<String> cmd = new ArrayList<>(StudyWorkers.descent("@" + Path.of("jvm.options").toAbsolutePath(), "-Xmx768m"));
        cmd.addAll(w.tune(db, "spark", "spark", StudyWorkers.RETRY));
        cmd.addAll(List.of("--spark", "local[2]", "--workers", "2"));
        Process spark = w.start(cmd, "spark", "spark", PgCluster.env());
        int cut = w.killMidTrial(db, "spark", victim);
        w.awaitSuccess(spark, "spark", "spark");
        String log = w.log("spark", "spark");
        assertThat(log).contains("spark: 2 workers as the tasks of one job on local[2]").contains("[worker 0] ").contains("[worker 1] ")
                .contains("spark: worker 0 on").contains("spark: worker 1 on");
        w.checkKilledTrialRanAgainOnce(db, "spark", cut, victim.pid());
        List<TrialRecord> all = w.trials(db, "spark");
        assertThat(all.stream().filter(t -> t.owner().pid() != victim.pid()).map(t -> t.owner().pid()).distinct())
                .as("every other trial ran in the Spark JVM").containsExactly(spark.pid());
        assertThat(Files.exists(tmp.resolve("spark").resolve("spark").resolve("trials"))).isTrue();
    }
}
