package dev.descent.tune.storage;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.descent.io.FormatException;
import dev.descent.io.InputException;
import dev.descent.tune.Distribution;
import dev.descent.tune.StudyHeader;
import dev.descent.tune.TrialRecord;
import dev.descent.tune.TrialState;

/**
 * A study in a PostgreSQL database, shared by any number of workers on any number of machines
 * (Optuna's {@code RDBStorage}), over JDBC. Several studies live in one database, by name.
 *
 * <p>The study is a log of {@link StudyEvent events} in table {@code descent_events}, numbered per
 * study, written in the journal's JSON form ({@link JournalCodec}; as {@code json}, not {@code jsonb},
 * which would reorder a search space's parameters) and replayed through the same
 * {@link StudyModel} rules as the journal. A change is one transaction that first locks the study's
 * row ({@code SELECT … FOR UPDATE}), reads the events others committed since, checks the change
 * against them, appends it and commits: changes to one study are serialised by that row lock, so a
 * trial number is never given twice, a waiting trial is taken once, and a decision sees every trial
 * committed before it. Because a change's event number is taken under the lock and committed before the
 * lock is released, a reader that takes no lock always sees a prefix of the log, and reads only the
 * events after the last one it has (so a pruner's read of the other trials' intermediate values costs
 * one query for what is new).
 *
 * <p>Heartbeats are rows of {@code descent_heartbeats}, one per trial, updated in place outside the
 * log, and judged by the database server's clock ({@code now()}), so the workers' clocks need not
 * agree.
 *
 * <p>The schema is created on first use (under an advisory lock, so workers starting together create
 * it once) and its version kept in {@code descent_schema_version}; a database whose schema is newer
 * than this program's is refused. The connection is opened at {@link #open} and kept; a lost
 * connection is opened again on the next call. Calls are serialised on the instance (a JDBC
 * connection serves one thread at a time).
 */
public final class PostgresStorage implements StudyStorage {

    /** The version of the tables this program writes and reads. */
    public static final int SCHEMA_VERSION = 1;
    /** The key of the advisory lock under which the schema is created (the bytes of "descent"). */
    private static final long SCHEMA_LOCK = 0x64657363656e74L;
    private static final int MAX_NAME = 200;

    private static final String[] SCHEMA = {
            """
            CREATE TABLE descent_schema_version (
              version integer NOT NULL,
              installed timestamptz NOT NULL DEFAULT now())""",
            """
            CREATE TABLE descent_studies (
              id bigserial PRIMARY KEY,
              name text NOT NULL UNIQUE,
              header json NOT NULL,
              last_seq bigint NOT NULL DEFAULT 0,
              created timestamptz NOT NULL DEFAULT now())""",
            """
            CREATE TABLE descent_events (
              study_id bigint NOT NULL REFERENCES descent_studies (id) ON DELETE CASCADE,
              seq bigint NOT NULL,
              trial integer NOT NULL,
              op text NOT NULL,
              event json NOT NULL,
              recorded timestamptz NOT NULL DEFAULT now(),
              PRIMARY KEY (study_id, seq))""",
            """
            CREATE TABLE descent_heartbeats (
              study_id bigint NOT NULL REFERENCES descent_studies (id) ON DELETE CASCADE,
              trial integer NOT NULL,
              beat timestamptz NOT NULL,
              timeout_ms bigint NOT NULL,
              PRIMARY KEY (study_id, trial))""",
    };

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PostgresTarget target;
    private final String password;
    private final String name;
    private Connection connection;
    private long studyId = -1;
    private StudyModel model;
    private long seq;

    private PostgresStorage(PostgresTarget target, String password, String name) {
        this.target = target;
        this.password = password;
        this.name = name;
    }

