package dev.descent.data;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

import dev.descent.tensor.Tensor;
import dev.descent.tensor.kernel.SparseRows;

/**
 * A batch: inputs [B, …] and one label per example.
 *
 * <p>A batch drawn by {@link DataLoader#iterator(int, boolean)} with listed rows also carries its
 * examples' non-zeros ({@link #rows()}), taken from the data set's kept listing
 * ({@link Dataset#sparseRows()}), and gathers its dense inputs only when {@link #x()} is first called:
 * a first layer that reads the listing never pays for the copy.
 */
public final class Batch {

    private Tensor x;
    private final int[] y;
    private final SparseRows rows;
    private final Runnable gather;

    /** A batch of inputs {@code x} [B, …] and labels {@code y}. */
    public Batch(Tensor x, int[] y) {
        this.x = Objects.requireNonNull(x, "x");
        this.y = Objects.requireNonNull(y, "y");
        this.rows = null;
        this.gather = null;
    }

    /**
     * A batch whose inputs (of shape {@code shape}) are gathered on first use by {@code gather}, which
     * returns the array it filled, its examples' non-zeros being {@code rows}.
     */
    Batch(int[] y, SparseRows rows, Supplier<float[]> gather, int[] shape) {
        this.y = y;
        this.rows = rows;
        this.gather = () -> x = Tensor.of(gather.get(), shape);
    }

    /**
     * The inputs [B, …] (gathered now, when the batch was drawn with listed rows and this is the first
     * call: call it from one thread, as a training loop does).
     */
    public Tensor x() {
        if (x == null) {
            gather.run();
        }
        return x;
    }

    /** The labels, one per example. */
    public int[] y() {
        return y;
    }

    /** The number of examples. */
    public int size() {
        return y.length;
    }

    /** The examples' non-zero inputs listed by rows, when the batch was drawn with them. */
    public Optional<SparseRows> rows() {
        return Optional.ofNullable(rows);
    }

    @Override
    public String toString() {
        return "Batch[" + y.length + " examples" + (rows != null ? ", listed" : "") + (x == null ? ", not gathered" : "") + "]";
    }
}
