package dev.descent.tensor.kernel;

import java.util.Arrays;

/**
 * A probe of how far apart two cores are: the round trip of one cache line between two threads
 * that each spin on the other's last write.
 *
 * <p>A two-thread training step hands work between its threads several times per step and shares
 * the parameters and gradients between the two cores, so it runs at the speed of that round trip
 * as much as at the FMA units'. On a VM the hypervisor places the virtual CPUs on physical cores and
 * moves them: on the 2-vCPU AMD EPYC of docs/PERFORMANCE.md the round trip was either about 70 ns
 * (cores sharing an L3) or 370–410 ns (cores on different dies), switching every few seconds to
 * minutes, and in the slow placement a batch-64 epoch took 0.86–0.90 s on two threads instead of
 * 0.40–0.44 (one thread: 0.64–0.68 s either way), while {@link Peak}, whose threads never
 * communicate, read the same. Measured beside every epoch, it tells such epochs apart.
 */
public final class CoreLatency {

    private static final int ROUND_TRIPS = 2_000;
    private static final int ROUNDS = 5;
    /** A round never takes longer than this, even where the two threads share one CPU and every round trip waits for the scheduler. */
    private static final long ROUND_BUDGET_NANOS = 20_000_000L;

    private CoreLatency() {
    }

    /**
     * The median over five rounds of the time, in nanoseconds, for one value to go from this thread
     * to a partner thread and back ({@value #ROUND_TRIPS} round trips a round, at most 20 ms a round),
     * or NaN on a machine with a single CPU, where there is no second core to reach.
     */
    public static double roundTripNanos() {
        if (Runtime.getRuntime().availableProcessors() < 2) {
            return Double.NaN;
        }
        Partner partner = new Partner();
        Thread t = new Thread(partner, "descent-core-latency");
        t.setDaemon(true);
        t.start();
        try {
            double[] rounds = new double[ROUNDS];
            round(partner, 200); // both threads spinning and compiled before the timed rounds
            for (int r = 0; r < ROUNDS; r++) {
                rounds[r] = round(partner, ROUND_TRIPS);
            }
            Arrays.sort(rounds);
            return rounds[ROUNDS / 2];
        } finally {
            partner.stop = true;
        }
    }

    /** Nanoseconds per round trip over up to {@code n} round trips. */
    private static double round(Partner p, int n) {
        long t0 = System.nanoTime(), deadline = t0 + ROUND_BUDGET_NANOS;
        int done = 0;
        while (done < n) {
            long v = p.ping + 1;
            p.ping = v;
            int spins = 0;
            while (p.pong != v) {
                Thread.onSpinWait();
                if ((++spins & 1023) == 0 && System.nanoTime() > deadline) {
                    return done == 0 ? (System.nanoTime() - t0) : (double) (System.nanoTime() - t0) / done;
                }
            }
            done++;
        }
        return (double) (System.nanoTime() - t0) / done;
    }

    /** Echoes every value written to {@code ping} into {@code pong}. */
    private static final class Partner implements Runnable {
        volatile long ping;
        volatile long pong;
        volatile boolean stop;

        @Override
        public void run() {
            long seen = 0;
            while (!stop) {
                long v = ping;
                if (v != seen) {
                    seen = v;
                    pong = v;
                } else {
                    Thread.onSpinWait();
                }
            }
        }
    }
}
