package dev.descent.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
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
 * <p>Reading validates everything: header size against the file, JSON, dtypes, that every tensor's
 * byte range matches its shape and lies inside the file, and that ranges do not overlap; a defect
 * throws {@link FormatException} naming the file and the tensor.
 */
public final class Safetensors {

    /** Element types. */
    public enum Dtype {
        F32(4), F64(8), I64(8), I32(4), U8(1);

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
                n *= d;
            }
            if (n * dtype.bytes() != data.length) {
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
    private static final long MAX_HEADER = 100L << 20;

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

    /** Reads and validates a whole file. */
    public static Contents read(Path file) {
        String name = file.toString();
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException("no such file: " + name, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name + ": " + e.getMessage(), e);
        }
        if (all.length < 8) {
            throw FormatException.at(name, 0, "expected an 8-byte safetensors header length, the file has " + all.length + " bytes");
        }
        long n = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (n < 2 || n > MAX_HEADER || 8 + n > all.length) {
            throw FormatException.at(name, 0, "header length " + n + " does not fit a file of " + all.length + " bytes (not a safetensors file, or truncated)");
        }
        JsonNode header;
        try {
            header = JSON.readTree(new String(all, 8, (int) n, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw FormatException.at(name, 8, "expected a JSON header: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (header == null || !header.isObject()) {
            throw FormatException.at(name, 8, "expected a JSON object as header");
        }
        long dataStart = 8 + n;
        long dataLen = all.length - dataStart;
        Map<String, Entry> tensors = new LinkedHashMap<>();
        Map<String, String> meta = new LinkedHashMap<>();
        TreeMap<Long, String> ranges = new TreeMap<>();
        Map<String, long[]> offsets = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getKey().equals("__metadata__")) {
                f.getValue().fields().forEachRemaining(m -> meta.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            JsonNode t = f.getValue();
            String tn = "tensor '" + f.getKey() + "'";
            Dtype dtype;
            try {
                dtype = Dtype.valueOf(t.path("dtype").asText());
            } catch (IllegalArgumentException e) {
                throw FormatException.at(name, 8, tn + ": unsupported dtype '" + t.path("dtype").asText() + "' (supported: F32, F64, I64, I32, U8)");
            }
            JsonNode sh = t.path("shape"), off = t.path("data_offsets");
            if (!sh.isArray() || !off.isArray() || off.size() != 2) {
                throw FormatException.at(name, 8, tn + ": expected 'shape' and two 'data_offsets'");
            }
            int[] shape = new int[sh.size()];
            long count = 1;
            for (int i = 0; i < shape.length; i++) {
                shape[i] = sh.get(i).asInt();
                if (shape[i] < 0) {
                    throw FormatException.at(name, 8, tn + ": negative dimension in shape");
                }
                count *= shape[i];
            }
            long begin = off.get(0).asLong(), end = off.get(1).asLong();
            if (begin < 0 || end < begin || end > dataLen) {
                throw FormatException.at(name, dataStart + Math.max(0, begin), tn + ": data_offsets [" + begin + ", " + end + ") outside the " + dataLen + " data bytes (truncated file?)");
            }
            if (end - begin != count * dtype.bytes()) {
                throw FormatException.at(name, dataStart + begin, tn + ": " + (end - begin) + " bytes do not hold shape " + Arrays.toString(shape) + " of " + dtype);
            }
            if (end > begin) {
                Map.Entry<Long, String> before = ranges.floorEntry(begin);
                if (before != null && offsets.get(before.getValue())[1] > begin) {
                    throw FormatException.at(name, dataStart + begin, tn + " overlaps tensor '" + before.getValue() + "'");
                }
                Map.Entry<Long, String> after = ranges.ceilingEntry(begin);
                if (after != null && after.getKey() < end) {
                    throw FormatException.at(name, dataStart + begin, tn + " overlaps tensor '" + after.getValue() + "'");
                }
                ranges.put(begin, f.getKey());
            }
            offsets.put(f.getKey(), new long[] {begin, end});
            tensors.put(f.getKey(), new Entry(dtype, shape, Arrays.copyOfRange(all, (int) (dataStart + begin), (int) (dataStart + end))));
        }
        return new Contents(tensors, meta);
    }
}
