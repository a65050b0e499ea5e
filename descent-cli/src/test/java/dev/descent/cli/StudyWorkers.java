package dev.descent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.descent.tune.TrialRecord;
import dev.descent.tune.TrialState;
import dev.descent.tune.storage.PgCluster;
import dev.descent.tune.storage.PostgresStorage;

/**
 * Workers of one study in a real PostgreSQL database: separate {@code descent tune} processes, as on
 * separate machines, for the tests here and the Spark launcher's. A worker that is to look like
 * another machine runs in a UTS namespace of its own with another host name ({@code unshare}), so that
 * only its heartbeats can tell that it died.
 */
public final class StudyWorkers {

    /** Trials of each study. */
    public static final int TRIALS = 24;
    /** The heartbeat timeout of the kill tests: short, so that they stay quick. */
    public static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** The options of the kill tests: that timeout, and one retry of a trial whose worker died. */
    public static final String[] RETRY = {"--heartbeat-timeout", TIMEOUT.toMillis() + "ms", "--retry-failed", "1"};

    private final Path tmp;
    private final Path data;
    private final PgCluster pg = PgCluster.shared();

    /** Workers that keep their files, logs and toy data set in {@code tmp}. */
    public StudyWorkers(Path tmp) throws IOException {
        this.tmp = tmp;
        this.data = ToyData.write(Files.createDirectories(tmp.resolve("toy")), 400, 50, 11);
    }

    /** The server. */
    public PgCluster pg() {
        return pg;
    }

    /** A study's options: a small network on toy data, {@link #TRIALS} trials, one thread per trial. */
    public List<String> studyArgs() {
        return List.of("--dataset", data.toString(), "--val-size", "100", "--val-batches", "1", "--epochs", "2", "--hidden", "8",
                "--batch-size", "32", "--param", "lr=log:1e-3..0.3", "--param", "optimizer=choice:sgd|adam", "--trials", String.valueOf(TRIALS),
                "--pruner", "none", "--threads", "1");
    }

