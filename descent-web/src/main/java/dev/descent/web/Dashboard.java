package dev.descent.web;

import java.nio.file.Path;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;

/**
 * {@code descent serve}: a Javalin server with a JSON API over the run directories under one root,
 * and the pages that use it (runs table, run page with live curves, overlay, optimizer playground).
 *
 * <pre>
 * GET /api/runs                          every run: optimizer, lr, batch, epochs, test accuracy, time, status
 * GET /api/run?id=RUN                    config.json, summary.json and status
 * GET /api/metrics?id=RUN&amp;since=N        the rows of metrics.csv after the first N (total: how many it has);
 *     &amp;points=P                          when more than 4P: M4 thinning of the train loss and of the train accuracy over
 *                                        P columns (at most five rows a column each; 100,000 steps at P = 1,280 kept
 *                                        6,164), every validation and measurement row kept (0: every row);
 *     &amp;validation_only=true              only the rows with a validation loss
 * GET /api/report?id=RUN                 per-class accuracy and confusion matrix of the test set
 * GET /api/studies                       every study (a directory with a journal) under the root, the root included,
 *                                        and every study of the databases given (id postgresql:I:NAME)
 * GET /api/study?id=STUDY                a study's trials column by column, its Pareto front and parameter importance
 * GET /api/playground?fn=&amp;kappa=&amp;steps=&amp;x0=&amp;y0=&amp;opt=adam:lr=0.1&amp;opt=…
 * </pre>
 * Errors are JSON {@code {"error": "…"}} with a 4xx status (422 for a run whose files cannot be read),
 * or a 500 {@code {"error": "internal error ID …", "id": "ID"}} whose id the server's log repeats
 * with the stack trace. Nothing outside the runs directory is served, links out of it included.
 * A study's journal is only ever read: the dashboard takes no lock and repairs nothing.
 */
