package dev.descent.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.ServiceLoader;

import dev.descent.tune.storage.PostgresTarget;

/** {@code descent tune --spark MASTER --workers N}: hands the workers to the cluster launcher. */
final class SparkTune {

    private SparkTune() {
    }

    static int launch(TuneCommand tune, List<String> original, PrintWriter out) {
        if (tune.storage == null) {
            throw new BadInputException("--spark runs workers of a shared study: give --storage postgresql://HOST/DB?user=NAME and --study NAME");
        }
        if (tune.workers < 1) {
            throw new BadInputException("--workers must be >= 1, got " + tune.workers);
        }
        boolean local = tune.spark.startsWith("local");
        if (!local && !PostgresTarget.isUrl(tune.storage)) {
            throw new BadInputException("--spark " + tune.spark + " places workers on other machines, which cannot share a study directory: "
                    + "give --storage a postgresql:// URL");
        }
        StudyLocation.parse(tune.storage, tune.study, "--storage"); // checks the URL and the name before the cluster starts
        tune.heartbeat();
        List<String> workerArgs = Argv.forRun(original, "tune", "--spark", "--workers");
        ClusterLauncher launcher = ServiceLoader.load(ClusterLauncher.class).findFirst()
                .orElseThrow(() -> new BadInputException("--spark: the Spark launcher (module descent-spark) is not on the class path; "
                        + "run through ./descent, which adds it when --spark is given (docs/SCALE-OUT.md shows the spark-submit route)"));
        return launcher.launch(tune.spark, tune.workers, workerArgs, out);
    }
}