    /** {@code java … descent} with this test's class path and {@code jvmOptions}. */
    public static List<String> descent(String... jvmOptions) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--add-modules", "jdk.incubator.vector",
                "-XX:TieredStopAtLevel=1"));
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        return cmd;
    }

    /** {@code descent tune --storage URL --study NAME} with the study's options and {@code extra}. */
    public List<String> tune(String db, String study, String name, String... extra) {
        List<String> cmd = new ArrayList<>(List.of("tune", "--storage", pg.url(db), "--study", study));
        cmd.addAll(studyArgs());
        cmd.addAll(List.of("--out", tmp.resolve(study).resolve(name).toString()));
        cmd.addAll(List.of(extra));
        return cmd;
    }

    /** Starts {@code cmd}, logging to STUDY-NAME.log, with {@code env} added to the environment. */
    public Process start(List<String> cmd, String study, String name, Map<String, String> env) throws IOException {
        ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve(study + "-" + name + ".log").toFile());
        b.environment().putAll(env);
        return b.start();
    }

    /** A worker process of study {@code study} in {@code db}, logging to STUDY-NAME.log. */
    public Process worker(String db, String study, String name, boolean elsewhere, Map<String, String> env, String... extra) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (elsewhere) {
            // Another host name in a namespace of its own: to the other workers, a process on another machine.
            cmd.addAll(isRoot() ? List.of("unshare", "--uts") : List.of("unshare", "--user", "--map-root-user", "--uts"));
            cmd.addAll(List.of("sh", "-c", "hostname " + name + "-elsewhere && exec \"$0\" \"$@\""));
        }
        cmd.addAll(descent("-Xmx256m"));
        cmd.addAll(tune(db, study, name, extra));
        return start(cmd, study, name, env);
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** What STUDY-NAME wrote. */
    public String log(String study, String name) throws IOException {
        return Files.readString(tmp.resolve(study + "-" + name + ".log"));
    }

    /** Waits for {@code p} and checks that it succeeded without an exception. */
    public void awaitSuccess(Process p, String study, String name) throws Exception {
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as(name + " finished").isTrue();
        assertThat(p.exitValue()).as(log(study, name)).isZero();
        assertThat(log(study, name)).doesNotContain("Exception").doesNotContain("internal error");
    }

    /** The study's trials, as the database holds them. */
    public List<TrialRecord> trials(String db, String study) {
        try (PostgresStorage s = PostgresStorage.open(pg.target(db), PgCluster.PASSWORD, study)) {
            return s.read().trials();
        }
    }

    /** The summaries of the trials' runs, in every worker's --out. */
    public long runs(String study) throws IOException {
        try (Stream<Path> s = Files.walk(tmp.resolve(study))) {
            return s.filter(p -> p.getFileName().toString().equals("summary.json") && p.getParent().getParent().getFileName().toString().equals("trials")).count();
        }
    }

    /** Checks that the study ran exactly its trials, each complete once with distinct parameters, and returns them. */
    public List<TrialRecord> checkAllTrialsRanOnce(String db, String study) throws IOException {
        List<TrialRecord> all = trials(db, study);
        assertThat(all).hasSize(TRIALS).allMatch(t -> t.state() == TrialState.COMPLETE && t.retryOf() < 0);
        Set<Map<String, Double>> params = new HashSet<>();
        all.forEach(t -> params.add(t.params()));
        assertThat(params).as("distinct parameters: workers draw their own streams").hasSize(TRIALS);
        assertThat(runs(study)).as("one run directory per trial, in the --out of the worker that ran it").isEqualTo(TRIALS);
        return all;
    }

    /** Waits until {@code victim} is in the middle of a trial (it has reported), kills it with SIGKILL, and returns that trial's number. */
    public int killMidTrial(String db, String study, Process victim) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            assertThat(victim.isAlive()).as("the victim is still working").isTrue();
            List<TrialRecord> all = new ArrayList<>();
            try (PostgresStorage s = PostgresStorage.open(pg.target(db), PgCluster.PASSWORD, study)) {
                if (s.exists()) {
                    all = s.read().trials();
                }
            }
            for (TrialRecord t : all) {
                if (t.state() == TrialState.RUNNING && t.owner() != null && t.owner().pid() == victim.pid() && !t.intermediate().isEmpty()) {
                    victim.destroyForcibly(); // SIGKILL
                    assertThat(victim.waitFor(30, TimeUnit.SECONDS)).isTrue();
                    return t.number();
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the victim never ran a trial");
    }

    /**
     * The killed trial failed as silent, no sooner than the timeout after its last beat; exactly one
     * retry with its parameters completed; every drawn trial completed exactly once.
     */
    public void checkKilledTrialRanAgainOnce(String db, String study, int cut, long victimPid) throws Exception {
        List<TrialRecord> all = trials(db, study);
        TrialRecord killed = all.get(cut);
        assertThat(killed.state()).isEqualTo(TrialState.FAIL);
        assertThat(killed.message()).startsWith("its worker stopped beating").contains("pid " + victimPid);
        List<TrialRecord> retries = all.stream().filter(t -> t.retryOf() == cut).toList();
        assertThat(retries).hasSize(1);
        assertThat(retries.get(0).params()).isEqualTo(killed.params());
        assertThat(retries.get(0).state()).isEqualTo(TrialState.COMPLETE);
        assertThat(all.stream().filter(t -> t.retryOf() >= 0)).as("the killed trial is the only one retried").hasSize(1);
        List<TrialRecord> drawn = all.stream().filter(t -> t.retryOf() < 0).toList();
        assertThat(drawn).hasSize(TRIALS);
        assertThat(all.stream().filter(t -> t.state() == TrialState.COMPLETE)).as("complete: each drawn trial once").hasSize(TRIALS);
        assertThat(drawn.stream().filter(t -> t.number() != cut)).allMatch(t -> t.state() == TrialState.COMPLETE);
        try (Connection c = pg.connect(db); PreparedStatement st = c.prepareStatement("""
                SELECT extract(epoch FROM (e.recorded - h.beat)) * 1000, (SELECT count(*) FROM descent_events f
                  WHERE f.study_id = s.id AND f.trial = e.trial AND f.op = 'finish')
                FROM descent_studies s JOIN descent_events e ON e.study_id = s.id JOIN descent_heartbeats h ON h.study_id = s.id AND h.trial = e.trial
                WHERE s.name = ? AND e.trial = ? AND e.op = 'finish'""")) {
            st.setString(1, study);
            st.setInt(2, cut);
            try (ResultSet rs = st.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getDouble(1)).as("ms from the last beat to the failure").isGreaterThanOrEqualTo(TIMEOUT.toMillis());
                assertThat(rs.getInt(2)).as("finishes of the killed trial").isEqualTo(1);
            }
        }
    }
}
