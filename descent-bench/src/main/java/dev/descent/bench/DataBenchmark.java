package dev.descent.bench;

import java.util.Iterator;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import dev.descent.data.Batch;
import dev.descent.data.DataCache;
import dev.descent.data.DataLoader;
import dev.descent.data.Datasets;
import dev.descent.data.FetchListener;
import dev.descent.data.IdxImages;
import dev.descent.data.MnistFamily;
import dev.descent.data.MnistFiles;
import dev.descent.data.MnistStore;
import dev.descent.data.RemoteDataset;
import dev.descent.io.Idx;

/**
 * Data loading on real MNIST (from the cache; {@code descent data fetch mnist} first): reading the
 * 60,000 training images into a float tensor (checksums verified once in setup, as a training run
 * does once), and drawing shuffled batches of 64 from the 50,000-image training split. The fork uses
 * ParallelGC as {@code ./descent} does: G1 stalls for up to a second on these 188 MB arrays.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g", "-XX:+UseParallelGC"})
public class DataBenchmark {

    /** Kernel threads: a batch of 64 is gathered on both when there are two. */
    @Param({"1", "2"})
    int threads;

    MnistFiles files;
    DataLoader loader;
    Iterator<Batch> it;

    @Setup
    public void setup() {
        dev.descent.tensor.kernel.Parallel.setThreads(threads);
        files = MnistStore.defaults(DataCache.root()).ensure(MnistFamily.MNIST.remote(), FetchListener.SILENT);
        IdxImages.TrainTest tt = IdxImages.load(files, 10);
        loader = new DataLoader(Datasets.split(tt.train(), 2021, 50_000, 10_000).get(0), 64, true, false, true, new dev.descent.tensor.Generator(1));
        it = loader.iterator();
    }

    /** Parse the training images file and convert 47M pixels to floats in [0, 1]. */
    @Benchmark
    public Object loadTrainImages() {
        return Idx.read(files.get(RemoteDataset.FileRole.TRAIN_IMAGES)).toFloats(1f / 255f);
    }

    /** One shuffled batch of 64 (a new permutation every 782 batches, as an epoch). */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Batch nextBatch64() {
        if (!it.hasNext()) {
            it = loader.iterator();
        }
        return it.next();
    }
}