    /**
     * Connects to the database at {@code target} (creating the tables on first use) for the study
     * called {@code study}, which need not exist yet.
     *
     * @param password the password, or null to let the driver look in {@code ~/.pgpass} (or the file
     *                 {@code PGPASSFILE} names), as libpq does; the command line passes {@code PGPASSWORD}
     * @throws InputException if the study name is empty or too long, the server cannot be
     *                                  reached or refuses the login, or its schema is newer than this program's
     */
    public static PostgresStorage open(PostgresTarget target, String password, String study) {
        if (study == null || study.isBlank() || study.length() > MAX_NAME || study.chars().anyMatch(Character::isISOControl)) {
            throw new InputException("a study name is 1 to " + MAX_NAME + " characters without control characters, got '" + study + "'");
        }
        PostgresStorage s = new PostgresStorage(target, password, study);
        s.connection();
        return s;
    }

    /** The database. */
    public PostgresTarget target() {
        return target;
    }

    /** The study's name. */
    public String study() {
        return name;
    }

    @Override
    public String location() {
        return target + " study " + name;
    }

    /**
     * The names of the studies in the database at {@code target}, oldest first.
     *
     * @throws InputException if the server cannot be reached or its schema is newer than this program's
     */
    public static List<String> studies(PostgresTarget target, String password) {
        PostgresStorage s = new PostgresStorage(target, password, "");
        try {
            return s.transaction(c -> {
                List<String> out = new ArrayList<>();
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT name FROM descent_studies ORDER BY id")) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
                return out;
            });
        } finally {
            s.close();
        }
    }

    @Override
    public synchronized boolean exists() {
        return studyId >= 0 || transaction(c -> findStudy(c) != null);
    }

    @Override
    public synchronized void create(StudyHeader header) {
        String json = JournalCodec.header(header).toString();
        transaction(c -> {
            try (PreparedStatement st = c.prepareStatement(
                    "INSERT INTO descent_studies (name, header) VALUES (?, ?::json) ON CONFLICT (name) DO NOTHING RETURNING id")) {
                st.setString(1, name);
                st.setString(2, json);
                try (ResultSet rs = st.executeQuery()) {
                    if (!rs.next()) {
                        throw new InputException("study '" + name + "' already exists in " + target + ": join it, or choose another name");
                    }
                    return rs.getLong(1);
                }
            }
        });
        // The header as the database gives it back: a study is read the same way by whoever created it.
        studyId = -1;
        model = null;
        seq = 0;
        read();
    }

    /**
     * How many of the study's events this storage has read: it changes exactly when a {@link #read}
     * saw something new, so a reader can tell whether what it built from the last snapshot is stale.
     */
    public synchronized long events() {
        return seq;
    }

    @Override
    public synchronized StudySnapshot read() {
        return transaction(c -> {
            catchUp(c);
            return model.snapshot(false);
        });
    }

    @Override
    public synchronized Optional<TrialRecord> startTrial(Function<StudySnapshot, TrialStart> decide) {
        StudyEvent e = locked(m -> {
            TrialStart start = decide.apply(m.snapshot(false));
            return switch (start) {
                case null -> null;
                case TrialStart.Claim c -> new StudyEvent.Claimed(c.number(), c.owner());
                case TrialStart.Create c -> new StudyEvent.Created(m.size(), c.params(), c.state(), c.retryOf(), c.owner());
            };
        });
        return e == null ? Optional.empty() : Optional.of(model.trial(e.number()));
    }

    @Override
    public synchronized void setParam(int number, String name, Distribution distribution, double internal) {
        locked(m -> new StudyEvent.ParamSet(number, name, distribution, internal));
    }

    @Override
    public synchronized void report(int number, int step, double value) {
        locked(m -> new StudyEvent.Reported(number, step, value));
    }

    @Override
    public synchronized boolean finish(int number, TrialState state, List<Double> values, double seconds, String message) {
        StudyEvent f = new StudyEvent.Finished(number, state, values, seconds, message);
        boolean[] already = {false};
        locked(m -> {
            already[0] = m.alreadyFinished(f);
            return already[0] ? null : f;
        });
        return !already[0];
    }

