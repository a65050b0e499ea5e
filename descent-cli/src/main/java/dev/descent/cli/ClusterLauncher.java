package dev.descent.cli;

import java.io.PrintWriter;
import java.util.List;

/**
 * Places the workers of a shared study on a cluster. The Spark launcher ({@code descent-spark})
 * implements it and is found through {@link java.util.ServiceLoader}, so that the main jar holds no
 * cluster framework: {@code ./descent} puts that module on the class path when {@code --spark} is given.
 */
public interface ClusterLauncher {

    /**
     * Runs {@code workers} copies of {@code descent tune WORKER_ARGS} as the tasks of one job on
     * {@code master}, waits for them, and returns the exit code (0 when every worker succeeded).
     *
     * @param workerArgs the arguments after {@code tune}, with {@code --storage} and {@code --study}
     *                   and without {@code --spark} or {@code --workers}
     */
    int launch(String master, int workers, List<String> workerArgs, PrintWriter out);
}
