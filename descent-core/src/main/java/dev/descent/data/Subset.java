package dev.descent.data;

import java.util.Optional;

import dev.descent.tensor.kernel.SparseRows;

/** The examples of another data set at the given indices, as {@code torch.utils.data.Subset}. */
public final class Subset implements Dataset {

    private final Dataset base;
    private final int[] indices;
    /** The base's listing at this subset's indices, made on first request; empty when the base keeps none. */
    private Optional<SparseRows> listing;

    /** A view of {@code base} at {@code indices} (copied). */
    public Subset(Dataset base, int[] indices) {
        for (int i : indices) {
            if (i < 0 || i >= base.size()) {
                throw new IndexOutOfBoundsException("Subset: index " + i + " is outside a data set of " + base.size());
            }
        }
        this.base = base;
        this.indices = indices.clone();
    }

    /** The indices into the base data set (a copy). */
    public int[] indices() {
        return indices.clone();
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public int[] exampleShape() {
        return base.exampleShape();
    }

    @Override
    public int numClasses() {
        return base.numClasses();
    }

    @Override
    public int label(int i) {
        return base.label(indices[i]);
    }

    /** The base data set's listing ({@link Dataset#sparseRows()}) at this subset's indices, when it keeps one. */
    @Override
    public synchronized Optional<SparseRows> sparseRows() {
        if (listing == null) {
            listing = base.sparseRows().map(r -> r.select(indices, 0, indices.length, null));
        }
        return listing;
    }

    @Override
    public void gather(int[] idx, int from, int count, float[] x, int[] y) {
        int[] mapped = new int[count];
        for (int k = 0; k < count; k++) {
            mapped[k] = indices[idx[from + k]];
        }
        base.gather(mapped, 0, count, x, y);
    }
}
