package dev.descent.train;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

import dev.descent.io.AtomicFiles;
import dev.descent.io.FormatException;
import dev.descent.io.InputFiles;

/**
 * A run's history as an append-only file, {@code trainer-history.bin}: each checkpoint appends what
 * the history recorded since the previous one as a chunk, and {@code trainer-state.json} records the
 * {@link Extent} it covers (bytes, their CRC-32C, and the rows they hold). Bytes past the extent are
 * a later checkpoint's that a kill cut short; they are never read, and the next append overwrites
 * them.
 *
 * <p>Why a log: the history grows by a row a step, and rewriting all of it into
 * {@code trainer-state.json} at every checkpoint made a run's checkpoint writes grow with the square
 * of its length, and its trainer state outgrow {@link dev.descent.io.Json#MAX_FILE_BYTES} after about
 * 2.7 million steps (45 epochs of MNIST at batch 1), so that {@code --resume} refused the run's own
 * checkpoint. Appending writes each row once; reading streams it, so memory follows the bytes that
 * exist.
 *
 * <p>A chunk, big-endian ({@link DataOutputStream}'s order):
 * <pre>
 * int32 trainRows, int32 validations, int32 series
 * trainRows   x (int32 epoch, float32 train_loss, float32 train_acc)       steps continue the previous chunk's
 * validations x (int32 step, float32 val_loss, float32 val_acc)            steps increasing, within the steps so far
 * series      x (uint16 nameBytes, UTF-8 name, int32 count,
 *                count x (int32 step, float64 value))                      per name, steps increasing, within the steps so far
 * </pre>
 */
public final class HistoryLog {

    /** The longest measurement name, in UTF-8 bytes. */
    public static final int MAX_NAME_BYTES = 256;

    private static final int ROW_BYTES = 12, METRIC_ROW_BYTES = 12, CHUNK_HEADER_BYTES = 12;

    private HistoryLog() {
    }

    /**
     * What a checkpoint covers of the log: its first {@code bytes}, their CRC-32C, and the rows they
     * hold (training steps, validations, and each measurement's count).
     */
    public record Extent(long bytes, long crc32c, int steps, int validations, Map<String, Integer> metrics) {

        /** Copies the map, keeping its order. */
        public Extent {
            metrics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        }

        /** The extent of an empty log. */
        public static Extent empty() {
            return new Extent(0, new CRC32C().getValue(), 0, 0, Map.of());
        }

        /** The rows of {@code h}, as an extent's counts would list them. */
        static Map<String, Integer> counts(History h) {
            Map<String, Integer> m = new LinkedHashMap<>();
            for (String name : h.metricNames()) {
                m.put(name, h.metricCount(name));
            }
            return m;
        }
    }

    /**
     * Parses the first {@code bytes} bytes of a log, streaming: every count is checked against the
     * bytes left before its rows are read, and the history grows only as rows arrive.
     *
     * @param in the log's bytes (at least {@code bytes} of them)
     * @param name the file, for messages
     * @throws FormatException naming the file, the byte offset and what was wrong
     */
    public static History parse(InputStream in, long bytes, String name) {
        Reader r = new Reader(new DataInputStream(in), bytes, name);
        History h = new History();
        Map<String, Integer> lastStep = new HashMap<>();
        int lastVal = 0;
        for (int chunk = 0; r.left() > 0; chunk++) {
            long start = r.offset();
            r.need(CHUNK_HEADER_BYTES, "chunk " + chunk + "'s header");
            int rows = r.count("chunk " + chunk + "'s training rows"), vals = r.count("chunk " + chunk + "'s validations"),
                    series = r.count("chunk " + chunk + "'s measurement series");
            if ((long) rows * ROW_BYTES + (long) vals * ROW_BYTES + (long) series * 6 > r.left()) {
                throw FormatException.at(name, start, "chunk " + chunk + " claims " + rows + " training rows, " + vals + " validations and "
                        + series + " measurement series, more than the " + r.left() + " bytes left");
            }
            for (int i = 0; i < rows; i++) {
                int epoch = r.readInt();
                if (epoch < 0) {
                    throw FormatException.at(name, r.offset() - 4, "a training row's epoch >= 0, found " + epoch);
                }
                h.addTrain(epoch, r.readFloat(), r.readFloat());
            }
            for (int i = 0; i < vals; i++) {
                int step = r.readInt();
                if (step <= lastVal || step > h.steps()) {
                    throw FormatException.at(name, r.offset() - 4, "a validation step after " + lastVal + " and at most " + h.steps() + ", found " + step);
                }
                lastVal = step;
                h.addValidation(step, r.readFloat(), r.readFloat());
            }
            for (int s = 0; s < series; s++) {
                String metric = r.name();
                r.need(4, "measurement '" + metric + "''s count");
                int count = r.count("measurement '" + metric + "''s count");
                if ((long) count * METRIC_ROW_BYTES > r.left()) {
                    throw FormatException.at(name, r.offset() - 4, "measurement '" + metric + "' claims " + count + " values, more than the " + r.left() + " bytes left");
                }
                int last = lastStep.getOrDefault(metric, -1);
                for (int i = 0; i < count; i++) {
                    int step = r.readInt();
                    // Measurements may be taken before the first step (step 0).
                    if (step <= last || step > h.steps()) {
                        throw FormatException.at(name, r.offset() - 4, "a step of '" + metric + "' after " + last + " and at most " + h.steps() + ", found " + step);
                    }
                    last = step;
                    h.addMetric(metric, step, r.readDouble());
                }
                lastStep.put(metric, last);
            }
        }
        return h;
    }

