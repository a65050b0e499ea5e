package dev.descent.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.descent.tensor.Generator;

/**
 * The short ways to data sets — {@link #mnist(boolean)}, {@link #fashionMnist(boolean)},
 * {@link #idx(Path)}, as torchvision's {@code MNIST(root, download=True)} — and operations on them
 * ({@link #split}, {@link #classCounts}).
 */
public final class Datasets {

    private Datasets() {
    }

    /**
     * MNIST's 60,000 training and 10,000 test images from the cache ({@link DataCache#root()}),
     * fetched and checked first when {@code download} is true and they are missing: torchvision's
     * {@code MNIST(root, download=True)}. Pixels are in [0, 1], shape [N, 1, 28, 28].
     *
     * @throws DataUnavailableException when the files are not there (download false) or cannot be fetched
     */
    public static IdxImages.TrainTest mnist(boolean download) {
        return mnist(DataCache.root(), download);
    }

    /** MNIST under another root directory (its {@code mnist/} sub-directory, or torchvision's {@code MNIST/raw/}). */
    public static IdxImages.TrainTest mnist(Path root, boolean download) {
        return MnistFamily.MNIST.load(root, download, FetchListener.toStandardError());
    }

    /**
     * Fashion-MNIST from the cache, fetched when {@code download} is true and it is missing;
     * standardised as {@link MnistFamily#prepare} says.
     */
    public static IdxImages.TrainTest fashionMnist(boolean download) {
        return fashionMnist(DataCache.root(), download);
    }

    /** Fashion-MNIST under another root directory. */
    public static IdxImages.TrainTest fashionMnist(Path root, boolean download) {
        return MnistFamily.FASHION_MNIST.load(root, download, FetchListener.toStandardError());
    }

    /**
     * Any directory of four MNIST-named IDX files (raw or .gz) of any image size and class count
     * (the class count is the largest label + 1).
     */
    public static IdxImages.TrainTest idx(Path dir) {
        return IdxImages.load(IdxImages.locate(dir), 0);
    }

    /**
     * Splits a data set at random into disjoint parts of the given sizes, as {@code random_split}: a
     * permutation of all indices drawn from a generator seeded with {@code seed}, cut in order. The
     * same seed gives the same split.
     *
     * @throws IllegalArgumentException if the sizes do not add up to the data set's size
     */
    public static List<Dataset> split(Dataset ds, long seed, int... sizes) {
        long total = 0;
        for (int s : sizes) {
            if (s < 0) {
                throw new IllegalArgumentException("split: sizes must be non-negative, got " + Arrays.toString(sizes));
            }
            total += s;
        }
        if (total != ds.size()) {
            throw new IllegalArgumentException("split: sizes " + Arrays.toString(sizes) + " add up to " + total + ", the data set has " + ds.size() + " examples");
        }
        int[] perm = new Generator(seed).permutation(ds.size());
        List<Dataset> parts = new ArrayList<>();
        int off = 0;
        for (int s : sizes) {
            parts.add(new Subset(ds, Arrays.copyOfRange(perm, off, off + s)));
            off += s;
        }
        return parts;
    }

    /** Examples per class. */
    public static int[] classCounts(Dataset ds) {
        int[] counts = new int[ds.numClasses()];
        for (int i = 0; i < ds.size(); i++) {
            counts[ds.label(i)]++;
        }
        return counts;
    }
}
