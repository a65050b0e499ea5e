package dev.descent.io;

import java.io.BufferedInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

/**
 * Reads and writes IDX files (LeCun's MNIST format), raw or gzip-compressed (detected from the first
 * bytes, not the name). Layout: two zero bytes, the element type, the number of dimensions, one
 * big-endian 32-bit size per dimension, then the elements in row-major order, big-endian.
 *
 * <p>Validation is strict: every defect — empty file, wrong magic, unknown type, no dimensions, a
 * negative size, a payload shorter or longer than the sizes say, a damaged gzip stream — throws a
 * {@link FormatException} naming the file, the byte offset (in the uncompressed stream) and what was
 * expected there.
 */
public final class Idx {

    private static final int MAX_DIMS = 16;

    private Idx() {
    }

    /** Reads an IDX file; a raw file's length is compared with its dimensions before anything is allocated. */
    public static IdxArray read(Path file) {
        long size = InputFiles.size(file);
        try (InputStream raw = new BufferedInputStream(InputFiles.open(file), 1 << 16)) {
            return readRawOrGzip(raw, size, file.toString());
        } catch (IOException e) {
            throw InputFiles.unreadable(file, e);
        }
    }

    /** Reads the bytes of an IDX file (raw or gzip) held in memory; {@code name} is used in error messages. */
    public static IdxArray read(byte[] bytes, String name) {
        try {
            return readRawOrGzip(new java.io.ByteArrayInputStream(bytes), bytes.length, name);
        } catch (IOException e) {
            throw new FormatException(name + ": " + e.getMessage(), e);
        }
    }

    /** Tells gzip from raw by the first two bytes (not the name); {@code raw} must support mark. */
    private static IdxArray readRawOrGzip(InputStream raw, long size, String name) throws IOException {
        raw.mark(2);
        int b0 = raw.read(), b1 = raw.read();
        raw.reset();
        if (b0 < 0) {
            throw FormatException.at(name, 0, "expected an IDX header, found an empty file");
        }
        boolean gz = b0 == 0x1f && b1 == 0x8b;
        try (InputStream in = gz ? new GZIPInputStream(raw, 1 << 16) : raw) {
            return read(in, name + (gz ? " (gzip)" : ""), gz ? -1 : size);
        } catch (ZipException | EOFException e) {
            throw new FormatException(name + ": damaged gzip stream (" + e.getMessage() + ")", e);
        }
    }

    /** Reads IDX data from a stream of unknown length; {@code name} is used in error messages. */
    public static IdxArray read(InputStream in, String name) throws IOException {
        return read(in, name, -1);
    }

