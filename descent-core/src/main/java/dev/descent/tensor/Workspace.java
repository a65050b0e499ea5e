package dev.descent.tensor;

import java.util.Arrays;

/**
 * The arrays of a computation that is repeated with the same shapes — a training step's forward and
 * backward — kept from one repetition to the next. While a workspace is open on a thread, the tensor
 * ops on that thread take the arrays of their results, and of the gradients of results, from it: at
 * each opening the same arrays, in the order the ops ask for them, zeroed as a new array is
 * unless the op writes it whole (one of a new size is made, and kept beside the other size's).
 *
 * <p>Why: a new array is memory the step has not touched for a while (the JVM hands out its young
 * generation in order, 64 MB with the launcher's settings), so every one of its lines is fetched from
 * memory, while an array of the previous step is still in the core's caches. A batch-64 step of the
 * benchmark MLP allocated about 370 KB this way; with workspaces its two shards took 122.3 → 104.4 µs a
 * step, and a near epoch 0.283 → 0.267 s (2026-11-30, AVX-512; docs/PERFORMANCE.md, section 17).
 *
 * <p>The price is the lifetime: a tensor an op returned while the workspace was open is valid only
 * until the workspace is opened again. So a workspace is for code that owns all of a computation's
 * intermediate results ({@code BatchStep}'s shards) and keeps none of them past the next repetition;
 * leaf tensors' gradients (the parameters') are never taken from it. One thread at a time.
 */
public final class Workspace implements AutoCloseable {

    private static final ThreadLocal<Workspace> OPEN = new ThreadLocal<>();

    /**
     * Room for 64 arrays (a shard of the benchmark MLP takes about 20), each slot empty until first used.
     * Neither a growth nor a null slot is met at a run's first step then: that step opens workspaces new
     * to a JVM whose warm-up had compiled {@link #take}, and a branch the compiled code had never seen
     * taken threw it and its callers (the batch step) back to the interpreter, which made a first epoch
     * about 0.1 s longer. Each slot keeps arrays of two lengths ({@link KeptFloats}): a pass's short
     * last batch, the branch every epoch takes, allocates only in the first pass.
     */
    private KeptFloats[] arrays = emptySlots(64);
    private int next;
    /** Whether it is open (on its thread); {@link #previous} is then the workspace it shadows, or null. */
    private boolean isOpen;
    private Workspace previous;

    /** An empty workspace; its arrays are made by the first repetition. */
    public Workspace() {
    }

    /**
     * Opens this workspace on the calling thread (until {@link #close()}), handing out its arrays from the
     * first again: whatever an earlier repetition's tensors hold is overwritten from now on.
     *
     * @throws IllegalStateException if it is open already, also under another workspace opened since
     */
    public Workspace open() {
        if (isOpen) {
            throw new IllegalStateException("workspace already open");
        }
        isOpen = true;
        previous = OPEN.get();
        next = 0;
        OPEN.set(this);
        return this;
    }

    /**
     * Closes it: the thread's ops allocate as before (or from the workspace open before this one).
     * Closing a workspace that is not open does nothing.
     */
    @Override
    public void close() {
        if (!isOpen) {
            return;
        }
        isOpen = false;
        if (previous != null) {
            OPEN.set(previous);
            previous = null;
        } else {
            OPEN.remove();
        }
    }

    /** A zeroed array of n floats: the open workspace's next one, or a new one. */
    static float[] floats(int n) {
        Workspace w = OPEN.get();
        return w == null ? new float[n] : w.take(n, true);
    }

    /**
     * As {@link #floats}, but not zeroed when it is the workspace's: for a result whose every element
     * the op writes before any is read (a product's, ReLU's). Zeroing the first layer's 51 KB output
     * cost the step 1 µs with the two vCPUs near and 7 µs far, its lines last written by the other core.
     */
    static float[] overwritten(int n) {
        Workspace w = OPEN.get();
        return w == null ? new float[n] : w.take(n, false);
    }

    /**
     * A leaf tensor over {@code data} that requires a gradient and takes its gradient buffer, when first
     * needed, from the workspace open on the thread at that time (zeroed), as a non-leaf result's is: for
     * a leaf the caller makes anew at each repetition, whose gradient it reads before the next one (the
     * data-parallel step's shard input, the first layer's output). Without it, that buffer was a new
     * array at every step (400 KB a shard at batch 1024).
     */
    public static Tensor leaf(float[] data, int... shape) {
        Tensor t = Tensor.of(data, shape).requiresGrad(true);
        t.gradFromWorkspace();
        return t;
    }

    private static KeptFloats[] emptySlots(int n) {
        KeptFloats[] slots = new KeptFloats[n];
        for (int i = 0; i < n; i++) {
            slots[i] = new KeptFloats();
        }
        return slots;
    }

    private float[] take(int n, boolean zeroed) {
        if (next == arrays.length) {
            KeptFloats[] more = emptySlots(2 * next);
            System.arraycopy(arrays, 0, more, 0, next);
            arrays = more;
        }
        float[] a = arrays[next++].ofLength(n);
        if (zeroed) {
            Arrays.fill(a, 0f);
        }
        return a;
    }
}
