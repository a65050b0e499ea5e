package dev.descent.train;

import dev.descent.optim.Optimizer;
import dev.descent.optim.ParamGroup;
import dev.descent.tensor.Tensor;
import dev.descent.tensor.kernel.InputMajor;

/**
 * Where the data-parallel step's first-layer weight is stored between steps: as the model holds it,
 * [out, in] (PyTorch's {@code Linear} layout), or transposed, input-major [in, out], the layout in which
 * its sparse forward and weight gradient need no transposing copies ({@link InputMajor}). While it is
 * held input-major, the weight's gradient and its optimizer state ({@link Optimizer#rearrangeState}) are
 * stored in the same order, so that the optimizer's element-wise steps are the same, element for element.
 *
 * <p>Nothing outside the step may read the weight while it is held: the trainer {@link #restore restores}
 * it before validating, before listeners that read the model ({@link TrainListener#readsModel}), and when
 * the run ends however it ends; the step takes it again when it next runs input-major. Which steps hold
 * it changes no result: a step that may not hold it computes the same two bands of inputs from the
 * weight in the model's layout ({@link dev.descent.tensor.kernel.Gemm#ntBands}), bit for bit, so that
 * validation frequency, listeners and resuming leave training as it was. Each move
 * transposes the weight, its gradient when it is not zero, and its optimizer buffers (Adam: three arrays
 * of the benchmark's 156,800 floats, 0.2–0.25 ms; on both threads by bands of rows it took as long).
 *
 * <p>Used only with an element-wise optimizer ({@link Optimizer#elementwise()}) that steps the weight,
 * a weight of at least one vector of outputs ({@link InputMajor#supports}), and unless
 * {@link #PROPERTY} turns it off.
 */
final class InputMajorLayout {

    /**
     * System property that keeps the first layer's weight in the model's layout throughout
     * ({@code descent.inputMajor=false}): each step then transposes the columns it uses, as before. For
     * measuring what the layout gains; results differ in the last bits (the forward's sums run in two
     * bands of inputs), and are bit-identical for any thread count either way.
     */
    static final String PROPERTY = "descent.inputMajor";

    private final Tensor weight;
    private final Optimizer<?> optimizer;
    private final int out;
    private final int in;
    private final boolean usable;
    private boolean held;
    private float[] scratch;
    /** How many times the weight has moved between the layouts (for tests). */
    private int moves;

    /** The layout of {@code weight} ([out, in]) for steps of {@code optimizer} (null: none known, never held). */
    InputMajorLayout(Tensor weight, Optimizer<?> optimizer) {
        this.weight = weight;
        this.optimizer = optimizer;
        int[] shape = weight.shape();
        this.out = shape.length == 2 ? shape[0] : 0;
        this.in = shape.length == 2 ? shape[1] : 0;
        this.usable = enabled() && shape.length == 2 && InputMajor.supports(out) && weight.requiresGrad()
                && optimizer != null && optimizer.elementwise() && steps(optimizer, weight);
    }

    /** Whether {@link #PROPERTY} allows the layout: read for each trainer, so that a test may compare both. */
    static boolean enabled() {
        return !"false".equalsIgnoreCase(System.getProperty(PROPERTY, "").trim());
    }

    private static boolean steps(Optimizer<?> optimizer, Tensor weight) {
        for (ParamGroup<?> g : optimizer.paramGroups()) {
            for (Tensor p : g.params()) {
                if (p == weight) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether the weight may be held input-major at all (see the class comment). */
    boolean usable() {
        return usable;
    }

    /** Whether it is held input-major now. */
    boolean held() {
        return held;
    }

    /** How many times the weight has moved between the layouts. */
    int moves() {
        return moves;
    }

    /** Where the two threads' bands of inputs meet ({@link InputMajor#band}). */
    int band() {
        return InputMajor.band(in, out);
    }

    /**
     * Holds the weight input-major (if it is not already): weight and optimizer state transposed to
     * [in, out]. Called with the weight's gradient zero (or absent), which is the same in both layouts.
     */
    void take() {
        if (!held) {
            move(out, in, true);
            held = true;
        }
    }

    /**
     * Puts the weight back in the model's layout (if it is held input-major), and its gradient unless
     * {@code gradZero} says it is zero.
     */
    void restore(boolean gradZero) {
        if (held) {
            move(in, out, gradZero);
            held = false;
        }
    }

    /** Transposes everything stored in the weight's order from [rows, cols] to [cols, rows] (the gradient unless it is zero). */
    private void move(int rows, int cols, boolean gradZero) {
        moves++;
        if (scratch == null) {
            scratch = new float[rows * cols];
        }
        transpose(weight.data(), rows, cols);
        float[] g = weight.gradData();
        if (g != null && !gradZero) {
            transpose(g, rows, cols);
        }
        optimizer.rearrangeState(weight, b -> transpose(b, rows, cols));
    }

    /** Transposes one array in place, through the scratch array. */
    private void transpose(float[] a, int rows, int cols) {
        InputMajor.transpose(a, rows, cols, scratch);
    }
}
