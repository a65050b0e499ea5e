package dev.descent.optim;

import java.util.Arrays;

/** The state an optimizer keeps for one parameter: its step count, float buffers and double scalars. */
public final class ParamState {

    private long step;
    private final float[][] buffers;
    private final double[] scalars;

    ParamState(int numel, int bufferCount, int scalarCount) {
        this.buffers = new float[bufferCount][numel];
        this.scalars = new double[scalarCount];
    }

    private ParamState(long step, float[][] buffers, double[] scalars) {
        this.step = step;
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

    /** Buffer {@code i} in {@link UpdateRule#bufferNames()} order; live, the rule updates it in place. */
    public float[] buffer(int i) {
        return buffers[i];
    }

    /** The rule's scalars; live. */
    public double[] scalars() {
        return scalars;
    }

    /** A deep copy. */
    public ParamState copy() {
        float[][] b = new float[buffers.length][];
        for (int i = 0; i < b.length; i++) {
            b[i] = buffers[i].clone();
        }
        return new ParamState(step, b, scalars.clone());
    }

    /** A state with the given contents (copied), for loading a saved optimizer. */
    public static ParamState of(long step, float[][] buffers, double[] scalars) {
        return new ParamState(step, buffers, scalars).copy();
    }

    int bufferCount() {
        return buffers.length;
    }

    /** The buffers (copies). */
    public float[][] buffers() {
        return copy().buffers;
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
