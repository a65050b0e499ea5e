package dev.descent.optim.fused;

import dev.descent.tensor.kernel.Parallel;

/**
 * Splits an element-wise update across the kernel threads. The update is memory-bound and the
 * other core is otherwise idle while the optimizer runs; chunks start at multiples of {@link #ALIGN},
 * so every element takes the same path (vector body or scalar tail) whatever the split.
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

    private Split() {
    }

    static void run(int n, Range r) {
        int tasks = n < PARALLEL_ELEMENTS ? 1 : Math.min(Parallel.threads(), n / (PARALLEL_ELEMENTS / 2));
        if (tasks <= 1) {
            r.run(0, n);
            return;
        }
        int units = Math.ceilDiv(n, ALIGN);
        int[] cuts = new int[tasks + 1];
        for (int t = 1; t < tasks; t++) {
            cuts[t] = Math.min(n, (int) ((long) units * t / tasks) * ALIGN);
        }
        cuts[tasks] = n;
        Parallel.run(tasks, t -> r.run(cuts[t], cuts[t + 1]));
    }
}
