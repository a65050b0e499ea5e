package dev.descent.optim.transform;

import dev.descent.tensor.Tensor;

/**
 * One parameter as the links of a {@link Chain} see it during a step: its values, the update that
 * flows down the chain, its group's hyperparameters and its state.
 *
 * <p>The update starts as the parameter's gradient itself. A link that changes it asks for
 * {@link #writableUpdate()}, which copies the gradient into a buffer of the slot's own the first
 * time in a step, so the gradient is never modified (as in PyTorch, where {@code p.grad} keeps its
 * value through {@code step()}). {@link #buffer(int)} and {@link #scalar(int)} index the calling
 * link's own state: the chain points the slot at that link's part before each call.
 *
 * @param <O> the algorithm's options record
 */
public final class Slot<O> {

    private final Tensor tensor;
    private final String name;
    private final int index;
    private final Group<O> group;
    private ParamState state;
    private float[] update;
    private boolean owned;
    private float[] scratch;
    private int bufferBase;
    private int scalarBase;
    private float[][] work = new float[0][];
    private float[] zeros;

    /**
     * A slot for {@code tensor}, the {@code index}-th parameter of its optimizer.
     *
     * @param name the parameter's name (PyTorch's, e.g. {@code main.0.weight}), or null when unnamed
     */
    public Slot(Tensor tensor, String name, int index, Group<O> group) {
        this.tensor = tensor;
        this.name = name;
        this.index = index;
        this.group = group;
    }

    /** The parameter tensor. */
    public Tensor tensor() {
        return tensor;
    }

    /** The parameter's name, or null. */
    public String name() {
        return name;
    }

    /** The parameter's position in its optimizer, counting through the groups in order. */
    public int index() {
        return index;
    }

    /** The group's hyperparameters. */
    public Group<O> group() {
        return group;
    }

    /** The group's algorithm options. */
    public O options() {
        return group.options();
    }

    /** The parameter's values, live: a link that moves the parameter writes here. */
    public float[] param() {
        return tensor.data();
    }

    /** The parameter's shape. */
    public int[] shape() {
        return tensor.shape();
    }

    /** The number of elements. */
    public int numel() {
        return tensor.numel();
    }

    /** The state, or null before the first update. */
    public ParamState state() {
        return state;
    }

    /** Sets the state (the optimizer does when it loads a saved one). */
    public void setState(ParamState state) {
        this.state = state;
    }

    /** The number of updates this parameter has received, this one included. */
    public long step() {
        return state.step();
    }

    /** The update as it stands: read only (it may be the gradient itself). */
    public float[] update() {
        return update;
    }

    /** The update, as an array this link may overwrite. */
    public float[] writableUpdate() {
        if (!owned) {
            if (scratch == null || scratch.length != update.length) {
                scratch = new float[update.length];
            }
            System.arraycopy(update, 0, scratch, 0, update.length);
            update = scratch;
            owned = true;
        }
        return update;
    }

    /** The calling link's buffer {@code i} (allocated with zeros on first use). */
    public float[] buffer(int i) {
        return state.buffer(bufferBase + i);
    }

    /** Whether the calling link's buffer {@code i} has been used. */
    public boolean hasBuffer(int i) {
        return state.hasBuffer(bufferBase + i);
    }

    /** The calling link's scalar {@code i}. */
    public double scalar(int i) {
        return state.scalars()[scalarBase + i];
    }

    /** Sets the calling link's scalar {@code i}. */
    public void setScalar(int i, double v) {
        state.scalars()[scalarBase + i] = v;
    }

    /**
     * A transient array of at least {@code size} floats kept with the slot between steps (not part of
     * the state): working space, e.g. for Muon's Newton–Schulz iteration. Contents are undefined.
     */
    public float[] work(int i, int size) {
        if (work.length <= i) {
            work = java.util.Arrays.copyOf(work, i + 1);
        }
        if (work[i] == null || work[i].length < size) {
            work[i] = new float[size];
        }
        return work[i];
    }

    /** A zero-filled array of {@link #numel()} floats, transient, apart from {@link #work}: where an unfused scaling writes its direction. */
    float[] zeros() {
        if (zeros == null) {
            zeros = new float[numel()];
        } else {
            java.util.Arrays.fill(zeros, 0f);
        }
        return zeros;
    }

    void begin() {
        update = tensor.gradData();
        owned = false;
    }

    void at(int bufferBase, int scalarBase) {
        this.bufferBase = bufferBase;
        this.scalarBase = scalarBase;
    }
}