    /**
     * Reads IDX data from a stream.
     *
     * @param length the stream's length when known (a raw file), else -1: the payload then grows
     *               only as bytes arrive, so a header claiming more than the stream holds costs no
     *               more memory than the stream
     */
    private static IdxArray read(InputStream in, String name, long length) throws IOException {
        byte[] header = new byte[4];
        int got = readFully(in, header);
        if (got == 0) {
            throw FormatException.at(name, 0, "expected an IDX header, found an empty file");
        }
        if (got < 4) {
            throw FormatException.at(name, got, "expected a 4-byte magic number, the file ends after " + got + " bytes");
        }
        if (header[0] != 0 || header[1] != 0) {
            throw FormatException.at(name, 0, String.format("expected magic bytes 00 00, found %02x %02x (not an IDX file)", header[0] & 0xFF, header[1] & 0xFF));
        }
        IdxType type = IdxType.ofCode(header[2] & 0xFF);
        if (type == null) {
            throw FormatException.at(name, 2, String.format("expected an element type 08, 09, 0b, 0c, 0d or 0e, found %02x", header[2] & 0xFF));
        }
        int nd = header[3] & 0xFF;
        if (nd == 0 || nd > MAX_DIMS) {
            throw FormatException.at(name, 3, "expected 1 to " + MAX_DIMS + " dimensions, found " + nd);
        }
        byte[] dimBytes = new byte[4 * nd];
        got = readFully(in, dimBytes);
        if (got < dimBytes.length) {
            throw FormatException.at(name, 4 + got, "expected " + nd + " dimension sizes (" + dimBytes.length + " bytes), the file ends after " + (4 + got) + " bytes");
        }
        int[] dims = new int[nd];
        long count = 1;
        for (int i = 0; i < nd; i++) {
            dims[i] = ((dimBytes[4 * i] & 0xFF) << 24) | ((dimBytes[4 * i + 1] & 0xFF) << 16) | ((dimBytes[4 * i + 2] & 0xFF) << 8) | (dimBytes[4 * i + 3] & 0xFF);
            if (dims[i] < 0) {
                throw FormatException.at(name, 4 + 4L * i, "expected a non-negative size for dimension " + i + ", found " + dims[i]);
            }
            count = InputFiles.multiply(count, dims[i]);
            if (count < 0) {
                throw FormatException.at(name, 4, "dimensions " + Arrays.toString(dims) + " describe more elements than a long can count");
            }
        }
        long headerLen = 4 + 4L * nd;
        long payloadLen = InputFiles.multiply(count, type.bytes());
        if (payloadLen < 0 || payloadLen > Integer.MAX_VALUE - 8) {
            throw FormatException.at(name, 4, "dimensions " + Arrays.toString(Arrays.copyOf(dims, nd)) + " describe " + (payloadLen < 0 ? "more than 2^63" : payloadLen)
                    + " bytes, more than one array can hold");
        }
        if (length >= 0 && length - headerLen != payloadLen) {
            long found = length - headerLen;
            throw FormatException.at(name, found < payloadLen ? length : headerLen + payloadLen, "expected " + payloadLen + " payload bytes for dimensions "
                    + Arrays.toString(dims) + " after the " + headerLen + "-byte header, "
                    + (found < payloadLen ? "found only " + found + " (truncated file)" : "found " + found + ": more data than the dimensions describe"));
        }
        byte[] payload = InputFiles.readUpTo(in, (int) payloadLen);
        if (payload.length < payloadLen) {
            throw FormatException.at(name, headerLen + payload.length, "expected " + payloadLen + " payload bytes for dimensions "
                    + Arrays.toString(dims) + " after the " + headerLen + "-byte header, found only " + payload.length + " (truncated file)");
        }
        if (in.read() >= 0) {
            throw FormatException.at(name, headerLen + payloadLen, "expected the end of the file after " + payloadLen + " payload bytes, found more data");
        }
        return new IdxArray(type, dims, payload);
    }

    private static int readFully(InputStream in, byte[] buf) throws IOException {
        int off = 0;
        while (off < buf.length) {
            int r = in.read(buf, off, buf.length - off);
            if (r < 0) {
                break;
            }
            off += r;
        }
        return off;
    }

    /**
     * Reads a label file: a 1-D IDX array of integers, each in [0, numClasses) (any non-negative
     * value when {@code numClasses} is 0).
     */
    public static int[] readLabels(Path file, int numClasses) {
        IdxArray a = read(file);
        String name = file.toString();
        if (a.dims().length != 1) {
            throw FormatException.at(name, 3, "expected a 1-dimensional label file, found " + a.dims().length + " dimensions");
        }
        if (a.type() == IdxType.FLOAT || a.type() == IdxType.DOUBLE) {
            throw FormatException.at(name, 2, "expected integer labels, found element type " + a.type());
        }
        int[] labels = a.toInts();
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || (numClasses > 0 && labels[i] >= numClasses)) {
                String range = numClasses > 0 ? "[0, " + numClasses + ")" : "[0, ∞)";
                throw FormatException.at(name, 8 + (long) i * a.type().bytes(), "label " + i + " is " + labels[i] + ", expected a class in " + range);
            }
        }
        return labels;
    }

    /** Writes an IDX file, gzip-compressed when {@code gzip}; written to a temporary name, then renamed. */
    public static void write(Path file, IdxArray array, boolean gzip) {
        AtomicFiles.write(file, out -> {
            OutputStream o = gzip ? new GZIPOutputStream(out, 1 << 16) : out;
            DataOutputStream d = new DataOutputStream(o);
            d.writeByte(0);
            d.writeByte(0);
            d.writeByte(array.type().code());
            d.writeByte(array.dims().length);
            for (int dim : array.dims()) {
                d.writeInt(dim);
            }
            d.write(array.payload());
            d.flush();
            if (o instanceof GZIPOutputStream g) {
                g.finish();
            }
        });
    }
}
