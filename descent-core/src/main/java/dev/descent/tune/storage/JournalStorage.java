package dev.descent.tune.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.descent.io.FormatException;
import dev.descent.io.InputException;
import dev.descent.tune.Distribution;
import dev.descent.tune.StudyHeader;
import dev.descent.tune.TrialRecord;
import dev.descent.tune.TrialState;

/**
 * A study in one append-only file ({@value #FILE} in the study's directory), one JSON line per event
 * (see {@link JournalCodec}), safe for any number of threads and processes on one machine:
 *
 * <ul>
 * <li>A writer holds an exclusive lock on the file ({@link FileChannel#lock}, and a lock per file
 * inside this JVM, where file locks are per process) while it reads what others appended, decides,
 * appends its line with one write and forces it to disk. A study killed at any instant (SIGKILL, power
 * loss) loses at most the line being written.</li>
 * <li>A last line without its newline, found under the lock, is a write that a crash cut off: it is
 * truncated away, and only then. A reader ({@link #read}) takes no lock and changes nothing: it leaves
 * such a line out (it may be a write in progress) and flags it in the snapshot.</li>
 * <li>Any other line that does not parse, or breaks the study's rules, makes the journal corrupt,
 * reported with its line number; a corrupt journal is never used.</li>
 * <li>Heartbeats are files in {@value #HEARTBEATS}/ beside the journal, one per trial: its time of
 * change is the last beat, its content the timeout the worker promised. They are not events, so beating
 * adds nothing to the journal.</li>
 * </ul>
 * Each instance keeps the study it has read so far and reads only what was appended since.
 */
public final class JournalStorage implements StudyStorage {

    /** The journal's file name in a study directory. */
    public static final String FILE = "journal.jsonl";
    /** The directory of heartbeat files beside the journal. */
    public static final String HEARTBEATS = "heartbeats";

    private static final ObjectMapper JSON = new ObjectMapper();
    /** One lock per journal file in this JVM: FileChannel locks exclude other processes only. */
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final Path file;
    private final ReentrantLock inProcess;
    private FileChannel writer;
    private StudyModel model;
    private long offset;
    private int lines;

    private JournalStorage(Path file) {
        this.file = file.toAbsolutePath().normalize();
        this.inProcess = IN_PROCESS.computeIfAbsent(this.file, f -> new ReentrantLock());
    }

    /** The journal of the study in directory {@code dir} (which need not exist yet). */
    public static JournalStorage inDirectory(Path dir) {
        return new JournalStorage(dir.resolve(FILE));
    }

    /** The journal file. */
    public Path file() {
        return file;
    }

    @Override
    public String location() {
        return file.toString();
    }

    @Override
    public boolean exists() {
        return Files.isRegularFile(file);
    }

    @Override
    public synchronized void create(StudyHeader header) {
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new InputException("cannot create the study directory " + file.getParent() + " (" + e.getMessage() + ")");
        }
        inProcess.lock();
        try {
            try {
                writer = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
            } catch (FileAlreadyExistsException e) {
                throw new InputException(file + " already exists: resume that study or choose another directory");
            }
            try (FileLock lock = writer.lock()) {
                if (writer.size() > 0) {
                    throw new InputException(file + " already exists: resume that study or choose another directory");
                }
                byte[] b = (JournalCodec.header(header) + "\n").getBytes(StandardCharsets.UTF_8);
                write(b, 0);
                model = new StudyModel(header);
                offset = b.length;
                lines = 1;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the study journal " + file + ": " + e.getMessage(), e);
        } finally {
            inProcess.unlock();
        }
    }

    @Override
    public synchronized StudySnapshot read() {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return catchUp(ch, false);
        } catch (NoSuchFileException e) {
            throw new InputException(file.getParent() + " holds no study (no " + FILE + ")");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the study journal " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized Optional<TrialRecord> startTrial(Function<StudySnapshot, TrialStart> decide) {
        return locked(() -> {
            TrialStart start = decide.apply(model.snapshot(false));
            if (start == null) {
                return Optional.empty();
            }
            int number = switch (start) {
                case TrialStart.Claim c -> {
                    append(new StudyEvent.Claimed(c.number(), c.owner()));
                    yield c.number();
                }
                case TrialStart.Create c -> {
                    int n = model.size();
                    append(new StudyEvent.Created(n, c.params(), c.state(), c.retryOf(), c.owner()));
                    yield n;
                }
            };
            return Optional.of(model.trial(number));
        });
    }

    @Override
    public synchronized void setParam(int number, String name, Distribution distribution, double internal) {
        locked(() -> append(new StudyEvent.ParamSet(number, name, distribution, internal)));
    }

    @Override
    public synchronized void report(int number, int step, double value) {
        locked(() -> append(new StudyEvent.Reported(number, step, value)));
    }

    @Override
    public synchronized boolean finish(int number, TrialState state, List<Double> values, double seconds, String message) {
        return locked(() -> {
            StudyEvent e = new StudyEvent.Finished(number, state, values, seconds, message);
            if (model.alreadyFinished(e)) {
                return false;
            }
            append(e);
            return true;
        });
    }

