package dev.descent.tune.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A throw-away PostgreSQL server for the tests: Debian's {@code postgresql} binaries, {@code initdb} in
 * a temporary directory, the server on a free loopback port, and everything removed when the test JVM
 * ends. The server refuses to run as root, so when the tests run as root (as in CI) it runs as an
 * unprivileged system user ({@code postgres} where the package created it, else {@code nobody}) that
 * owns the directory. Logins need a password ({@value #PASSWORD}, by SCRAM), so that the tests go through
 * the same {@code PGPASSWORD} and {@code ~/.pgpass} paths as users do.
 *
 * <p>One server per test JVM ({@link #shared()}); each test takes a database of its own
 * ({@link #newDatabase()}). {@code DESCENT_PG_BIN} names another directory of PostgreSQL binaries.
 */
public final class PgCluster {

    /** The role the tests log in as. */
    public static final String USER = "descent";
    /** Its password. */
    public static final String PASSWORD = "descent-test-password";

    private static PgCluster shared;

    private final Path bin;
    private final Path dir;
    private final Path data;
    private final int port;
    private final String osUser;
    private final AtomicInteger databases = new AtomicInteger();

    private PgCluster(Path bin, Path dir, int port, String osUser) {
        this.bin = bin;
        this.dir = dir;
        this.data = dir.resolve("data");
        this.port = port;
        this.osUser = osUser;
    }

    /** The server of this JVM, started on first use. */
    public static synchronized PgCluster shared() {
        if (shared == null) {
            shared = start();
            PgCluster c = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(c::stop, "pg-cluster-stop"));
        }
        return shared;
    }

    /** The port it listens on (127.0.0.1). */
    public int port() {
        return port;
    }

    /** A new empty database; returns its name. */
    public String newDatabase() {
        String db = "t" + ProcessHandle.current().pid() + "_" + databases.incrementAndGet();
        try (Connection c = connect("postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + db);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + db + ": " + e.getMessage(), e);
        }
        return db;
    }

    /** The storage URL of database {@code db}, as users write it (no password). */
    public String url(String db) {
        return "postgresql://127.0.0.1:" + port + "/" + db + "?user=" + USER;
    }

    /** The target of database {@code db}. */
    public PostgresTarget target(String db) {
        return PostgresTarget.parse(url(db));
    }

    /** A JDBC connection to database {@code db}, for looking at the tables directly. */
    public Connection connect(String db) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", USER);
        p.setProperty("password", PASSWORD);
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + db, p);
    }

    /** The environment a child process needs to log in. */
    public static Map<String, String> env() {
        return Map.of("PGPASSWORD", PASSWORD);
    }

    private static PgCluster start() {
        Path bin = binaries();
        String osUser = isRoot() ? unprivilegedUser() : null;
        Path dir;
        try {
            dir = Files.createTempDirectory("descent-pg");
            Path pw = dir.resolve("pwfile");
            Files.writeString(pw, PASSWORD + "\n");
            if (osUser != null) {
                UserPrincipal owner = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(osUser);
                Files.setOwner(dir, owner);
                Files.setOwner(pw, owner);
            }
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the PostgreSQL test directory: " + e.getMessage(), e);
        }
        // Another test JVM may take a port between our probe and the server's bind: try a few.
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            PgCluster c = new PgCluster(bin, dir, freePort(), osUser);
            try {
                if (attempt == 0) {
                    c.run(List.of(bin.resolve("initdb").toString(), "-D", c.data.toString(), "-U", USER, "--pwfile", dir.resolve("pwfile").toString(),
                            "-A", "scram-sha-256", "-E", "UTF8", "--no-sync", "--locale=C"), 120);
                }
                c.run(List.of(bin.resolve("pg_ctl").toString(), "-D", c.data.toString(), "-l", dir.resolve("server.log").toString(), "-w", "-t", "60",
                        "-o", "-p " + c.port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200", "start"), 90);
                return c;
            } catch (IllegalStateException e) {
                last = e;
            }
        }
        throw last;
    }

    private void stop() {
        try {
            run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop"), 60);
        } catch (RuntimeException e) {
            System.err.println("could not stop the test PostgreSQL server: " + e.getMessage());
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("could not remove " + dir + ": " + e.getMessage());
        }
    }

    /** Runs a PostgreSQL program, as the unprivileged user when we are root. */
    private void run(List<String> cmd, int seconds) {
        List<String> full = new ArrayList<>();
        if (osUser != null) {
            full.addAll(List.of("runuser", "-u", osUser, "--"));
        }
        full.addAll(cmd);
        try {
            Path log = Files.createTempFile("descent-pg-cmd", ".log");
            try {
                Process p = new ProcessBuilder(full).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
                if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException(String.join(" ", full) + " did not finish in " + seconds + " s");
                }
                if (p.exitValue() != 0) {
                    String server = Files.exists(dir.resolve("server.log")) ? Files.readString(dir.resolve("server.log")) : "";
                    throw new IllegalStateException(String.join(" ", full) + " failed (" + p.exitValue() + "): " + Files.readString(log) + server);
                }
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Debian's newest PostgreSQL, or the directory {@code DESCENT_PG_BIN} names. */
    private static Path binaries() {
        String env = System.getenv("DESCENT_PG_BIN");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        Path root = Path.of("/usr/lib/postgresql");
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> Files.isExecutable(p.resolve("bin/initdb")))
                    .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString().replaceAll("\\D", "0"))))
                    .map(p -> p.resolve("bin"))
                    .orElseThrow(() -> new IllegalStateException("no PostgreSQL server binaries in " + root + ": install Debian's postgresql"));
        } catch (IOException e) {
            throw new IllegalStateException("no PostgreSQL server binaries (" + root + " is missing): install Debian's postgresql, or set DESCENT_PG_BIN");
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static String unprivilegedUser() {
        for (String u : List.of("postgres", "nobody")) {
            try {
                Path.of("/").getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(u);
                return u;
            } catch (IOException e) {
                // try the next
            }
        }
        throw new IllegalStateException("the tests run as root and there is no unprivileged user (postgres or nobody) to run PostgreSQL as");
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
