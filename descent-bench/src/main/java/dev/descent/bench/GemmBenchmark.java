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

import dev.descent.tensor.Generator;
import dev.descent.tensor.kernel.Gemm;
import dev.descent.tensor.kernel.Parallel;

/**
 * GEMM throughput in each layout a linear layer uses, for the shapes of the tutorial's MLP
 * (m×k×n = batch × in × out) and a large square product. C is overwritten each call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class GemmBenchmark {

    /** m x k x n. */
    @Param({"64x784x200", "64x200x100", "256x784x200", "1024x1024x1024"})
    public String shape;

    @Param({"NN", "NT", "TN"})
    public String layout;

    @Param({"1", "2"})
    public int threads;

    int m, k, n;
    float[] a, b, c;

    @Setup
    public void setup() {
        String[] p = shape.split("x");
        m = Integer.parseInt(p[0]);
        k = Integer.parseInt(p[1]);
        n = Integer.parseInt(p[2]);
        Generator g = new Generator(1);
        a = new float[m * k];
        b = new float[k * n];
        c = new float[m * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) g.nextGaussian();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) g.nextGaussian();
        }
        Parallel.setThreads(threads);
    }

    /** Floating-point operations of one product. */
    public static long flops(String shape) {
        String[] p = shape.split("x");
        return 2L * Long.parseLong(p[0]) * Long.parseLong(p[1]) * Long.parseLong(p[2]);
    }

    @Benchmark
    public float[] gemm() {
        switch (layout) {
            case "NN" -> Gemm.nn(m, n, k, a, 0, b, 0, c, 0, false);            // A[m,k]·B[k,n]
            case "NT" -> Gemm.nt(m, n, k, a, 0, b, 0, c, 0, false);            // A[m,k]·B[n,k]ᵀ
            case "TN" -> Gemm.tn(m, n, k, a, 0, b, 0, c, 0, false);            // A[k,m]ᵀ·B[k,n]
            default -> throw new IllegalArgumentException(layout);
        }
        return c;
    }
}
