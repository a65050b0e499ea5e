package dev.descent.io;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length N, N bytes of JSON
 * mapping each tensor name to {@code dtype}, {@code shape} and {@code data_offsets} [begin, end)
 * relative to the end of the header (plus an optional {@code __metadata__} map of strings), then the
 * little-endian tensor bytes. PyTorch's {@code safetensors.torch.save_file} and ours read each other.
 *
 * <p>Reading validates everything before it allocates for a tensor: the header length against the
 * file, the JSON (strict: no repeated key), dtypes, shapes (whole numbers whose product is counted in
 * {@code long} with overflow checked), that every tensor's byte range matches its shape and lies
 * inside the file, and that ranges do not overlap; a defect throws {@link FormatException} naming
 * the file and the tensor. Memory is bounded by the file's size.
 */
public final class Safetensors {

    /** Element types. */
    public enum Dtype {
        /** 32-bit float. */
        F32(4),
        /** 64-bit float. */
        F64(8),
        /** 64-bit signed integer. */
        I64(8),
        /** 32-bit signed integer. */
        I32(4),
        /** Unsigned byte. */
        U8(1);

        private final int bytes;

        Dtype(int bytes) {
            this.bytes = bytes;
        }

        /** Bytes per element. */
        public int bytes() {
            return bytes;
        }
    }

    /** One tensor: type, shape and its little-endian bytes. */
    public record Entry(Dtype dtype, int[] shape, byte[] data) {
        /** Checks that the bytes hold exactly the shape's elements. */
        public Entry {
            long n = 1;
            for (int d : shape) {
                if (d < 0) {
                    throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
                }
                n = InputFiles.multiply(n, d);
            }
            if (n < 0 || InputFiles.multiply(n, dtype.bytes()) != data.length) {
                throw new IllegalArgumentException(dtype + " tensor of shape " + Arrays.toString(shape) + " needs " + n * dtype.bytes() + " bytes, got " + data.length);
            }
            shape = shape.clone();
        }

        /** A float32 tensor. */
        public static Entry f32(float[] values, int... shape) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(values);
            return new Entry(Dtype.F32, shape, b.array());
        }

