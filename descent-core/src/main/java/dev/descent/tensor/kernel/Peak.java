package dev.descent.tensor.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A probe of the machine's single-precision peak: independent FMA chains on registers only, no
 * memory traffic. Benchmarks report GEMM throughput as a fraction of what this measures.
 */
public final class Peak {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Whether fmaChains has been compiled: later probes need only a short warm-up, so they can sit beside every measurement. */
    private static volatile boolean warm;

    private Peak() {
    }

    /** Floating-point operations one call of {@link #fmaChains(int)} performs. */
    public static long flops(int iterations) {
        return 2L * 24 * S.length() * iterations;
    }

    /**
     * Runs 12 independent FMA chains for {@code iterations} steps of two FMAs each (enough chains to
     * cover FMA latency on two ports) and returns a value depending on all of them so the JIT cannot
     * drop the work. The loop body is unrolled twice so that the method's bytecode stays above C2's
     * inlining limit for hot methods (325 bytes): always compiled on its own, it cannot lose its vector
     * intrinsics inside a caller's compilation, which with {@code -XX:UseAVX=2} halved the probe's
     * reading partway through a {@code bench} run (100 → 45 GFLOP/s per thread, 2026-11-29).
     */
    public static float fmaChains(int iterations) {
        FloatVector m = FloatVector.broadcast(S, 0.999999f), a = FloatVector.broadcast(S, 1e-7f);
        FloatVector c0 = FloatVector.broadcast(S, 1f), c1 = c0.add(1f), c2 = c0.add(2f), c3 = c0.add(3f);
        FloatVector c4 = c0.add(4f), c5 = c0.add(5f), c6 = c0.add(6f), c7 = c0.add(7f);
        FloatVector c8 = c0.add(8f), c9 = c0.add(9f), c10 = c0.add(10f), c11 = c0.add(11f);
        for (int i = 0; i < iterations; i++) {
            c0 = c0.fma(m, a); c1 = c1.fma(m, a); c2 = c2.fma(m, a); c3 = c3.fma(m, a);
            c4 = c4.fma(m, a); c5 = c5.fma(m, a); c6 = c6.fma(m, a); c7 = c7.fma(m, a);
            c8 = c8.fma(m, a); c9 = c9.fma(m, a); c10 = c10.fma(m, a); c11 = c11.fma(m, a);
            c0 = c0.fma(m, a); c1 = c1.fma(m, a); c2 = c2.fma(m, a); c3 = c3.fma(m, a);
            c4 = c4.fma(m, a); c5 = c5.fma(m, a); c6 = c6.fma(m, a); c7 = c7.fma(m, a);
            c8 = c8.fma(m, a); c9 = c9.fma(m, a); c10 = c10.fma(m, a); c11 = c11.fma(m, a);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11).lane(0);
    }

    /** One round on {@code threads} threads; one thread calls the chains directly, not through the pool. */
    private static void run(int threads, int iterations, float[] sink) {
        if (threads == 1) {
            sink[0] += fmaChains(iterations);
        } else {
            Parallel.run(threads, t -> sink[t] += fmaChains(iterations));
        }
    }

    /**
     * The aggregate FMA throughput of {@code threads} kernel threads running {@link #fmaChains} at
     * once, in GFLOP/s: the median of five rounds of a GFLOP per thread (a few milliseconds), after
     * twenty warm-up rounds on the first call and two on later ones. On a VM whose virtual cores may share one physical core's FMA units, the
     * ratio of {@code throughput(2)} to {@code throughput(1)} says how much a second thread can add
     * at the moment (1.0 to 2.0).
     *
     * @throws IllegalArgumentException if {@code threads < 1}
     */
    public static double throughput(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        int iterations = (int) (1_000_000_000L / flops(1)) + 1;
        float[] sink = new float[threads];
        double[] rounds = new double[5];
        for (int w = 0, n = warm ? 2 : 20; w < n; w++) { // warm-up: C2 compiles fmaChains after a few calls
            run(threads, iterations, sink);
        }
        warm = true;
        for (int r = 0; r < rounds.length; r++) {
            long t0 = System.nanoTime();
            run(threads, iterations, sink);
            rounds[r] = (double) threads * flops(iterations) / (System.nanoTime() - t0);
        }
        java.util.Arrays.sort(rounds);
        return sink[0] == Float.MAX_VALUE ? 0 : rounds[rounds.length / 2];
    }
}
