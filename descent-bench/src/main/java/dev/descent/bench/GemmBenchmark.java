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

import dev.descent.data.DataCache;
import dev.descent.data.DataLoader;
import dev.descent.data.Datasets;
import dev.descent.data.FetchListener;
import dev.descent.data.MnistFamily;
import dev.descent.tensor.Generator;
import dev.descent.tensor.kernel.Gemm;
import dev.descent.tensor.kernel.Parallel;

/**
 * GEMM throughput in each layout a linear layer uses, for the shapes of the tutorial's MLP
 * (m×k×n = batch × in × out) and a large square product. C is overwritten each call.
 *
 * <p>{@code input=mnist} puts real MNIST images (from the cache) where the first layer meets them:
 * A's rows in NN and NT (a batch of images, k = 784), B's rows in TN (the weight gradient's
 * {@code dyᵀ·x}, n = 784). Their pixels are 81% zero, and the kernels skip packed k steps that are all
 * zero, so these shapes show what a training step's first layer gets on MNIST, against gaussian
 * operands with no zeros.
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

    /** gaussian: every operand N(0, 1); mnist: the image operand (see the class comment) real MNIST rows. */
    @Param({"gaussian"})
    public String input;

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
        if (input.equals("mnist")) {
            boolean imagesInB = layout.equals("TN");
            int rows = imagesInB ? k : m, width = imagesInB ? n : k;
            float[] images = mnistRows(rows, width);
            System.arraycopy(images, 0, imagesInB ? b : a, 0, images.length);
        } else if (!input.equals("gaussian")) {
            throw new IllegalArgumentException("input must be gaussian or mnist, got " + input);
        }
        Parallel.setThreads(threads);
    }

    /** The first {@code rows} images of a shuffled batch of MNIST's training split, as a training step sees them. */
    private static float[] mnistRows(int rows, int width) {
        if (width != 784) {
            throw new IllegalArgumentException("input=mnist needs the images' dimension (784) where they go, got " + width);
        }
        var tt = MnistFamily.MNIST.load(DataCache.root(), true, FetchListener.SILENT);
        var split = Datasets.split(tt.train(), 2021, 50_000, 10_000).get(0);
        var loader = new DataLoader(split, rows, true, false, true, new Generator(1));
        return loader.iterator().next().x().data();
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