        /** A float64 tensor. */
        public static Entry f64(double[] values, int... shape) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
            b.asDoubleBuffer().put(values);
            return new Entry(Dtype.F64, shape, b.array());
        }

        /** An int64 tensor. */
        public static Entry i64(long[] values, int... shape) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
            b.asLongBuffer().put(values);
            return new Entry(Dtype.I64, shape, b.array());
        }

        private ByteBuffer buf() {
            return ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        }

        /** The values as floats (F32 exactly; F64 rounded). */
        public float[] toFloats() {
            int n = data.length / dtype.bytes();
            float[] out = new float[n];
            switch (dtype) {
                case F32 -> buf().asFloatBuffer().get(out);
                case F64 -> {
                    for (int i = 0; i < n; i++) {
                        out[i] = (float) buf().getDouble(8 * i);
                    }
                }
                default -> throw new IllegalStateException("tensor of type " + dtype + " is not floating point");
            }
            return out;
        }

        /** The values as doubles. */
        public double[] toDoubles() {
            int n = data.length / dtype.bytes();
            double[] out = new double[n];
            ByteBuffer b = buf();
            for (int i = 0; i < n; i++) {
                out[i] = switch (dtype) {
                    case F32 -> b.getFloat(4 * i);
                    case F64 -> b.getDouble(8 * i);
                    case I64 -> b.getLong(8 * i);
                    case I32 -> b.getInt(4 * i);
                    case U8 -> data[i] & 0xFF;
                };
            }
            return out;
        }

        /** The values as longs (integer types). */
        public long[] toLongs() {
            int n = data.length / dtype.bytes();
            long[] out = new long[n];
            ByteBuffer b = buf();
            for (int i = 0; i < n; i++) {
                out[i] = switch (dtype) {
                    case I64 -> b.getLong(8 * i);
                    case I32 -> b.getInt(4 * i);
                    case U8 -> data[i] & 0xFF;
                    default -> throw new IllegalStateException("tensor of type " + dtype + " is not an integer type");
                };
            }
            return out;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Entry e && e.dtype == dtype && Arrays.equals(e.shape, shape) && Arrays.equals(e.data, data);
        }

        @Override
        public int hashCode() {
            return dtype.hashCode() * 31 + Arrays.hashCode(shape);
        }
    }

    /** A whole file: tensors in file order and the string metadata. */
    public record Contents(Map<String, Entry> tensors, Map<String, String> metadata) {
        /** Copies the maps, keeping order. */
        public Contents {
            tensors = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
            metadata = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The reference implementation's limit on the JSON header. */
    private static final long MAX_HEADER = 100L << 20;
    /** The most bytes one tensor may have: a Java array's limit. */
    private static final long MAX_TENSOR_BYTES = Integer.MAX_VALUE - 8;
    /** More dimensions than any tensor here has; bounds the shape array a header can ask for. */
    private static final int MAX_DIMS = 64;

    private Safetensors() {
    }

    /** Writes tensors (in the given order) and metadata, atomically. */
    public static void write(Path file, Map<String, Entry> tensors, Map<String, String> metadata) {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            new TreeMap<>(metadata).forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, Entry> e : tensors.entrySet()) {
            if (e.getKey().equals("__metadata__")) {
                throw new IllegalArgumentException("a tensor cannot be named __metadata__");
            }
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", e.getValue().dtype().name());
            ArrayNode shape = t.putArray("shape");
            for (int d : e.getValue().shape()) {
                shape.add(d);
            }
            ArrayNode off = t.putArray("data_offsets");
            off.add(offset);
            offset += e.getValue().data().length;
            off.add(offset);
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(header);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Pad the header with spaces to a multiple of 8 so that tensor data is aligned.
        int padded = (json.length + 7) / 8 * 8;
        byte[] head = Arrays.copyOf(json, padded);
        Arrays.fill(head, json.length, padded, (byte) ' ');
        AtomicFiles.write(file, out -> {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
            out.write(head);
            for (Entry e : tensors.values()) {
                out.write(e.data());
            }
        });
    }

    /** Reads and validates a whole file; nothing is allocated for a tensor before its bytes are known to be in the file. */
    public static Contents read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            return parse(new Source() {
                @Override
                public long size() {
                    return size;
                }

                @Override
                public byte[] read(long pos, int len) throws IOException {
                    ByteBuffer b = ByteBuffer.allocate(len);
                    while (b.hasRemaining()) {
                        if (ch.read(b, pos + b.position()) < 0) {
                            throw new EOFException("the file ended at " + (pos + b.position()) + " bytes");
                        }
                    }
                    return b.array();
                }
            }, file.toString());
        } catch (IOException e) {
            if (Files.isDirectory(file)) {
                throw new InputException(file + ": a directory, expected a safetensors file");
            }
            throw e instanceof EOFException ? new FormatException(file + ": " + e.getMessage() + " (it changed while being read?)", e)
                    : InputFiles.unreadable(file, e);
        }
    }

    /** Reads and validates safetensors bytes held in memory; {@code name} is used in error messages. */
    public static Contents read(byte[] bytes, String name) {
        try {
            return parse(new Source() {
                @Override
                public long size() {
                    return bytes.length;
                }

                @Override
                public byte[] read(long pos, int len) {
                    return Arrays.copyOfRange(bytes, (int) pos, (int) pos + len);
                }
            }, name);
        } catch (IOException e) {
            throw new IllegalStateException(e); // an array cannot fail to read
        }
    }

    /** Random access to the bytes of a file or an array. */
    private interface Source {
        long size();

        /** Bytes [pos, pos + len), which the caller has checked lie inside {@link #size()}. */
        byte[] read(long pos, int len) throws IOException;
    }

    private static Contents parse(Source src, String name) throws IOException {
        long size = src.size();
        if (size < 8) {
            throw FormatException.at(name, 0, "expected an 8-byte safetensors header length, the file has " + size + " bytes");
        }
        long n = ByteBuffer.wrap(src.read(0, 8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (n < 2 || n > MAX_HEADER || n > size - 8) {
            throw FormatException.at(name, 0, "header length " + n + " does not fit a file of " + size + " bytes (not a safetensors file, or truncated)");
        }
        JsonNode header;
        try {
            header = Json.STRICT.readTree(src.read(8, (int) n));
        } catch (IOException e) {
            throw FormatException.at(name, 8, "expected a JSON header: " + Json.firstLine(e.getMessage()));
        }
        if (header == null || !header.isObject()) {
            throw FormatException.at(name, 8, "expected a JSON object as header");
        }
        long dataStart = 8 + n;
        long dataLen = size - dataStart;
        Map<String, Entry> tensors = new LinkedHashMap<>();
        Map<String, String> meta = new LinkedHashMap<>();
        TreeMap<Long, long[]> ranges = new TreeMap<>();
        Map<String, long[]> offsets = new LinkedHashMap<>();
        List<String> order = new ArrayList<>();
        Map<String, Dtype> dtypes = new LinkedHashMap<>();
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getKey().equals("__metadata__")) {
                if (!f.getValue().isObject()) {
                    throw FormatException.at(name, 8, "__metadata__ must map names to strings");
                }
                for (Iterator<Map.Entry<String, JsonNode>> m = f.getValue().fields(); m.hasNext(); ) {
                    Map.Entry<String, JsonNode> kv = m.next();
                    if (!kv.getValue().isTextual()) {
                        throw FormatException.at(name, 8, "__metadata__ entry '" + kv.getKey() + "' is not a string");
                    }
                    meta.put(kv.getKey(), kv.getValue().textValue());
                }
                continue;
            }
            JsonNode t = f.getValue();
            String tn = "tensor '" + f.getKey() + "'";
            if (!t.isObject()) {
                throw FormatException.at(name, 8, tn + ": expected an object with dtype, shape and data_offsets");
            }
            Dtype dtype = dtype(t.path("dtype"));
            if (dtype == null) {
                throw FormatException.at(name, 8, tn + ": unsupported dtype '" + t.path("dtype").asText() + "' (supported: F32, F64, I64, I32, U8)");
            }
            JsonNode sh = t.path("shape"), off = t.path("data_offsets");
            if (!sh.isArray() || !off.isArray() || off.size() != 2) {
                throw FormatException.at(name, 8, tn + ": expected 'shape' and two 'data_offsets'");
            }
            if (sh.size() > MAX_DIMS) {
                throw FormatException.at(name, 8, tn + ": " + sh.size() + " dimensions, at most " + MAX_DIMS + " supported");
            }
            int[] shape = new int[sh.size()];
            long count = 1;
            for (int i = 0; i < shape.length; i++) {
                JsonNode d = sh.get(i);
                if (!d.canConvertToInt() || !d.isIntegralNumber() || d.intValue() < 0) {
                    throw FormatException.at(name, 8, tn + ": dimension " + i + " of the shape is " + d + ", expected a whole number from 0 to " + Integer.MAX_VALUE);
                }
                shape[i] = d.intValue();
                count = InputFiles.multiply(count, shape[i]);
                if (count < 0) {
                    throw FormatException.at(name, 8, tn + ": shape " + sh + " has more elements than a long can count");
                }
            }
            long bytes = InputFiles.multiply(count, dtype.bytes());
            if (!off.get(0).isIntegralNumber() || !off.get(1).isIntegralNumber() || !off.get(0).canConvertToLong() || !off.get(1).canConvertToLong()) {
                throw FormatException.at(name, 8, tn + ": data_offsets " + off + " are not two whole numbers");
            }
            long begin = off.get(0).longValue(), end = off.get(1).longValue();
            if (begin < 0 || end < begin || end > dataLen) {
                throw FormatException.at(name, dataStart + Math.max(0, Math.min(begin, dataLen)), tn + ": data_offsets [" + begin + ", " + end + ") outside the " + dataLen + " data bytes (truncated file?)");
            }
            if (bytes < 0 || end - begin != bytes) {
                throw FormatException.at(name, dataStart + begin, tn + ": " + (end - begin) + " bytes do not hold shape " + Arrays.toString(shape) + " of " + dtype);
            }
            if (bytes > MAX_TENSOR_BYTES) {
                throw FormatException.at(name, dataStart + begin, tn + ": " + bytes + " bytes, more than one Java array holds");
            }
            if (end > begin) {
                Map.Entry<Long, long[]> before = ranges.floorEntry(begin);
                if (before != null && before.getValue()[0] > begin) {
                    throw FormatException.at(name, dataStart + begin, tn + " overlaps another tensor's bytes");
                }
                Map.Entry<Long, long[]> after = ranges.ceilingEntry(begin);
                if (after != null && after.getKey() < end) {
                    throw FormatException.at(name, dataStart + begin, tn + " overlaps another tensor's bytes");
                }
                ranges.put(begin, new long[] {end});
            }
            order.add(f.getKey());
            offsets.put(f.getKey(), new long[] {begin, end});
            dtypes.put(f.getKey(), dtype);
            shapes.put(f.getKey(), shape);
        }
        // Every range is checked: now the bytes (at most the file's size in all) are read.
        for (String t : order) {
            long[] o = offsets.get(t);
            tensors.put(t, new Entry(dtypes.get(t), shapes.get(t), src.read(dataStart + o[0], (int) (o[1] - o[0]))));
        }
        return new Contents(tensors, meta);
    }

    private static Dtype dtype(JsonNode n) {
        if (!n.isTextual()) {
            return null;
        }
        for (Dtype d : Dtype.values()) {
            if (d.name().equals(n.textValue())) {
                return d;
            }
        }
        return null;
    }
}
