package dev.descent.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.descent.tensor.Generator;

/** Operations on data sets. */
public final class Datasets {

    private Datasets() {
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
