package dev.descent.io;

/** The element types of the IDX format (third byte of the magic number), all big-endian. */
public enum IdxType {
    /** 0x08, unsigned byte. */
    UBYTE(0x08, 1),
    /** 0x09, signed byte. */
    BYTE(0x09, 1),
    /** 0x0B, 16-bit signed integer. */
    SHORT(0x0B, 2),
    /** 0x0C, 32-bit signed integer. */
    INT(0x0C, 4),
    /** 0x0D, 32-bit float. */
    FLOAT(0x0D, 4),
    /** 0x0E, 64-bit float. */
    DOUBLE(0x0E, 8);

    private final int code;
    private final int bytes;

    IdxType(int code, int bytes) {
        this.code = code;
        this.bytes = bytes;
    }

    /** The type byte in the magic number. */
    public int code() {
        return code;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** The type with this code, or null. */
    public static IdxType ofCode(int code) {
        for (IdxType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
