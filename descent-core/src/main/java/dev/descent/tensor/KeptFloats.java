package dev.descent.tensor;

/**
 * A float array kept for a computation that repeats at up to two lengths in turn: a pass's full
 * batches and its short last one. The arrays of both lengths are kept, so that after the first pass
 * neither length allocates again.
 *
 * <p>Why: replacing the array at each change of length allocated twice a pass. Those arrays live a
 * whole pass, so a young collection found them alive and copied or promoted them: at batch 1024 on
 * the benchmark MLP, with the step's other per-step arrays, young collections of 15–58 ms several
 * times a second, inside the epochs (docs/PERFORMANCE.md, section 30).
 */
public final class KeptFloats {

    private static final float[] EMPTY = new float[0];

    private float[] current = EMPTY;
    private float[] other = EMPTY;

    /** Nothing kept yet. */
    public KeptFloats() {
    }

    /**
     * An array of exactly {@code n} floats: the one of that length kept, holding what was last written
     * to it, or a new one (zeroed) that replaces the kept array not used last.
     */
    public float[] ofLength(int n) {
        if (current.length != n) {
            float[] swap = other;
            other = current;
            current = swap.length == n ? swap : new float[n];
        }
        return current;
    }
}
