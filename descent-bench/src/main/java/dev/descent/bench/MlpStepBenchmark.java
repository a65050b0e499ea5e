package dev.descent.bench;

import java.util.List;
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

import dev.descent.nn.Mlp;
import dev.descent.tensor.F;
import dev.descent.tensor.Generator;
import dev.descent.tensor.Tensor;
import dev.descent.tensor.kernel.Parallel;

/** One forward and backward pass of the tutorial's 784-200-100-50-10 MLP (no optimizer step). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class MlpStepBenchmark {

    @Param({"64", "1024"})
    public int batch;

    @Param({"1", "2"})
    public int threads;

    Mlp mlp;
    Tensor x;
    int[] y;

    @Setup
    public void setup() {
        Parallel.setThreads(threads);
        mlp = Mlp.of(784, List.of(200, 100, 50), 10, 2021);
        Generator g = new Generator(1);
        x = Tensor.rand(g, batch, 784);
        y = new int[batch];
        for (int i = 0; i < batch; i++) {
            y[i] = g.nextInt(10);
        }
    }

    /**
     * Floating-point operations of one forward+backward pass: 2·MACs forward, 2·MACs for the weight
     * gradients, 2·MACs for the input gradients of every layer but the first (the data needs none).
     */
    public static long flops(int batch) {
        long macs = 784 * 200 + 200 * 100 + 100 * 50 + 50 * 10;
        return 2L * batch * (3 * macs - 784 * 200);
    }

    @Benchmark
    public float forwardBackward() {
        mlp.zeroGrad(false);
        Tensor loss = F.nllLoss(mlp.forward(x), y);
        loss.backward();
        return loss.item();
    }
}
