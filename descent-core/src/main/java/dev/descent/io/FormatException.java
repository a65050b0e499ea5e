package dev.descent.io;

/**
 * A file that is not what it claims to be: the message names the file, the byte offset and what
 * was expected there ("train-images: offset 16: expected 47040000 payload bytes, found 1200").
 */
public final class FormatException extends InputException {

    /** A format error with its full message. */
    public FormatException(String message) {
        super(message);
    }

    /** A format error with the exception that revealed it (kept for {@code --debug}). */
    public FormatException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A format error at {@code offset} of {@code file}. */
    public static FormatException at(String file, long offset, String expected) {
        return new FormatException(file + ": offset " + offset + ": " + expected);
    }
}