    @Override
    public synchronized void heartbeat(int number, Duration timeout) {
        transaction(c -> {
            study(c);
            try (PreparedStatement st = c.prepareStatement("""
                    INSERT INTO descent_heartbeats (study_id, trial, beat, timeout_ms) VALUES (?, ?, now(), ?)
                    ON CONFLICT (study_id, trial) DO UPDATE SET beat = now(), timeout_ms = EXCLUDED.timeout_ms""")) {
                st.setLong(1, studyId);
                st.setInt(2, number);
                st.setLong(3, timeout.toMillis());
                st.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public synchronized List<Integer> silentTrials() {
        return transaction(c -> {
            catchUp(c);
            List<Integer> out = new ArrayList<>();
            try (PreparedStatement st = c.prepareStatement(
                    "SELECT trial FROM descent_heartbeats WHERE study_id = ? AND beat + timeout_ms * interval '1 millisecond' < now() ORDER BY trial")) {
                st.setLong(1, studyId);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        int n = rs.getInt(1);
                        if (n < model.size() && model.trial(n).state() == TrialState.RUNNING) {
                            out.add(n);
                        }
                    }
                }
            }
            return out;
        });
    }

    /** Deletes the study's row, and with it (ON DELETE CASCADE) its events and heartbeats. */
    @Override
    public synchronized void delete() {
        transaction(c -> {
            try (PreparedStatement st = c.prepareStatement("DELETE FROM descent_studies WHERE name = ?")) {
                st.setString(1, name);
                st.executeUpdate();
            }
            return null;
        });
        studyId = -1;
        model = null;
        seq = 0;
    }

    /** Work inside one transaction, given the connection. */
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Appends the event {@code decide} returns (none for null) in one transaction holding the study's
     * row lock, after catching up with what others committed; the event is applied to this instance's
     * model only once committed.
     */
    private StudyEvent locked(Function<StudyModel, StudyEvent> decide) {
        return transaction(c -> {
            study(c);
            try (PreparedStatement st = c.prepareStatement("SELECT last_seq FROM descent_studies WHERE id = ? FOR UPDATE")) {
                st.setLong(1, studyId);
                try (ResultSet rs = st.executeQuery()) {
                    if (!rs.next()) {
                        throw new InputException("study '" + name + "' was deleted from " + target);
                    }
                }
            }
            catchUp(c);
            StudyEvent e = decide.apply(model);
            if (e == null) {
                return null;
            }
            model.check(e);
            long next = seq + 1;
            try (PreparedStatement st = c.prepareStatement("INSERT INTO descent_events (study_id, seq, trial, op, event) VALUES (?, ?, ?, ?, ?::json)")) {
                st.setLong(1, studyId);
                st.setLong(2, next);
                st.setInt(3, e.number());
                com.fasterxml.jackson.databind.node.ObjectNode line = JournalCodec.line(e);
                st.setString(4, line.path("op").asText());
                st.setString(5, line.toString());
                st.executeUpdate();
            }
            try (PreparedStatement st = c.prepareStatement("UPDATE descent_studies SET last_seq = ? WHERE id = ?")) {
                st.setLong(1, next);
                st.setLong(2, studyId);
                st.executeUpdate();
            }
            c.commit();
            model.apply(e);
            seq = next;
            return e;
        });
    }

    /** Finds the study's row once, and reads the header it holds. */
    private void study(Connection c) throws SQLException {
        if (studyId >= 0) {
            return;
        }
        Row row = findStudy(c);
        if (row == null) {
            throw new InputException("no study '" + name + "' in " + target);
        }
        try {
            model = new StudyModel(JournalCodec.readHeader(row.header()));
        } catch (IllegalArgumentException e) {
            throw new FormatException(location() + ": " + e.getMessage());
        }
        seq = 0;
        studyId = row.id();
    }

    private record Row(long id, JsonNode header) {
    }

    /** The study's row, or null if there is no such study. */
    private Row findStudy(Connection c) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT id, header FROM descent_studies WHERE name = ?")) {
            st.setString(1, name);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? new Row(rs.getLong(1), json(rs.getString(2), "header")) : null;
            }
        }
    }

    /** Applies the events committed since the last one this instance has. */
    private void catchUp(Connection c) throws SQLException {
        study(c);
        try (PreparedStatement st = c.prepareStatement("SELECT seq, event FROM descent_events WHERE study_id = ? AND seq > ? ORDER BY seq")) {
            st.setLong(1, studyId);
            st.setLong(2, seq);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    long s = rs.getLong(1);
                    if (s != seq + 1) {
                        throw new FormatException(location() + ": event " + (seq + 1) + " is missing (found " + s + "; the study is corrupt)");
                    }
                    try {
                        StudyEvent e = JournalCodec.event(json(rs.getString(2), "event " + s));
                        model.check(e);
                        model.apply(e);
                    } catch (IllegalArgumentException e) {
                        throw new FormatException(location() + ": event " + s + ": " + e.getMessage() + " (the study is corrupt)");
                    }
                    seq = s;
                }
            }
        }
    }

    private JsonNode json(String text, String what) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new FormatException(location() + ": " + what + " is not JSON (" + e.getOriginalMessage() + ")");
        }
    }

    /**
     * Runs {@code work} in a transaction: commits when it returns (unless it did), rolls back when it
     * throws. A broken connection is dropped, to be opened again by the next call.
     */
    private <T> T transaction(Work<T> work) {
        Connection c = connection();
        try {
            T out = work.run(c);
            c.commit();
            return out;
        } catch (SQLException e) {
            rollback(c);
            throw failure(e);
        } catch (RuntimeException e) {
            rollback(c);
            throw e;
        }
    }

    private void rollback(Connection c) {
        try {
            if (!c.isClosed()) {
                c.rollback();
            }
        } catch (SQLException ignored) {
            // the connection is gone; the server rolls back what it had
        }
    }

    /** A failed statement as an exception that names the study; a lost connection is dropped. */
    private RuntimeException failure(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.startsWith("08") || state.startsWith("57P")) {
            closeQuietly();
        }
        return new StorageException(location() + ": " + e.getMessage() + (state.isEmpty() ? "" : " (SQL state " + state + ")"), e);
    }

    private Connection connection() {
        if (connection != null) {
            return connection;
        }
        Properties p = new Properties();
        p.setProperty("user", target.user());
        if (password != null && !password.isEmpty()) {
            p.setProperty("password", password);
        }
        p.setProperty("ApplicationName", "descent");
        p.setProperty("connectTimeout", "10");
        p.setProperty("tcpKeepAlive", "true");
        p.putAll(target.options());
        Connection c;
        try {
            c = DriverManager.getConnection(target.jdbcUrl(), p);
        } catch (SQLException e) {
            throw new InputException("cannot connect to " + target + ": " + firstLine(e.getMessage())
                    + (e.getMessage() != null && e.getMessage().contains("password") ? " (the password comes from PGPASSWORD or ~/.pgpass)" : ""), e);
        }
        try {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            installSchema(c);
        } catch (SQLException e) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // already failing
            }
            throw new StorageException(target + ": cannot set up the study tables: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // already failing
            }
            throw e;
        }
        connection = c;
        return c;
    }

    /** Creates the tables if they are missing, once among workers that start together; refuses a newer schema. */
    private void installSchema(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK + ")")) {
                rs.next();
            }
            boolean present;
            try (ResultSet rs = st.executeQuery("SELECT to_regclass('descent_schema_version') IS NOT NULL")) {
                rs.next();
                present = rs.getBoolean(1);
            }
            if (!present) {
                for (String ddl : SCHEMA) {
                    st.execute(ddl);
                }
                st.execute("INSERT INTO descent_schema_version (version) VALUES (" + SCHEMA_VERSION + ")");
            } else {
                int version;
                try (ResultSet rs = st.executeQuery("SELECT max(version) FROM descent_schema_version")) {
                    rs.next();
                    version = rs.getInt(1);
                }
                if (version > SCHEMA_VERSION) {
                    throw new InputException(target + " holds descent's tables at schema version " + version
                            + ", newer than this program's (" + SCHEMA_VERSION + "): use a newer descent");
                }
            }
        }
        c.commit();
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }

    private void closeQuietly() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already broken
            }
            connection = null;
        }
    }

    @Override
    public synchronized void close() {
        closeQuietly();
    }
}
