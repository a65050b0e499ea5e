package dev.descent.tensor;

import java.util.Arrays;

/**
 * A float32 tensor: a contiguous row-major {@code float[]} and a shape, with define-by-run
 * reverse-mode automatic differentiation (PyTorch's semantics).
 *
 * <ul>
 *   <li>A tensor created by the user is a <em>leaf</em>; {@link #requiresGrad(boolean)} asks for its
 *   gradient. The result of an op on a tensor that requires grad records its history (it is not a
 *   leaf) unless recording is off ({@link Grad#off()}).</li>
 *   <li>{@link #backward()} on a scalar computes d(this)/d(leaf) for every leaf that requires grad and
 *   <em>adds</em> it to the leaf's {@link #grad()}: gradients accumulate until zeroed
 *   ({@link #zeroGrad()}) or cleared ({@link #clearGrad()}, PyTorch's {@code set_to_none}).</li>
 *   <li>Non-leaf gradients are freed after the pass unless {@link #retainGrad()} was called.</li>
 *   <li>Views ({@link #reshape}, {@link #view}, {@link #flatten}, {@link #detach}) share storage.</li>
 *   <li>Shape errors throw {@link IllegalArgumentException} naming the op and both shapes.</li>
 * </ul>
 */
public final class Tensor {

    private final float[] data;
    private final int[] shape;
    private boolean requiresGrad;
    private float[] grad;
    private Autograd.Node node;
    private boolean retainGrad;
    /** A leaf whose gradient buffer comes from the open workspace ({@link Workspace#leaf}). */
    private boolean gradFromWorkspace;

    Tensor(float[] data, int[] shape) {
        this.data = data;
        this.shape = shape;
    }

    // ------------------------------------------------------------------ factories

    /** A tensor holding {@code data} (not copied) with the given shape. */
    public static Tensor of(float[] data, int... shape) {
        int[] s = Shape.check(shape);
        if (Shape.numel(s) != data.length) {
            throw new IllegalArgumentException("of: " + data.length + " values do not fill shape " + Shape.str(s));
        }
        return new Tensor(data, s);
    }

    /** A tensor from a 2-D array of rows (copied). */
    public static Tensor of(float[][] rows) {
        int r = rows.length;
        int c = r == 0 ? 0 : rows[0].length;
        float[] d = new float[r * c];
        for (int i = 0; i < r; i++) {
            if (rows[i].length != c) {
                throw new IllegalArgumentException("of: ragged rows: row 0 has " + c + " values, row " + i + " has " + rows[i].length);
            }
            System.arraycopy(rows[i], 0, d, i * c, c);
        }
        return new Tensor(d, new int[] {r, c});
    }

    /** A 1-D tensor of the given values (copied). */
    public static Tensor vector(float... values) {
        return new Tensor(values.clone(), new int[] {values.length});
    }

    /** A 0-dimensional tensor holding one value. */
    public static Tensor scalar(float value) {
        return new Tensor(new float[] {value}, new int[0]);
    }

    /** Zeros of the given shape. */
    public static Tensor zeros(int... shape) {
        int[] s = Shape.check(shape);
        return new Tensor(new float[Shape.numel(s)], s);
    }

    /** Ones of the given shape. */
    public static Tensor ones(int... shape) {
        return full(1f, shape);
    }

    /** A tensor filled with {@code value}. */
    public static Tensor full(float value, int... shape) {
        Tensor t = zeros(shape);
        Arrays.fill(t.data, value);
        return t;
    }

    /** Uniform samples in [lo, hi). */
    public static Tensor uniform(Generator gen, float lo, float hi, int... shape) {
        Tensor t = zeros(shape);
        for (int i = 0; i < t.data.length; i++) {
            t.data[i] = (float) gen.uniform(lo, hi);
        }
        return t;
    }

    /** Uniform samples in [0, 1), as {@code torch.rand}. */
    public static Tensor rand(Generator gen, int... shape) {
        return uniform(gen, 0f, 1f, shape);
    }

    /** Standard normal samples, as {@code torch.randn}. */
    public static Tensor randn(Generator gen, int... shape) {
        Tensor t = zeros(shape);
        for (int i = 0; i < t.data.length; i++) {
            t.data[i] = (float) gen.nextGaussian();
        }
        return t;
    }

    /** 0, 1, …, n−1 as floats. */
    public static Tensor arange(int n) {
        Tensor t = zeros(n);
        for (int i = 0; i < n; i++) {
            t.data[i] = i;
        }
        return t;
    }

