package dev.descent.train;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/** The JIT compiler threads' CPU time, as the warm-up reads it to know the JIT is busy. */
class JitActivityTest {

    @Test
    void readsUserAndSystemTicksAfterTheCommandName() {
        // A /proc/<pid>/task/<tid>/stat line (Linux 6.x) of a compiler thread: utime 27, stime 3.
        String stat = "4242 (C2 CompilerThre) S 4200 4200 1 34816 4200 4194368 1717 0 0 0 27 3 0 0 20 0 31 0 "
                + "5530 5000000000 30000 18446744073709551615 1 1 0 0 0 0 4 0 16384 0 0 0 -1 1 0 0 0 0 0";
        assertThat(JitActivity.cpuTicks(stat)).isEqualTo(30);
        // A name with a space and a parenthesis does not shift the fields.
        assertThat(JitActivity.cpuTicks(stat.replace("(C2 CompilerThre)", "(a) b (c)"))).isEqualTo(30);
        assertThat(JitActivity.cpuTicks("4242 (C2 CompilerThre) S 1 2")).as("too short").isEqualTo(-1);
        assertThat(JitActivity.cpuTicks("garbage")).isEqualTo(-1);
    }

    @Test
    void knowsHotSpotsCompilerThreadsByName() {
        assertThat(JitActivity.isCompiler("C2 CompilerThre\n")).isTrue();
        assertThat(JitActivity.isCompiler("C1 CompilerThre")).isTrue();
        assertThat(JitActivity.isCompiler("descent-kernel-")).isFalse();
        assertThat(JitActivity.isCompiler("GC Thread#0")).isFalse();
    }

    @Test
    void theCompilerThreadsTicksGrowWhileTheJitWorks() {
        long before = JitActivity.compilerTicks();
        assumeThat(before).as("Linux /proc with HotSpot's compiler threads").isGreaterThanOrEqualTo(0);
        // Work the JIT has not seen: many distinct hot methods, by a class per lambda.
        long deadline = System.nanoTime() + 30_000_000_000L;
        long after = before;
        double sink = 0;
        while (after == before && System.nanoTime() < deadline) {
            for (int i = 0; i < 50; i++) {
                java.util.function.DoubleUnaryOperator f = switch (i % 5) {
                    case 0 -> x -> Math.sin(x) * 3;
                    case 1 -> x -> Math.cos(x) + x;
                    case 2 -> x -> Math.sqrt(Math.abs(x)) - 1;
                    case 3 -> x -> x * x / (1 + x * x);
                    default -> x -> Math.exp(-x * x);
                };
                for (int j = 0; j < 20_000; j++) {
                    sink += f.applyAsDouble(j * 1e-3 + i);
                }
            }
            after = JitActivity.compilerTicks();
        }
        assertThat(sink).isFinite();
        assertThat(after).isGreaterThan(before);
    }
}
