package dev.descent.optim.fused;

import java.util.Arrays;

import dev.descent.tensor.kernel.Parallel;

/**
 * Splits an element-wise update across the kernel threads. The update is memory-bound and the
 * other core is otherwise idle while the optimizer runs; chunks start at multiples of {@link #ALIGN},
 * so every element takes the same path (vector body or scalar tail) whatever the split.
 *
 * <p>Inside {@link #onRange} an update covers only that range of its arrays, on the calling thread:
 * {@link #byRanges} runs a whole optimizer step's updates that way, each thread its share of every
 * parameter, in one hand-off.
 */
final class Split {

    /** Below this many elements one thread does it all: a hand-off costs more than it saves. */
    static final int PARALLEL_ELEMENTS = 1 << 15;
    /** A multiple of every vector length (up to 64 floats). */
    static final int ALIGN = 64;

    /** An element-wise update of [from, to). */
    @FunctionalInterface
    interface Range {
        void run(int from, int to);
    }

    /**
     * Elements per piece of a thread's share in {@link #byRanges}: 16 KiB of each array, so that the
     * gradient is still in the core's L1 cache when the piece's update has read it and it is zeroed.
     */
    static final int PIECE = 4096;

    /**
     * The range the calling thread's updates are restricted to ({@link #onRange}): {from, to, 1}, or
     * {·, ·, 0} outside one. One per thread, reused: a step sets it a few dozen times.
     */
    private static final ThreadLocal<int[]> RANGE = ThreadLocal.withInitial(() -> new int[3]);

    private Split() {
    }

    static void run(int n, Range r) {
        int[] only = RANGE.get();
        if (only[2] != 0) {
            int from = Math.min(n, only[0]), to = Math.min(n, only[1]);
            if (from < to) {
                r.run(from, to);
            }
            return;
        }
        int tasks = n < PARALLEL_ELEMENTS ? 1 : Math.min(Parallel.threads(), n / (PARALLEL_ELEMENTS / 2));
        if (tasks <= 1) {
            r.run(0, n);
            return;
        }
        int parts = tasks;
        Parallel.run(tasks, t -> r.run(Parallel.cut(n, t, parts, ALIGN), Parallel.cut(n, t + 1, parts, ALIGN)));
    }

    /** Runs {@code pass} with every update it makes on this thread restricted to elements [from, to) (clipped to each array's length). */
    static void onRange(int from, int to, Runnable pass) {
        int[] range = RANGE.get();
        int outerFrom = range[0], outerTo = range[1], outerSet = range[2];
        range[0] = from;
        range[1] = to;
        range[2] = 1;
        try {
            pass.run();
        } finally {
            range[0] = outerFrom;
            range[1] = outerTo;
            range[2] = outerSet;
        }
    }

    /**
     * Runs {@code passes[i]} over all {@code sizes[i]} elements of parameter i, for every i, on all
     * kernel threads in one hand-off: thread t takes the t-th share of every parameter
     * ({@link Parallel#cut} at multiples of {@link #ALIGN}, as {@link #run} cuts one) and goes through it in pieces of
     * {@link #PIECE}, zeroing each piece of {@code clear[i]} (when given) right after its pass.
     */
    static void byRanges(int[] sizes, Runnable[] passes, float[][] clear) {
        int tasks = Parallel.threads();
        Parallel.run(tasks, t -> {
            for (int i = 0; i < sizes.length; i++) {
                int n = sizes[i], lo = Parallel.cut(n, t, tasks, ALIGN), hi = Parallel.cut(n, t + 1, tasks, ALIGN);
                for (int a = lo; a < hi; a += PIECE) {
                    int b = Math.min(hi, a + PIECE);
                    onRange(a, b, passes[i]);
                    if (clear[i] != null) {
                        Arrays.fill(clear[i], a, b, 0f);
                    }
                }
            }
        });
    }
}
