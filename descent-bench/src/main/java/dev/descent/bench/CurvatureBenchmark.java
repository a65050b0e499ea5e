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

import dev.descent.analysis.MlpCurvature;
import dev.descent.nn.Activation;
import dev.descent.nn.Mlp;
import dev.descent.nn.MlpSpec;
import dev.descent.tensor.Generator;
import dev.descent.tensor.Tensor;
import dev.descent.tensor.kernel.Parallel;
import dev.descent.train.Loss;

/**
 * The cost of curvature against the cost of training, on {@code explore sharpness}'s problem: the
 * full batch of 5,000 pooled MNIST-sized inputs (196 values) through a 196-100-100-10 tanh MLP with
 * the MSE loss. {@code gradient} is one autograd forward and backward pass (a training step without
 * the update); {@code point} evaluates everything a Hessian-vector product reuses at one θ;
 * {@code product} is one exact product there. One Lanczos measurement costs a point plus its products.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmn64m"})
public class CurvatureBenchmark {

    @Param({"FLOAT32", "FLOAT64"})
    public MlpCurvature.Precision precision;

    @Param({"2"})
    public int threads;

    Mlp mlp;
    Tensor x;
    int[] y;
    MlpCurvature curvature;
    double[] theta;
    double[] v;
    MlpCurvature.Point point;

    @Setup
    public void setup() {
        Parallel.setThreads(threads);
        mlp = new Mlp(new MlpSpec(196, List.of(100, 100), 10, true, Activation.TANH), new Generator(2021));
        Generator g = new Generator(1);
        x = Tensor.rand(g, 5000, 196);
        y = new int[5000];
        for (int i = 0; i < y.length; i++) {
            y[i] = g.nextInt(10);
        }
        curvature = new MlpCurvature(mlp, x, y, Loss.MSE, precision);
        theta = MlpCurvature.flatten(mlp);
        v = new double[theta.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = g.nextGaussian();
        }
        point = curvature.at(theta);
    }

    @Benchmark
    public float gradient() {
        mlp.zeroGrad(false);
        Tensor loss = Loss.MSE.mean(Loss.MSE.output(mlp, x), y, null);
        loss.backward();
        return loss.item();
    }

    @Benchmark
    public double point() {
        return curvature.at(theta).loss();
    }

    @Benchmark
    public double[] product() {
        return point.hvp(v);
    }
}
