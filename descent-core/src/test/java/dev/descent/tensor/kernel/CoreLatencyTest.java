package dev.descent.tensor.kernel;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The core-to-core probe: a finite round trip where there are two CPUs, NaN where there is one, and no thread left behind. */
class CoreLatencyTest {

    @Test
    void measuresARoundTripBetweenTwoThreadsAndStopsItsPartner() throws InterruptedException {
        double ns = CoreLatency.roundTripNanos();
        if (Runtime.getRuntime().availableProcessors() < 2) {
            assertThat(ns).isNaN();
            return;
        }
        // a cache line between two cores: tens of nanoseconds to a few microseconds; never zero, never
        // the 20 ms a round may take at most
        assertThat(ns).isGreaterThan(1).isLessThan(20_000_000);
        for (int i = 0; i < 200 && partnerAlive(); i++) {
            Thread.sleep(5);
        }
        assertThat(partnerAlive()).as("the partner thread stops after the probe").isFalse();
    }

    private static boolean partnerAlive() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("descent-core-latency") && t.isAlive());
    }
}
