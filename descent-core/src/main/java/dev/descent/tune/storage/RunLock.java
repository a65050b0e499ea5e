package dev.descent.tune.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Says that one process is running a study in a directory ({@value #FILE}), so that a second
 * {@code descent tune --resume} of the same study refuses instead of running the same trials in
 * parallel. Held (an exclusive file lock, released by the operating system if the process dies) for as
 * long as the run lasts; the file holds the holder's process id for the message.
 */
public final class RunLock implements AutoCloseable {

    /** The lock's file name in a study directory. */
    public static final String FILE = "run.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of the study in {@code dir}.
     *
     * @return the lock, or empty with nothing changed if another process (or this one) holds it
     */
    public static Optional<RunLock> tryAcquire(Path dir) {
        Path f = dir.resolve(FILE);
        FileChannel ch = null;
        try {
            ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            if (l == null) {
                ch.close();
                return Optional.empty();
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            return Optional.of(new RunLock(ch, l));
        } catch (IOException e) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // the open failed or the lock was refused; nothing to release
                }
            }
            throw new UncheckedIOException("cannot lock " + f + ": " + e.getMessage(), e);
        }
    }

    /** The process id written by the holder of the lock of {@code dir}, or empty if unknown. */
    public static Optional<Long> holder(Path dir) {
        try {
            String s = java.nio.file.Files.readString(dir.resolve(FILE)).strip();
            return s.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(s));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