public final class Dashboard implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Javalin app;
    private final RunStore runs;
    private final StudyStore studies;

    private Dashboard(Javalin app, RunStore runs, StudyStore studies) {
        this.app = app;
        this.runs = runs;
        this.studies = studies;
    }

    /**
     * Starts the server on {@code host}:{@code port} (0 for any free port).
     *
     * @throws dev.descent.io.InputException if the runs directory does not exist or the port cannot be bound
     */
    public static Dashboard start(Path runsDir, String host, int port) {
        return start(runsDir, host, port, new java.io.PrintWriter(System.err, true));
    }

    /**
     * Starts the server; internal errors are logged to {@code log} with the id their 500 answer carries.
     *
     * @throws dev.descent.io.InputException if the runs directory does not exist or the port cannot be bound
     */
    public static Dashboard start(Path runsDir, String host, int port, java.io.PrintWriter log) {
        return start(runsDir, host, port, log, java.util.List.of(), null);
    }

    /**
     * Starts the server, showing the studies of {@code databases} beside those under the runs
     * directory; internal errors are logged to {@code log} with the id their 500 answer carries.
     *
     * @param password the databases' password, or null for the driver's {@code ~/.pgpass}
     * @throws dev.descent.io.InputException if the runs directory does not exist or the port cannot be bound
     */
    public static Dashboard start(Path runsDir, String host, int port, java.io.PrintWriter log,
                                  java.util.List<dev.descent.tune.storage.PostgresTarget> databases, String password) {
        if (!java.nio.file.Files.isDirectory(runsDir)) {
            throw new dev.descent.io.InputException("--runs " + runsDir + ": no such directory");
        }
        RunStore store = new RunStore(runsDir);
        return start(store, new StudyStore(store.root(), databases.stream().map(d -> new StudyStore.Database(d, password)).toList()), host, port, log);
    }

    /** Starts the server over {@code store} (tests give a store that fails on purpose). */
    static Dashboard start(RunStore store, String host, int port, java.io.PrintWriter log) {
        return start(store, new StudyStore(store.root()), host, port, log);
    }

    private static Dashboard start(RunStore store, StudyStore studies, String host, int port, java.io.PrintWriter log) {
        Javalin app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.staticFiles.add("/public", Location.CLASSPATH);
            cfg.staticFiles.enableWebjars();
        });
        app.get("/api/runs", ctx -> json(ctx, store.list()));
        app.get("/api/run", ctx -> json(ctx, store.run(ctx.queryParam("id"))));
        app.get("/api/metrics", ctx -> json(ctx, store.metrics(ctx.queryParam("id"), since(ctx.queryParam("since")),
                points(ctx.queryParam("points")), validationOnly(ctx.queryParam("validation_only")))));
        app.get("/api/report", ctx -> json(ctx, store.report(ctx.queryParam("id"))));
        app.get("/api/studies", ctx -> json(ctx, studies.list()));
        app.get("/api/study", ctx -> json(ctx, studies.study(ctx.queryParam("id"))));
        app.get("/api/playground", ctx -> json(ctx, Playground.compute(ctx.queryParamMap())));
        app.exception(BadRequest.class, (e, ctx) -> error(ctx, e.status, e.getMessage()));
        app.exception(dev.descent.io.InputException.class, (e, ctx) -> error(ctx, 422, e.getMessage()));
        app.exception(Exception.class, (e, ctx) -> {
            String id = java.util.UUID.randomUUID().toString().substring(0, 8);
            synchronized (log) {
                log.println("descent serve: internal error " + id + " on " + ctx.method() + " " + ctx.path()
                        + (ctx.queryString() == null ? "" : "?" + ctx.queryString()) + ": " + e);
                e.printStackTrace(log);
                log.flush();
            }
            error(ctx, 500, "internal error " + id + " (the server's log has the details)", id);
        });
        app.error(404, ctx -> {
            String body = ctx.result();
            if (body == null || !body.startsWith("{")) { // not already a JSON error of ours
                error(ctx, 404, "not found: " + ctx.path());
            }
        });
        app.error(405, ctx -> error(ctx, 405, "method not allowed: " + ctx.method()));
        try {
            app.start(host, port);
        } catch (RuntimeException e) {
            throw new dev.descent.io.InputException("cannot listen on " + host + ":" + port + " (" + e.getMessage() + ")", e);
        }
        // Read the studies once in the background, so that the first study page is served from memory.
        Thread warm = new Thread(() -> {
            try {
                studies.list();
            } catch (RuntimeException e) {
                // the page shows the error when it is opened
            }
        }, "descent-serve-studies");
        warm.setDaemon(true);
        warm.start();
        return new Dashboard(app, store, studies);
    }

    private static int since(String s) {
        return wholeNumber("since", s, 0);
    }

    /** The columns of M4 thinning a client asks for: 0 (every row) to {@value #MAX_POINTS}. */
    private static int points(String s) {
        int v = wholeNumber("points", s, 0);
        if (v > MAX_POINTS) {
            throw BadRequest.invalid("points must be <= " + MAX_POINTS + " (0 for every row), got " + v);
        }
        return v;
    }

    /** A chart wider than this many pixels is not one a page draws; more columns would thin nothing. */
    private static final int MAX_POINTS = 100_000;

    private static int wholeNumber(String name, String s, int absent) {
        if (s == null) {
            return absent;
        }
        try {
            int v = Integer.parseInt(s);
            if (v < 0) {
                throw BadRequest.invalid(name + " must be >= 0, got " + v);
            }
            return v;
        } catch (NumberFormatException e) {
            throw BadRequest.invalid(name + " must be a whole number, got '" + s + "'");
        }
    }

    private static boolean validationOnly(String s) {
        if (s == null || s.equals("false")) {
            return false;
        }
        if (s.equals("true")) {
            return true;
        }
        throw BadRequest.invalid("validation_only must be true or false, got '" + s + "'");
    }

    private static void json(Context ctx, Object body) throws Exception {
        ctx.contentType("application/json").result(JSON.writeValueAsString(body));
    }

    private static void error(Context ctx, int status, String message) {
        error(ctx, status, message, null);
    }

    private static void error(Context ctx, int status, String message, String id) {
        ctx.status(status).contentType("application/json");
        try {
            ctx.result(JSON.writeValueAsString(id == null ? Map.of("error", message) : Map.of("error", message, "id", id)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            ctx.result("{\"error\":\"internal error\"}");
        }
    }

    /** The port the server listens on. */
    public int port() {
        return app.port();
    }

    /** The runs directory served. */
    public Path runs() {
        return runs.root();
    }

    @Override
    public void close() {
        app.stop();
        studies.close();
    }
}
