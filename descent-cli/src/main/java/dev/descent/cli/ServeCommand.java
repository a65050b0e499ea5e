package dev.descent.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import dev.descent.web.Dashboard;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code descent serve}: the web dashboard over a runs directory (or one study's directory), until Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true, abbreviateSynopsis = true, sortOptions = false,
        description = {"The dashboard: a table of runs, live curves, overlays, per-class reports, the studies (journals and --storage databases) and their pages, and the optimizer playground.",
                "Given a study's directory (descent serve runs/my-study), it opens that study's page.",
                "Serves only the runs directory (and the studies of --storage databases), on the loopback interface unless --host says otherwise."})
public final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--runs", defaultValue = "runs", paramLabel = "DIR", description = "the runs directory (default: ${DEFAULT-VALUE})")
    Path runs;

    @picocli.CommandLine.Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "a runs or study directory to serve (instead of --runs)")
    Path dir;

    @Option(names = "--storage", paramLabel = "URL",
            description = "also show the studies of this postgresql://HOST[:PORT]/DB?user=NAME database (password from PGPASSWORD or ~/.pgpass); repeatable")
    java.util.List<String> storage = new java.util.ArrayList<>();

    @Option(names = "--port", defaultValue = "8080", paramLabel = "PORT", description = "TCP port; 0 for any free one (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDR", description = "address to bind (default: ${DEFAULT-VALUE})")
    String host;

    @Override
    public Integer call() throws InterruptedException {
        if (port < 0 || port > 65535) {
            throw new BadInputException("--port must be between 0 and 65535, got " + port);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (dir != null) {
            runs = dir;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        java.util.List<dev.descent.tune.storage.PostgresTarget> dbs = new java.util.ArrayList<>();
        for (String url : storage) {
            try {
                dbs.add(dev.descent.tune.storage.PostgresTarget.parse(url));
            } catch (dev.descent.io.InputException e) {
                throw new BadInputException("--storage: " + e.getMessage());
            }
        }
        Dashboard d = Dashboard.start(runs, host, port, spec.commandLine().getErr(), dbs, System.getenv("PGPASSWORD"));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            d.close();
            stopped.countDown();
        }, "descent-serve-stop"));
        out.printf("serving %s at http://%s:%d/ (Ctrl-C to stop)%n", runs, host.contains(":") ? "[" + host + "]" : host, d.port());
        out.flush();
        stopped.await();
        return 0;
    }
}
