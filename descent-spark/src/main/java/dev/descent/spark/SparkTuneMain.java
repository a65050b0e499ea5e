package dev.descent.spark;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

import dev.descent.cli.Main;

/**
 * The spark-submit route: {@code spark-submit --master MASTER --class dev.descent.spark.SparkTuneMain
 * descent-spark.jar --workers N --storage URL --study NAME [tune options]} runs {@code descent tune
 * --spark MASTER …} with the master spark-submit chose.
 */
public final class SparkTuneMain {

    private SparkTuneMain() {
    }

    /** args: the options of {@code descent tune} (without {@code tune} and {@code --spark}). */
    public static void main(String[] args) {
        String master = System.getProperty("spark.master", "local[*]");
        List<String> argv = new ArrayList<>(List.of("tune", "--spark", master));
        argv.addAll(List.of(args));
        System.exit(Main.run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), argv.toArray(String[]::new)));
    }
}
