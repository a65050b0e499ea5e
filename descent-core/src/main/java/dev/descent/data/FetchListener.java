package dev.descent.data;

/** What a fetch reports while it works, for a progress display. */
public interface FetchListener {

    /** A line for the user: where a file comes from, a checksum that failed, a fallback taken. */
    void message(String text);

    /** Bytes of {@code file} received so far out of {@code total} (−1 when unknown). */
    default void progress(String file, long done, long total) {
    }

    /** A listener that ignores everything. */
    FetchListener SILENT = text -> { };

    /** A listener that prints each message on standard error, as torchvision reports a download. */
    static FetchListener toStandardError() {
        return System.err::println;
    }
}
