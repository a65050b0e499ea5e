package dev.descent.spark;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import dev.descent.cli.ClusterLauncher;

/**
 * Runs the workers of a shared study as the tasks of one Spark job: {@code N} tasks, each of which runs
 * {@code descent tune --storage … --study …} (the worker loop) in its executor, against the study's
 * storage, until the study's budget is spent. Spark only places the workers: the trials, their budget,
 * heartbeats and retries are the study's, kept in its storage, so a task that Spark retries after a
 * lost executor simply joins the study again.
 *
 * <p>With a {@code local[N]} master the tasks are threads of this JVM, and the driver binds to the
 * loopback interface only; with {@code spark://} or {@code k8s://} they run on the cluster's executors,
 * which receive this module's job jar ({@code spark.jars}) and {@code PGPASSWORD} (as
 * {@code spark.executorEnv.PGPASSWORD}, which Spark redacts in its UI and logs).
 */
public final class SparkWorkers implements ClusterLauncher {

    /** Found by {@link java.util.ServiceLoader}. */
    public SparkWorkers() {
    }

    @Override
    public int launch(String master, int workers, List<String> workerArgs, PrintWriter out) {
        SparkConf conf = new SparkConf().setMaster(master).setAppName("descent tune " + study(workerArgs));
        boolean local = master.startsWith("local");
        if (local) {
            conf.set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1").set("spark.ui.enabled", "false");
        } else {
            String pw = System.getenv("PGPASSWORD");
            if (pw != null && !pw.isEmpty()) {
                conf.set("spark.executorEnv.PGPASSWORD", pw);
            }
            if (!conf.contains("spark.jars")) {
                jobJar().ifPresent(j -> conf.set("spark.jars", j));
            }
            conf.setIfMissing("spark.executor.extraJavaOptions", "--add-modules=jdk.incubator.vector");
        }
        // A worker is one long task: a second copy of it would only be a second worker.
        conf.set("spark.speculation", "false");
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            sc.setLogLevel("WARN");
            int slots = sc.defaultParallelism();
            out.printf(Locale.ROOT, "spark: %d workers as the tasks of one job on %s (%d task slots)%s%n", workers, master, slots,
                    workers > slots ? "; the workers beyond the slots start as others finish, and find the budget spent" : "");
            out.flush();
            List<Integer> ids = IntStream.range(0, workers).boxed().toList();
            List<String> results = sc.parallelize(ids, workers).map(new WorkerTask(workerArgs)).collect();
            int code = 0;
            for (String r : results) {
                String[] f = r.split(" ", 3);
                int c = Integer.parseInt(f[1]);
                out.printf(Locale.ROOT, "spark: worker %s on %s exited with %d%n", f[0], f[2], c);
                code = Math.max(code, c);
            }
            return code;
        }
    }

    /** The --study argument, for the job's name. */
    private static String study(List<String> args) {
        for (int i = 0; i + 1 < args.size(); i++) {
            if (args.get(i).equals("--study")) {
                return args.get(i + 1);
            }
            if (args.get(i).startsWith("--study=")) {
                return args.get(i).substring("--study=".length());
            }
        }
        return "";
    }

    /** The jar this class was loaded from, when it is one (the job jar that executors need). */
    private static java.util.Optional<String> jobJar() {
        try {
            Path p = Path.of(SparkWorkers.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return p.toString().endsWith(".jar") ? java.util.Optional.of(p.toString()) : java.util.Optional.empty();
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }
}
