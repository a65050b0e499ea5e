package dev.descent.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reading bytes that come from outside, bounded: a file is opened only when it is a regular file,
 * its size is compared with a limit before anything is allocated for it, and the errors of the file
 * system become {@link InputException}s that name the file ("no such file", "permission denied").
 */
public final class InputFiles {

    private InputFiles() {
    }

    /**
     * The whole of a small file (a JSON document, a header).
     *
     * @param maxBytes the largest size accepted; a larger file is refused before it is read
     */
    public static byte[] readAll(Path file, long maxBytes) {
        long size = size(file);
        if (size > maxBytes) {
            throw new FormatException(file + ": " + size + " bytes, more than the " + maxBytes + " a file of this kind may have");
        }
        try (InputStream in = open(file)) {
            // Read at most what the size promised (plus one byte to notice a file that grew).
            byte[] b = in.readNBytes((int) Math.min(maxBytes, size) + 1);
            if (b.length > maxBytes) {
                throw new FormatException(file + ": more than the " + maxBytes + " bytes a file of this kind may have");
            }
            return b;
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    /** The size of a regular file. */
    public static long size(Path file) {
        notADirectory(file);
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    /** Opens a file for reading. */
    public static InputStream open(Path file) {
        notADirectory(file);
        try {
            return Files.newInputStream(file);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    private static void notADirectory(Path file) {
        if (Files.isDirectory(file)) {
            throw new InputException(file + ": a directory, expected a file");
        }
    }

    /** The user-facing error for a file the file system would not give. */
    public static InputException unreadable(Path file, IOException e) {
        return switch (e) {
            case NoSuchFileException n -> new InputException("no such file: " + file, e);
            case AccessDeniedException a -> new InputException("cannot read " + file + ": permission denied", e);
            default -> new InputException("cannot read " + file + ": " + e.getMessage(), e);
        };
    }

    /**
     * Reads exactly {@code n} bytes of a stream whose length is not known in advance (a gzip stream),
     * growing the buffer only as bytes arrive, so a header that claims gigabytes over a short stream
     * costs no more memory than the stream holds.
     *
     * @return the bytes read: {@code n} of them, or fewer when the stream ended first
     */
    public static byte[] readUpTo(InputStream in, int n) throws IOException {
        byte[] buf = new byte[Math.min(n, 1 << 16)];
        int off = 0;
        while (off < n) {
            if (off == buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min(n, 2L * buf.length));
            }
            int r = in.read(buf, off, buf.length - off);
            if (r < 0) {
                break;
            }
            off += r;
        }
        return off == buf.length ? buf : Arrays.copyOf(buf, off);
    }

    /**
     * {@code a × b} for sizes read from a file, or -1 when the product leaves {@code long} (the caller
     * reports it as a defect of the file).
     */
    public static long multiply(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            return -1;
        }
    }
}