    @Override
    public void heartbeat(int number, Duration timeout) {
        Path dir = file.resolveSibling(HEARTBEATS);
        Path beat = dir.resolve(String.format(Locale.ROOT, "%04d", number));
        try {
            Files.createDirectories(dir);
            // Written aside and renamed, so that a reader never sees half a timeout; the rename sets the time of the beat.
            Path tmp = Files.createTempFile(dir, "beat", ".tmp");
            Files.writeString(tmp, Long.toString(timeout.toMillis()));
            Files.move(tmp, beat, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.setLastModifiedTime(beat, FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record a heartbeat in " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<Integer> silentTrials() {
        Path dir = file.resolveSibling(HEARTBEATS);
        List<Integer> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        long now = System.currentTimeMillis();
        for (TrialRecord t : read().trials()) {
            if (t.state() != TrialState.RUNNING) {
                continue;
            }
            Path beat = dir.resolve(String.format(Locale.ROOT, "%04d", t.number()));
            try {
                long at = Files.getLastModifiedTime(beat).toMillis();
                long timeout = Long.parseLong(Files.readString(beat).strip());
                if (now - at > timeout) {
                    out.add(t.number());
                }
            } catch (NoSuchFileException e) {
                // never beat: not judged by heartbeats
            } catch (IOException | NumberFormatException e) {
                throw new FormatException(beat + ": not a heartbeat (" + e.getMessage() + ")");
            }
        }
        return out;
    }

    private interface Step<T> {
        T run() throws IOException;
    }

    /** Runs {@code step} holding both locks, after reading (and, if a crash left one, cutting off) what others wrote. */
    private <T> T locked(Step<T> step) {
        inProcess.lock();
        try {
            if (writer == null) {
                try {
                    writer = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                } catch (NoSuchFileException e) {
                    throw new InputException(file.getParent() + " holds no study (no " + FILE + ")");
                }
            }
            try (FileLock lock = writer.lock()) {
                catchUp(writer, true);
                return step.run();
            }
        } catch (OverlappingFileLockException e) {
            throw new IllegalStateException("the journal " + file + " is locked twice in this process", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the study journal " + file + ": " + e.getMessage(), e);
        } finally {
            inProcess.unlock();
        }
    }

    private Void append(StudyEvent e) throws IOException {
        model.check(e);
        ObjectNode line = JournalCodec.line(e);
        byte[] b = (line + "\n").getBytes(StandardCharsets.UTF_8);
        write(b, offset);
        offset += b.length;
        lines++;
        model.apply(e);
        return null;
    }

    private void write(byte[] b, long at) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b);
        long pos = at;
        while (buf.hasRemaining()) {
            pos += writer.write(buf, pos);
        }
        writer.force(false);
    }

    /**
     * Applies the complete lines appended since the last read. A partial last line is cut off when
     * {@code repair} (the caller holds the write lock, so no write is in progress), else left out.
     */
    private StudySnapshot catchUp(FileChannel ch, boolean repair) throws IOException {
        long size = ch.size();
        if (size < offset) {
            throw new FormatException(file + ": the journal shrank from " + offset + " to " + size + " bytes while in use");
        }
        boolean torn = false;
        if (size > offset) {
            long span = size - offset;
            if (span > Integer.MAX_VALUE - 16) {
                throw new FormatException(file + ": " + span + " bytes appended at once, more than a journal can hold");
            }
            ByteBuffer buf = ByteBuffer.allocate((int) span);
            long pos = offset;
            while (buf.hasRemaining()) {
                int r = ch.read(buf, pos);
                if (r < 0) {
                    break;
                }
                pos += r;
            }
            byte[] bytes = buf.array();
            int filled = buf.position();
            int end = filled;
            while (end > 0 && bytes[end - 1] != '\n') {
                end--;
            }
            int start = 0;
            for (int i = 0; i < end; i++) {
                if (bytes[i] == '\n') {
                    apply(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                    start = i + 1;
                }
            }
            offset += end;
            if (end < filled) {
                if (repair) {
                    ch.truncate(offset);
                    ch.force(true);
                } else {
                    torn = true;
                }
            }
        }
        if (model == null) {
            throw new FormatException(file + ": empty study journal");
        }
        return model.snapshot(torn);
    }

    private void apply(String text) {
        lines++;
        String where = file + ": line " + lines + ": ";
        JsonNode n;
        try {
            n = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new FormatException(where + "not valid JSON (the journal is corrupt)");
        }
        if (n == null || !n.isObject()) {
            throw new FormatException(where + "not a JSON object (the journal is corrupt)");
        }
        try {
            if (model == null) {
                model = new StudyModel(JournalCodec.readHeader(n));
                return;
            }
            StudyEvent e = JournalCodec.event(n);
            model.check(e);
            model.apply(e);
        } catch (IllegalArgumentException e) {
            throw new FormatException(where + e.getMessage() + (model == null ? "" : " (the journal is corrupt)"));
        }
    }

    /** Deletes the journal and the heartbeats (the study's directory and its trials' runs stay). */
    @Override
    public synchronized void delete() {
        close();
        model = null;
        offset = 0;
        lines = 0;
        try {
            Files.deleteIfExists(file);
            Path beats = file.resolveSibling(HEARTBEATS);
            if (Files.isDirectory(beats)) {
                try (java.util.stream.Stream<Path> s = Files.list(beats)) {
                    for (Path p : s.toList()) {
                        Files.deleteIfExists(p);
                    }
                }
                Files.deleteIfExists(beats);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the study journal " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (writer != null) {
            try {
                writer.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            writer = null;
        }
    }
}
