package dev.descent.tune.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.descent.tune.Direction;
import dev.descent.tune.StudyHeader;
import dev.descent.tune.TrialOwner;
import dev.descent.tune.TrialState;

/** The storage contract against a real PostgreSQL server, and what only a database has: schema versions, logins, several studies. */
class PostgresStorageTest extends StudyStorageContract {

    private static PgCluster pg;
    private static String db;
    private static int studies;

    @BeforeAll
    static void server() {
        pg = PgCluster.shared();
        db = pg.newDatabase();
    }

    @Override
    protected StudyStorage fresh() {
        return PostgresStorage.open(pg.target(db), PgCluster.PASSWORD, "study-" + studies++);
    }

    @Override
    protected StudyStorage reopen(StudyStorage s) {
        return PostgresStorage.open(pg.target(db), PgCluster.PASSWORD, ((PostgresStorage) s).study());
    }

    @Test
    void theSchemaIsCreatedOnceAndVersionedAndANewerOneIsRefused() throws Exception {
        String fresh = pg.newDatabase();
        // Several workers arriving at an empty database at once create the tables once.
        List<Thread> ts = new java.util.ArrayList<>();
        List<Throwable> errors = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        for (int i = 0; i < 4; i++) {
            int id = i;
            Thread t = new Thread(() -> {
                try (PostgresStorage s = PostgresStorage.open(pg.target(fresh), PgCluster.PASSWORD, "s" + id)) {
                    s.create(StudyHeader.of(null, Direction.MINIMIZE));
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            ts.add(t);
            t.start();
        }
        for (Thread t : ts) {
            t.join();
        }
        assertThat(errors).isEmpty();
        assertThat(PostgresStorage.studies(pg.target(fresh), PgCluster.PASSWORD)).containsExactlyInAnyOrder("s0", "s1", "s2", "s3");
        try (Connection c = pg.connect(fresh); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT count(*), max(version) FROM descent_schema_version")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
                assertThat(rs.getInt(2)).isEqualTo(PostgresStorage.SCHEMA_VERSION);
            }
            st.execute("INSERT INTO descent_schema_version (version) VALUES (" + (PostgresStorage.SCHEMA_VERSION + 1) + ")");
        }
        assertThatThrownBy(() -> PostgresStorage.open(pg.target(fresh), PgCluster.PASSWORD, "s0"))
                .isInstanceOf(dev.descent.io.InputException.class)
                .hasMessageContaining("schema version " + (PostgresStorage.SCHEMA_VERSION + 1)).hasMessageContaining("newer than this program's");
    }

    @Test
    void aWrongPasswordOrAnUnreachableServerIsOneClearLine() {
        assertThatThrownBy(() -> PostgresStorage.open(pg.target(db), "wrong", "x"))
                .isInstanceOf(dev.descent.io.InputException.class).hasMessageContaining("cannot connect to " + pg.url(db).replace("/" + db, "/" + db))
                .hasMessageContaining("PGPASSWORD");
        int closed = pg.port() == 1 ? 2 : 1;
        assertThatThrownBy(() -> PostgresStorage.open(PostgresTarget.parse("postgresql://127.0.0.1:" + closed + "/x?user=u"), null, "x"))
                .isInstanceOf(dev.descent.io.InputException.class).hasMessageStartingWith("cannot connect to postgresql://127.0.0.1:" + closed + "/x");
    }

    @Test
    void eventsAreRowsOfTheLogThatSQLCanRead() throws Exception {
        try (PostgresStorage s = PostgresStorage.open(pg.target(db), PgCluster.PASSWORD, "readable")) {
            s.create(StudyHeader.of(null, Direction.MAXIMIZE));
            s.startTrial(snap -> new TrialStart.Create(Map.of(), TrialState.RUNNING, -1, TrialOwner.current()));
            s.report(0, 1, 0.25);
            s.finish(0, TrialState.COMPLETE, List.of(0.5), 1.5, "");
        }
        try (Connection c = pg.connect(db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT e.seq, e.op, e.event->>'value' FROM descent_events e JOIN descent_studies s ON s.id = e.study_id "
                     + "WHERE s.name = 'readable' ORDER BY e.seq")) {
            List<String> rows = new java.util.ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getLong(1) + " " + rs.getString(2) + " " + rs.getString(3));
            }
            assertThat(rows).containsExactly("1 trial null", "2 report 0.25", "3 finish null");
        }
    }
}