    // ------------------------------------------------------------------ storage and shape

    /** The shape (a copy). */
    public int[] shape() {
        return shape.clone();
    }

    /** The size of dimension {@code dim} (negative counts from the end). */
    public int size(int dim) {
        return shape[Shape.dim("size", dim, shape.length)];
    }

    /** The number of dimensions. */
    public int dim() {
        return shape.length;
    }

    /** The number of elements. */
    public int numel() {
        return data.length;
    }

    /**
     * The live backing array (row-major): writes change this tensor and every view of it, and are not
     * recorded by autograd (PyTorch's {@code .data}). Optimizers and kernels work on it directly.
     */
    public float[] data() {
        return data;
    }

    /** A copy of the values. */
    public float[] toArray() {
        return data.clone();
    }

    /** The value of a one-element tensor. */
    public float item() {
        if (data.length != 1) {
            throw new IllegalStateException("item: a tensor with " + data.length + " elements cannot be converted to a scalar");
        }
        return data[0];
    }

    /** The element at the given index (one index per dimension). */
    public float get(int... index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("get: " + index.length + " indices for a tensor of shape " + Shape.str(shape));
        }
        int flat = 0;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new IndexOutOfBoundsException("get: index " + index[i] + " out of range for dimension " + i + " of size " + shape[i]);
            }
            flat = flat * shape[i] + index[i];
        }
        return data[flat];
    }

    /**
     * Copies {@code src}'s values into this tensor in place, without recording (as
     * {@code with torch.no_grad(): self.copy_(src)}).
     */
    public Tensor copyFrom(Tensor src) {
        if (!Arrays.equals(shape, src.shape)) {
            throw new IllegalArgumentException("copyFrom: shape " + Shape.str(src.shape) + " does not match " + Shape.str(shape));
        }
        System.arraycopy(src.data, 0, data, 0, data.length);
        return this;
    }

    // ------------------------------------------------------------------ autograd state

    /** Whether gradients flow to or through this tensor. */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /**
     * Asks (or stops asking) for this leaf's gradient, as {@code requires_grad_()}.
     *
     * @throws IllegalStateException when switching it off on a non-leaf
     */
    public Tensor requiresGrad(boolean on) {
        if (!on && node != null) {
            throw new IllegalStateException("requiresGrad(false) on a non-leaf tensor; use detach()");
        }
        requiresGrad = on;
        return this;
    }

    /** Whether this tensor was created by the user rather than recorded as an op's result. */
    public boolean isLeaf() {
        return node == null;
    }

    /** The name of the op that produced this tensor, or null for a leaf (PyTorch's {@code grad_fn}). */
    public String gradFn() {
        return node == null ? null : node.op;
    }

    /** The accumulated gradient as a tensor sharing the buffer, or null if none has been computed. */
    public Tensor grad() {
        return grad == null ? null : new Tensor(grad, shape);
    }

    /** The live gradient buffer, or null if none has been computed. */
    public float[] gradData() {
        return grad;
    }

    /**
     * The live gradient buffer, allocated with zeros first if none has been computed: for a caller
     * whose own kernels write a parameter's gradient (the data-parallel training step's first layer).
     */
    public float[] ensureGrad() {
        return gradBuffer();
    }

    /** Sets the gradient buffer to zero (keeping it allocated). */
    public void zeroGrad() {
        if (grad != null) {
            Arrays.fill(grad, 0f);
        }
    }

    /** Drops the gradient buffer (PyTorch's {@code grad = None}). */
    public void clearGrad() {
        grad = null;
    }

    /** Keeps this non-leaf tensor's gradient after backward(), as {@code retain_grad()}. */
    public Tensor retainGrad() {
        retainGrad = true;
        return this;
    }

    /** A tensor sharing this one's storage with no history and no gradient. */
    public Tensor detach() {
        return new Tensor(data, shape);
    }

    /** Backpropagates from this one-element tensor (seed 1) and frees the graph. */
    public void backward() {
        backward(false);
    }

    /**
     * Backpropagates from this one-element tensor.
     *
     * @param retainGraph keep the graph so that backward can run through it again
     */
    public void backward(boolean retainGraph) {
        if (data.length != 1) {
            throw new IllegalStateException("backward: grad can be implicitly created only for scalar outputs, this tensor has shape " + Shape.str(shape));
        }
        backward(ones(shape), retainGraph);
    }

    /** Backpropagates with an explicit output gradient {@code gradient} (this tensor's shape). */
    public void backward(Tensor gradient, boolean retainGraph) {
        if (!requiresGrad) {
            throw new IllegalStateException("backward: this tensor does not require grad and has no grad_fn");
        }
        if (!Arrays.equals(gradient.shape, shape)) {
            throw new IllegalArgumentException("backward: gradient of shape " + Shape.str(gradient.shape) + " for a tensor of shape " + Shape.str(shape));
        }
        Autograd.backward(this, gradient.data, retainGraph);
    }

    Autograd.Node node() {
        return node;
    }

    void attach(Autograd.Node n) {
        node = n;
        requiresGrad = true;
    }

    boolean retainsGrad() {
        return retainGrad;
    }

    void gradFromWorkspace() {
        gradFromWorkspace = true;
    }

    float[] gradBufferOrNull() {
        return grad;
    }

    /**
     * The gradient buffer, allocated (zeroed) on first use; ops accumulate into it. A non-leaf's comes
     * from the open {@link Workspace}, if any (a leaf's, a parameter's, outlives it), as does that of a
     * leaf made by {@link Workspace#leaf}.
     */
    float[] gradBuffer() {
        if (grad == null) {
            grad = node != null || gradFromWorkspace ? Workspace.floats(data.length) : new float[data.length];
        }
        return grad;
    }

    void accumulateGrad(float[] g) {
        float[] buf = gradBuffer();
        for (int i = 0; i < buf.length; i++) {
            buf[i] += g[i];
        }
    }

    void dropGrad() {
        if (node != null) {
            grad = null;
        }
    }

    /** A new tensor of the given shape over {@code data}, for ops in this package. */
    static Tensor wrap(float[] data, int[] shape) {
        return new Tensor(data, shape);
    }

    int[] shapeRef() {
        return shape;
    }

    // ------------------------------------------------------------------ element-wise ops

    /** {@code this + other} with broadcasting. */
    public Tensor add(Tensor other) {
        return Pointwise.binary(Pointwise.Binary.ADD, this, other);
    }

    /** {@code this − other} with broadcasting. */
    public Tensor sub(Tensor other) {
        return Pointwise.binary(Pointwise.Binary.SUB, this, other);
    }

    /** {@code this · other} element-wise with broadcasting. */
    public Tensor mul(Tensor other) {
        return Pointwise.binary(Pointwise.Binary.MUL, this, other);
    }

    /** {@code this / other} element-wise with broadcasting. */
    public Tensor div(Tensor other) {
        return Pointwise.binary(Pointwise.Binary.DIV, this, other);
    }

    /** {@code this ^ other} element-wise with broadcasting. */
    public Tensor pow(Tensor other) {
        return Pointwise.binary(Pointwise.Binary.POW, this, other);
    }

    /** {@code this + s}. */
    public Tensor add(float s) {
        return Pointwise.unary(Pointwise.Unary.ADD_SCALAR, this, s);
    }

    /** {@code this − s}. */
    public Tensor sub(float s) {
        return Pointwise.unary(Pointwise.Unary.ADD_SCALAR, this, -s);
    }

    /** {@code this · s}. */
    public Tensor mul(float s) {
        return Pointwise.unary(Pointwise.Unary.MUL_SCALAR, this, s);
    }

    /** {@code this / s}. */
    public Tensor div(float s) {
        return Pointwise.unary(Pointwise.Unary.MUL_SCALAR, this, 1f / s);
    }

    /** {@code this ^ e}. */
    public Tensor pow(float e) {
        return Pointwise.unary(Pointwise.Unary.POW_SCALAR, this, e);
    }

    /** {@code −this}. */
    public Tensor neg() {
        return Pointwise.unary(Pointwise.Unary.NEG, this, 0f);
    }

    /** e^x element-wise. */
    public Tensor exp() {
        return Pointwise.unary(Pointwise.Unary.EXP, this, 0f);
    }

    /** Natural logarithm element-wise. */
    public Tensor log() {
        return Pointwise.unary(Pointwise.Unary.LOG, this, 0f);
    }

    /** Square root element-wise. */
    public Tensor sqrt() {
        return Pointwise.unary(Pointwise.Unary.SQRT, this, 0f);
    }

    /** |x| element-wise (gradient sign(x), 0 at 0, as PyTorch). */
    public Tensor abs() {
        return Pointwise.unary(Pointwise.Unary.ABS, this, 0f);
    }

    /** max(x, 0). */
    public Tensor relu() {
        return Activations.relu(this);
    }

    /** x for x > 0, slope·x otherwise. */
    public Tensor leakyRelu(float slope) {
        return Pointwise.unary(Pointwise.Unary.LEAKY_RELU, this, slope);
    }

    /** tanh(x). */
    public Tensor tanh() {
        return Pointwise.unary(Pointwise.Unary.TANH, this, 0f);
    }

    /** 1 / (1 + e^−x). */
    public Tensor sigmoid() {
        return Pointwise.unary(Pointwise.Unary.SIGMOID, this, 0f);
    }

    /** x·Φ(x), the exact (erf) form of GELU. */
    public Tensor gelu() {
        return Pointwise.unary(Pointwise.Unary.GELU, this, 0f);
    }

    // ------------------------------------------------------------------ reductions

    /** The sum of all elements (a 0-dimensional tensor). */
    public Tensor sum() {
        return Reductions.sumAll(this, false);
    }

    /** The sum along {@code dim}. */
    public Tensor sum(int dim, boolean keepDim) {
        return Reductions.sumDim(this, dim, keepDim, false);
    }

    /** The mean of all elements. */
    public Tensor mean() {
        return Reductions.sumAll(this, true);
    }

    /** The mean along {@code dim}. */
    public Tensor mean(int dim, boolean keepDim) {
        return Reductions.sumDim(this, dim, keepDim, true);
    }

    /** The maxima along {@code dim} and their indices. */
    public MaxResult max(int dim, boolean keepDim) {
        return Reductions.max(this, dim, keepDim);
    }

    /** The index of the maximum along {@code dim} (first on ties), one per remaining position. */
    public int[] argmax(int dim) {
        return Reductions.argmax(this, dim);
    }

    // ------------------------------------------------------------------ shape ops

    /** The same values with a new shape; one dimension may be −1 (inferred). Shares storage. */
    public Tensor reshape(int... newShape) {
        return Views.reshape(this, newShape, "reshape");
    }

    /** As {@link #reshape}; storage is always contiguous here, so a view always exists. */
    public Tensor view(int... newShape) {
        return Views.reshape(this, newShape, "view");
    }

    /** All dimensions flattened into one. */
    public Tensor flatten() {
        return Views.reshape(this, new int[] {data.length}, "flatten");
    }

    /** Dimensions from {@code startDim} on flattened into one ({@code nn.Flatten} uses 1). */
    public Tensor flatten(int startDim) {
        return Views.flatten(this, startDim);
    }

    /** The transpose of a 2-D tensor. */
    public Tensor t() {
        if (shape.length != 2) {
            throw new IllegalArgumentException("t: expects a 2-D tensor, got shape " + Shape.str(shape));
        }
        return Views.transpose(this, 0, 1);
    }

    /** This tensor with dimensions {@code d0} and {@code d1} swapped (a copy). */
    public Tensor transpose(int d0, int d1) {
        return Views.transpose(this, d0, d1);
    }

    /** The rows {@code indices} of dimension 0, as {@code index_select(0, indices)}. */
    public Tensor indexSelect(int[] indices) {
        return Views.indexSelect(this, indices);
    }

    /** The matrix product of two 2-D tensors. */
    public Tensor matmul(Tensor other) {
        return LinearAlgebra.matmul(this, other);
    }

    /** softmax along {@code dim}. */
    public Tensor softmax(int dim) {
        return Softmax.softmax(this, dim, false);
    }

    /** log(softmax) along {@code dim}, computed stably. */
    public Tensor logSoftmax(int dim) {
        return Softmax.softmax(this, dim, true);
    }

    /**
     * The tensor as PyTorch prints it, e.g. {@code tensor([[ 0.0273, -0.0123]], requires_grad=True)}:
     * one width per tensor, {@code ...} in the middle of large tensors, and the print options set by
     * {@link #setPrintOptions} ({@code torch.set_printoptions}).
     */
    @Override
    public String toString() {
        return TensorFormat.repr(this, TensorFormat.options());
    }

    /** The tensor printed with the given options. */
    public String toString(PrintOptions options) {
        return TensorFormat.repr(this, options);
    }

    /** Sets how every tensor prints from now on, as {@code torch.set_printoptions}. */
    public static void setPrintOptions(PrintOptions options) {
        TensorFormat.setOptions(options);
    }

    /** The print options in effect. */
    public static PrintOptions printOptions() {
        return TensorFormat.options();
    }
}
