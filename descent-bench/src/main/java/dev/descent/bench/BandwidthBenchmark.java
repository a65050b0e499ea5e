package dev.descent.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * STREAM's triad, a[i] = b[i] + s·c[i], single-threaded: the memory bandwidth one core sees, at a
 * size that lives in L3 (5 MB, like an optimizer step on the MLP) and one that does not (192 MB).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class BandwidthBenchmark {

    /** Floats per array. */
    @Param({"436000", "16000000"})
    public int n;

    float[] a, b, c;

    @Setup
    public void setup() {
        a = new float[n];
        b = new float[n];
        c = new float[n];
        java.util.Arrays.fill(b, 1f);
        java.util.Arrays.fill(c, 2f);
    }

    @Benchmark
    public float[] triad() {
        float s = 0.5f;
        for (int i = 0; i < n; i++) {
            a[i] = b[i] + s * c[i];
        }
        return a;
    }
}
