package dev.descent.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The contents of an IDX file: element type, dimensions and the big-endian payload as stored.
 * Values are decoded on demand, so a 47 MB image file stays 47 MB in memory.
 */
public record IdxArray(IdxType type, int[] dims, byte[] payload) {

    /** Checks that the payload holds exactly the elements the dimensions describe. */
    public IdxArray {
        dims = dims.clone();
        long n = count(dims);
        if (n < 0 || InputFiles.multiply(n, type.bytes()) != payload.length) {
            throw new IllegalArgumentException("IDX payload of " + payload.length + " bytes does not hold " + n + " elements of " + type);
        }
    }

    /** The product of the sizes, or -1 when a size is negative or the product leaves {@code long}. */
    static long count(int[] dims) {
        long n = 1;
        for (int d : dims) {
            n = d < 0 ? -1 : InputFiles.multiply(n, d);
            if (n < 0) {
                return -1;
            }
        }
        return n;
    }

    /** The number of elements. */
    public int size() {
        return (int) count(dims);
    }

    /** Element {@code i} as a double. */
    public double get(int i) {
        ByteBuffer b = ByteBuffer.wrap(payload).order(ByteOrder.BIG_ENDIAN);
        return switch (type) {
            case UBYTE -> payload[i] & 0xFF;
            case BYTE -> payload[i];
            case SHORT -> b.getShort(2 * i);
            case INT -> b.getInt(4 * i);
            case FLOAT -> b.getFloat(4 * i);
            case DOUBLE -> b.getDouble(8 * i);
        };
    }

    /** All elements as floats times {@code scale} (1/255 turns pixels into [0, 1], the tutorial's ToTensor). */
    public float[] toFloats(float scale) {
        int n = size();
        float[] out = new float[n];
        if (type == IdxType.UBYTE) {
            for (int i = 0; i < n; i++) {
                out[i] = (payload[i] & 0xFF) * scale;
            }
            return out;
        }
        for (int i = 0; i < n; i++) {
            out[i] = (float) (get(i) * scale);
        }
        return out;
    }

    /** All elements as ints (labels); fractional values are rejected by the caller's range check. */
    public int[] toInts() {
        int n = size();
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = (int) get(i);
        }
        return out;
    }

    /** IDX data from unsigned bytes. */
    public static IdxArray ofUnsignedBytes(byte[] values, int... dims) {
        return new IdxArray(IdxType.UBYTE, dims, values.clone());
    }

    /** IDX data of any type from doubles (converted to the type's big-endian encoding). */
    public static IdxArray of(IdxType type, double[] values, int... dims) {
        ByteBuffer b = ByteBuffer.allocate(values.length * type.bytes()).order(ByteOrder.BIG_ENDIAN);
        for (double v : values) {
            switch (type) {
                case UBYTE, BYTE -> b.put((byte) (int) v);
                case SHORT -> b.putShort((short) v);
                case INT -> b.putInt((int) v);
                case FLOAT -> b.putFloat((float) v);
                case DOUBLE -> b.putDouble(v);
            }
        }
        return new IdxArray(type, dims, b.array());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IdxArray a && a.type == type && Arrays.equals(a.dims, dims) && Arrays.equals(a.payload, payload);
    }

    @Override
    public int hashCode() {
        return type.hashCode() * 31 + Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return "IdxArray[" + type + " " + Arrays.toString(dims) + "]";
    }
}