    /** A history read back from its log, and the appender that continues the log after it. */
    public record Loaded(History history, Appender appender) {
    }

    /**
     * Reads the part of {@code file} that a checkpoint covers: the file must hold at least
     * {@code e.bytes()} bytes, their CRC-32C must be {@code e.crc32c()}, and they must hold the rows
     * {@code e} lists.
     *
     * @param stateName the trainer state that gave the extent, for messages
     * @throws FormatException if the file is shorter, damaged, or holds other rows
     */
    public static Loaded load(Path file, Extent e, String stateName) {
        long size = Files.exists(file) ? InputFiles.size(file) : -1;
        if (size < e.bytes()) {
            throw new FormatException(file + ": " + (size < 0 ? "missing" : "holds " + size + " bytes") + ", but " + stateName + "'s checkpoint covers its first "
                    + e.bytes() + " (the history log is incomplete)");
        }
        CRC32C crc = new CRC32C();
        History h;
        try (InputStream in = new CheckedInputStream(new BufferedInputStream(InputFiles.open(file), 1 << 16), crc)) {
            h = parse(in, e.bytes(), file.toString());
        } catch (IOException x) {
            throw InputFiles.unreadable(file, x);
        }
        if (crc.getValue() != e.crc32c()) {
            throw new FormatException(file + ": the CRC-32C of its first " + e.bytes() + " bytes is " + Long.toHexString(crc.getValue()) + ", " + stateName
                    + " recorded " + Long.toHexString(e.crc32c()) + " (the file is damaged)");
        }
        Extent found = new Extent(e.bytes(), e.crc32c(), h.steps(), h.validations(), Extent.counts(h));
        if (!found.equals(e)) {
            throw new FormatException(file + ": its first " + e.bytes() + " bytes hold " + rows(found) + ", " + stateName + " says " + rows(e));
        }
        return new Loaded(h, new Appender(file, e, crc));
    }

    private static String rows(Extent e) {
        return e.steps() + " training steps, " + e.validations() + " validations and measurements " + e.metrics();
    }

    /**
     * Appends to a log from a known extent. Not thread-safe; after a failed append its state is
     * unknown, and the run directory reads the log again before the next one.
     */
    public static final class Appender {
        private final Path file;
        private final CRC32C crc;
        private Extent extent;

        private Appender(Path file, Extent extent, CRC32C crc) {
            this.file = file;
            this.extent = extent;
            this.crc = crc;
        }

        /** An appender for a new log (whatever {@code file} holds is overwritten by the first append). */
        public static Appender fresh(Path file) {
            return new Appender(file, Extent.empty(), new CRC32C());
        }

        /** What the log holds so far. */
        public Extent extent() {
            return extent;
        }

        /**
         * Appends the rows {@code h} recorded after this log's extent, as one chunk, and forces them
         * to the disk. Bytes past the extent (a cut-short append's) are dropped first.
         *
         * @return the new extent, for the trainer state
         * @throws IllegalStateException if {@code h} holds fewer rows than the log
         */
        public Extent append(History h) {
            Map<String, Integer> counts = Extent.counts(h);
            boolean behind = h.steps() < extent.steps() || h.validations() < extent.validations();
            for (Map.Entry<String, Integer> m : extent.metrics().entrySet()) {
                behind |= counts.getOrDefault(m.getKey(), 0) < m.getValue();
            }
            if (behind) {
                throw new IllegalStateException("the history (" + h.steps() + " steps, " + h.validations() + " validations, measurements " + counts
                        + ") is behind its log (" + extent.steps() + ", " + extent.validations() + ", " + extent.metrics() + ")");
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                ch.truncate(extent.bytes());
                ch.position(extent.bytes());
                CountingOut counted = new CountingOut(new CheckedOutputStream(new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16), crc));
                DataOutputStream out = new DataOutputStream(counted);
                writeChunk(out, h, extent, counts);
                out.flush();
                ch.force(true);
                extent = new Extent(extent.bytes() + counted.count, crc.getValue(), h.steps(), h.validations(), counts);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot append to " + file + ": " + e.getMessage(), e);
            }
            AtomicFiles.publicPermissions(file);
            return extent;
        }

