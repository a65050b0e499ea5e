package dev.descent.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import dev.descent.data.DataLoader;
import dev.descent.data.TensorDataset;
import dev.descent.nn.Mlp;
import dev.descent.optim.Adam;
import dev.descent.optim.Optimizer;
import dev.descent.tensor.Generator;
import dev.descent.tensor.Tensor;
import dev.descent.tensor.kernel.Parallel;
import dev.descent.train.TrainConfig;
import dev.descent.train.Trainer;

/**
 * One whole training step of the benchmark MLP (784-200-100-50-10) as {@code train} runs it: the
 * shuffled batch gathered, forward, loss and backward (data-parallel shards unless
 * {@code -Ddescent.dataParallel=false}), Adam, gradients zeroed. Measured over an epoch of 16 steps
 * on a synthetic data set of 16 batches (which stays in cache, unlike MNIST's 188 MB: the gather is
 * cheaper here than in a real epoch), reported per step.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC", "-Xmn64m"})
public class TrainStepBenchmark {

    static final int STEPS = 16;

    @Param({"64", "256"})
    public int batch;

    @Param({"1", "2"})
    public int threads;

    Mlp model;
    Optimizer<Adam.Options> opt;
    DataLoader loader;
    TrainConfig cfg;

    @Setup
    public void setup() {
        Parallel.setThreads(threads);
        Generator g = new Generator(1);
        int n = STEPS * batch;
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = g.nextInt(10);
        }
        TensorDataset data = new TensorDataset(Tensor.rand(g, n, 784), y, 10);
        model = Mlp.of(784, List.of(200, 100, 50), 10, 2021);
        opt = Adam.adam(model.parameters(), 1e-3, 0, Adam.Options.defaults());
        loader = new DataLoader(data, batch, true, false, true, new Generator(2));
        cfg = new TrainConfig(1, Integer.MAX_VALUE, 0, 1, batch, 1, 0, null);
    }

    @Benchmark
    @OperationsPerInvocation(STEPS)
    public int trainStep() {
        return new Trainer(model, opt, null, null, loader, null, cfg, List.of()).fit().steps();
    }
}
