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
import dev.descent.optim.Adam;
import dev.descent.optim.Optimizer;
import dev.descent.optim.RmsProp;
import dev.descent.optim.Sgd;
import dev.descent.tensor.Generator;
import dev.descent.tensor.Tensor;

/**
 * One optimizer step over the 784-200-100-50-10 MLP's 182,660 parameters, gradients in place.
 * Adam moves 7 floats per parameter (read p, g, m, v; write p, m, v): 5.1 MB per step.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class OptimizerStepBenchmark {

    @Param({"adam", "sgd-momentum", "rmsprop"})
    public String optimizer;

    Optimizer<?> opt;
    long numel;

    /** Floats read and written per parameter per step. */
    public static int floatsMoved(String optimizer) {
        return switch (optimizer) {
            case "adam" -> 7;
            case "sgd-momentum" -> 5;  // read p, g, b; write p, b
            case "rmsprop" -> 5;       // read p, g, v; write p, v
            default -> throw new IllegalArgumentException(optimizer);
        };
    }

    /** Parameters of the benchmark MLP. */
    public static final long PARAMS = 182_660;

    @Setup
    public void setup() {
        Mlp mlp = Mlp.of(784, List.of(200, 100, 50), 10, 2021);
        Generator g = new Generator(2);
        for (Tensor p : mlp.parameters()) {
            p.backward(Tensor.randn(g, p.shape()), false);
        }
        List<Tensor> ps = mlp.parameters();
        opt = switch (optimizer) {
            case "adam" -> Adam.adam(ps, 1e-3, 0, Adam.Options.defaults());
            case "sgd-momentum" -> Sgd.create(ps, 1e-3, 0, Sgd.Options.momentum(0.9));
            case "rmsprop" -> RmsProp.create(ps, 1e-3, 0, RmsProp.Options.defaults());
            default -> throw new IllegalArgumentException(optimizer);
        };
    }

    @Benchmark
    public Optimizer<?> step() {
        opt.step();
        return opt;
    }
}