        private static void writeChunk(DataOutputStream out, History h, Extent from, Map<String, Integer> counts) throws IOException {
            int series = 0;
            for (String name : counts.keySet()) {
                if (counts.get(name) > from.metrics().getOrDefault(name, 0)) {
                    series++;
                }
            }
            out.writeInt(h.steps() - from.steps());
            out.writeInt(h.validations() - from.validations());
            out.writeInt(series);
            for (int i = from.steps(); i < h.steps(); i++) {
                out.writeInt(h.trainEpochAt(i));
                out.writeFloat(h.trainLossAt(i));
                out.writeFloat(h.trainAccAt(i));
            }
            // Read in place, not through the copying getters: a copy of every array at every checkpoint
            // would grow with the square of the run's length again.
            for (int i = from.validations(); i < h.validations(); i++) {
                out.writeInt(h.valIdxAt(i));
                out.writeFloat(h.valLossAt(i));
                out.writeFloat(h.valAccAt(i));
            }
            for (Map.Entry<String, Integer> m : counts.entrySet()) {
                int done = from.metrics().getOrDefault(m.getKey(), 0);
                if (m.getValue() <= done) {
                    continue;
                }
                byte[] name = m.getKey().getBytes(StandardCharsets.UTF_8);
                if (name.length == 0 || name.length > MAX_NAME_BYTES) {
                    throw new IllegalArgumentException("measurement name '" + m.getKey() + "' must be 1 to " + MAX_NAME_BYTES + " UTF-8 bytes");
                }
                out.writeShort(name.length);
                out.write(name);
                out.writeInt(m.getValue() - done);
                for (int i = done; i < m.getValue(); i++) {
                    out.writeInt(h.metricStepAt(m.getKey(), i));
                    out.writeDouble(h.metricValueAt(m.getKey(), i));
                }
            }
        }
    }

    /** Counts the bytes written through it (the chunk's length, for the extent). */
    private static final class CountingOut extends java.io.FilterOutputStream {
        long count;

        CountingOut(java.io.OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }

    /** Reads big-endian fields, counting the bytes left of the extent; a stream that ends early is a format error. */
    private static final class Reader {
        private final DataInputStream in;
        private final long bytes;
        private final String name;
        private long left;

        Reader(DataInputStream in, long bytes, String name) {
            this.in = in;
            this.bytes = bytes;
            this.left = bytes;
            this.name = name;
        }

        long left() {
            return left;
        }

        long offset() {
            return bytes - left;
        }

        void need(long n, String what) {
            if (n > left) {
                throw FormatException.at(name, offset(), what + " (" + n + " bytes), but only " + left + " are left of the " + bytes + " the checkpoint covers");
            }
        }

        int count(String what) {
            int v = readInt();
            if (v < 0) {
                throw FormatException.at(name, offset() - 4, what + " as a count >= 0, found " + v);
            }
            return v;
        }

        int readInt() {
            return (int) read(4);
        }

        float readFloat() {
            return Float.intBitsToFloat(readInt());
        }

        double readDouble() {
            return Double.longBitsToDouble(read(8));
        }

        /** The next 4 or 8 bytes as a big-endian number, if the extent has them. */
        private long read(int bytes) {
            need(bytes, bytes + " more bytes");
            try {
                long v = bytes == 4 ? in.readInt() : in.readLong();
                left -= bytes;
                return v;
            } catch (IOException e) {
                throw ended(e);
            }
        }

        String name() {
            need(2, "a measurement name's length");
            int n;
            try {
                n = in.readUnsignedShort();
                left -= 2;
            } catch (IOException e) {
                throw ended(e);
            }
            if (n == 0 || n > MAX_NAME_BYTES) {
                throw FormatException.at(name, offset() - 2, "a measurement name of 1 to " + MAX_NAME_BYTES + " bytes, found " + n);
            }
            need(n, "a measurement name");
            byte[] b = new byte[n];
            try {
                in.readFully(b);
                left -= n;
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(b)).toString();
            } catch (CharacterCodingException e) {
                throw FormatException.at(name, offset() - n, "a measurement name in UTF-8");
            } catch (IOException e) {
                throw ended(e);
            }
        }

        private RuntimeException ended(IOException e) {
            if (e instanceof EOFException) {
                return FormatException.at(name, offset(), "more bytes: the file ends before the " + bytes + " the checkpoint covers");
            }
            return new UncheckedIOException("cannot read " + name + ": " + e.getMessage(), e);
        }
    }
}
