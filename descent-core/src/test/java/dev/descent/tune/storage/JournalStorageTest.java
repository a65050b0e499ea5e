package dev.descent.tune.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.descent.tune.Direction;
import dev.descent.tune.StudyHeader;
import dev.descent.tune.TrialRecord;
import dev.descent.tune.TrialState;

class JournalStorageTest extends StudyStorageContract {

    @TempDir
    Path tmp;
    private int studies;

    @Override
    protected StudyStorage fresh() {
        return JournalStorage.inDirectory(tmp.resolve("study" + studies++));
    }

    @Override
    protected StudyStorage reopen(StudyStorage s) {
        return JournalStorage.inDirectory(((JournalStorage) s).file().getParent());
    }

    @Test
    void readersLeaveATornLastLineAloneAndTheNextWriterCutsIt() throws IOException {
        JournalStorage s = JournalStorage.inDirectory(tmp.resolve("torn"));
        s.create(StudyHeader.of(null, Direction.MINIMIZE));
        s.startTrial(snap -> new TrialStart.Create(Map.of(), TrialState.RUNNING, -1, null));
        s.close();
        Path f = s.file();
        long good = Files.size(f);
        Files.writeString(f, "{\"op\":\"report\",\"number\":0,\"st", StandardOpenOption.APPEND);
        long torn = Files.size(f);
        for (int i = 0; i < 3; i++) {
            try (JournalStorage reader = JournalStorage.inDirectory(f.getParent())) {
                StudySnapshot snap = reader.read();
                assertThat(snap.tornTail()).isTrue();
                assertThat(snap.trials()).hasSize(1);
            }
        }
        assertThat(Files.size(f)).isEqualTo(torn);
        try (JournalStorage writer = JournalStorage.inDirectory(f.getParent())) {
            writer.report(0, 1, 0.5);
            assertThat(writer.read().tornTail()).isFalse();
        }
        List<String> lines = Files.readAllLines(f);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(2)).isEqualTo("{\"op\":\"report\",\"number\":0,\"step\":1,\"value\":0.5}");
        assertThat(Files.size(f)).isGreaterThan(good);
    }

    @Test
    void severalProcessesShareOneJournalWithoutLosingOrRepeatingATrial() throws Exception {
        Path dir = tmp.resolve("shared");
        try (JournalStorage s = JournalStorage.inDirectory(dir)) {
            s.create(StudyHeader.of(null, Direction.MINIMIZE));
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> workers = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            workers.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), JournalWorker.class.getName(), dir.toString(), "15", String.valueOf(w))
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("worker" + w + ".log").toFile()).start());
        }
        for (int w = 0; w < 3; w++) {
            assertThat(workers.get(w).waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(workers.get(w).exitValue()).as(Files.readString(tmp.resolve("worker" + w + ".log"))).isZero();
        }
        try (JournalStorage s = JournalStorage.inDirectory(dir)) {
            List<TrialRecord> all = s.read().trials();
            assertThat(all).hasSize(45).allMatch(t -> t.state() == TrialState.COMPLETE && t.params().containsKey("x") && t.intermediate().size() == 1);
            assertThat(all.stream().map(t -> t.owner().pid()).distinct()).hasSize(3);
        }
        long finishes = Files.readAllLines(dir.resolve(JournalStorage.FILE)).stream().filter(l -> l.contains("\"op\":\"finish\"")).count();
        assertThat(finishes).isEqualTo(45);
    }
}
