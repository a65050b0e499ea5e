package dev.descent.optim.transform;

import java.util.Arrays;

/**
 * The state a chain keeps for one parameter: its step count, the links' float buffers (in
 * {@link Chain#bufferNames()} order) and their double scalars. A buffer is allocated, zero-filled,
 * the first time a link uses it, so a state holds only what its algorithm needed, as PyTorch's
 * (Adam without AMSGrad has no {@code max_exp_avg_sq}; SGD without momentum no {@code momentum_buffer}).
 */
public final class ParamState {

    private long step;
    private final int[] sizes;
    private final float[][] buffers;
    private final double[] scalars;

    ParamState(int[] sizes, int scalarCount) {
        this.sizes = sizes.clone();
        this.buffers = new float[sizes.length][];
        this.scalars = new double[scalarCount];
    }

    private ParamState(long step, int[] sizes, float[][] buffers, double[] scalars) {
        this.step = step;
        this.sizes = sizes;
        this.buffers = buffers;
        this.scalars = scalars;
    }

    /** How many updates this parameter has received, this one included during an update. */
    public long step() {
        return step;
    }

    void increment() {
        step++;
    }

    /** Buffer {@code i}, live (links update it in place); allocated with zeros on first use. */
    public float[] buffer(int i) {
        if (buffers[i] == null) {
            buffers[i] = new float[sizes[i]];
        }
        return buffers[i];
    }

    /** Whether buffer {@code i} has been used (PyTorch: the key is in the state dict). */
    public boolean hasBuffer(int i) {
        return buffers[i] != null;
    }

    /** The number of buffers the chain declares. */
    public int bufferCount() {
        return buffers.length;
    }

    /** The length buffer {@code i} has (or will have once used). */
    public int bufferSize(int i) {
        return sizes[i];
    }

    /** The scalars; live. */
    public double[] scalars() {
        return scalars;
    }

    /** A deep copy. */
    public ParamState copy() {
        return new ParamState(step, sizes.clone(), buffers(), scalars.clone());
    }

    /** Copies of the buffers, null where a buffer was never used. */
    public float[][] buffers() {
        float[][] b = new float[buffers.length][];
        for (int i = 0; i < b.length; i++) {
            b[i] = buffers[i] == null ? null : buffers[i].clone();
        }
        return b;
    }

    /**
     * A saved state, for loading into an optimizer: buffers (null where unused) and scalars are
     * copied; the optimizer checks their sizes against its own chain when it loads them.
     */
    public static ParamState of(long step, float[][] buffers, double[] scalars) {
        int[] sizes = new int[buffers.length];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = buffers[i] == null ? -1 : buffers[i].length;
        }
        return new ParamState(step, sizes, buffers, scalars).copy();
    }

    /**
     * Replaces this state's contents with a saved one's.
     *
     * @throws IllegalArgumentException when the saved state has other buffer or scalar counts or sizes
     */
    void load(ParamState saved, String what) {
        if (saved.buffers.length != buffers.length || saved.scalars.length != scalars.length) {
            throw new IllegalArgumentException(what + ": the saved state has " + saved.buffers.length + " buffers and " + saved.scalars.length
                    + " scalars, this optimizer keeps " + buffers.length + " and " + scalars.length);
        }
        for (int i = 0; i < buffers.length; i++) {
            if (saved.buffers[i] != null && saved.buffers[i].length != sizes[i]) {
                throw new IllegalArgumentException(what + ": saved buffer " + i + " has " + saved.buffers[i].length + " values, expected " + sizes[i]);
            }
        }
        for (int i = 0; i < buffers.length; i++) {
            buffers[i] = saved.buffers[i] == null ? null : saved.buffers[i].clone();
        }
        System.arraycopy(saved.scalars, 0, scalars, 0, scalars.length);
        step = saved.step;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParamState s && s.step == step && Arrays.deepEquals(s.buffers, buffers) && Arrays.equals(s.scalars, scalars);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(step) * 31 + Arrays.deepHashCode(buffers);
    }
}
