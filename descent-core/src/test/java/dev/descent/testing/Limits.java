package dev.descent.testing;

import java.lang.management.ManagementFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Holds work to the bounds for bad input: it finishes within a time and allocates at most a
 * given number of bytes on the calling thread (the JVM's own per-thread allocation counter, so the
 * figure does not depend on when the collector runs).
 */
public final class Limits {

    private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Limits() {
    }

    /** Bytes allocated by the current thread so far. */
    public static long allocated() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /** Runs {@code work} and asserts it took under {@code millis} and allocated under {@code bytes}; returns its result. */
    public static <T> T within(long millis, long bytes, java.util.function.Supplier<T> work) {
        long a0 = allocated(), t0 = System.nanoTime();
        T r = work.get();
        long ms = (System.nanoTime() - t0) / 1_000_000, used = allocated() - a0;
        assertThat(ms).as("milliseconds taken").isLessThan(millis);
        assertThat(used).as("bytes allocated").isLessThan(bytes);
        return r;
    }

    /** Asserts that {@code work} throws {@code type} within the bounds; returns the exception. */
    public static <E extends Throwable> E throwsWithin(long millis, long bytes, Class<E> type, Runnable work) {
        Throwable t = within(millis, bytes, () -> {
            try {
                work.run();
                return null;
            } catch (Throwable e) {
                return e;
            }
        });
        assertThat(t).as("thrown").isInstanceOf(type);
        return type.cast(t);
    }
}
