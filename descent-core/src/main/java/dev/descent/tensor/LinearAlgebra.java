package dev.descent.tensor;

import dev.descent.tensor.kernel.Gemm;
import dev.descent.tensor.kernel.KernelProvider;
import dev.descent.tensor.kernel.SparseInput;

/** Matrix products with their backward passes, all on the GEMM kernels. */
final class LinearAlgebra {

    private LinearAlgebra() {
    }

    /** {@code W.grad += dyᵀ·x}: see {@link F#linearWeightGrad}. */
    static void linearWeightGrad(Tensor dy, Tensor x, Tensor w) {
        int[] ds = dy.shapeRef(), xs = x.shapeRef(), ws = w.shapeRef();
        if (ds.length != 2 || xs.length != 2 || ws.length != 2 || ds[0] != xs[0] || ds[1] != ws[0] || xs[1] != ws[1]) {
            throw new IllegalArgumentException("linearWeightGrad: output gradient " + Shape.str(ds) + " and input " + Shape.str(xs)
                    + " do not match weight " + Shape.str(ws) + " (expected [N, out], [N, in], [out, in])");
        }
        weightGrad(dy.data(), x, w, xs[0], xs[1], ws[0]);
    }

    /**
     * dW += gᵀ·x for g [n, outF] (row-major) and x [n, in]: linear's weight gradient. With no more rows
     * in the batch than W has, split across the threads by whole rows of W (output features), the way
     * an optimizer's element-wise update splits W, so that each thread's part of the gradient is in
     * its own core's cache when it is updated; with more, by columns, so that each thread packs and
     * reads only its columns of x, then the larger operand (docs/PERFORMANCE.md, section 9).
     */
    private static void weightGrad(float[] g, Tensor x, Tensor w, int n, int in, int outF) {
        if (n <= outF) {
            Gemm.tnByRows(outF, in, n, g, 0, x.data(), 0, w.gradBuffer(), 0, true);
        } else {
            Gemm.tn(outF, in, n, g, 0, x.data(), 0, w.gradBuffer(), 0, true);
        }
    }

    /** {@code W.grad += dyᵀ·x} for a listed input: see {@link F#linearWeightGrad(Tensor, SparseInput, Tensor)}. */
    static void linearWeightGrad(Tensor dy, SparseInput x, Tensor w, boolean gradIsZero) {
        int[] ds = dy.shapeRef(), ws = w.shapeRef();
        if (ds.length != 2 || ws.length != 2 || ds[0] != x.rows() || ds[1] != ws[0] || x.cols() != ws[1]) {
            throw new IllegalArgumentException("linearWeightGrad: output gradient " + Shape.str(ds) + " and input [" + x.rows() + ", " + x.cols()
                    + "] do not match weight " + Shape.str(ws) + " (expected [N, out], [N, in], [out, in])");
        }
        boolean fresh = gradIsZero || w.gradData() == null;
        Gemm.tnByRows(ws[0], dy.data(), 0, x, w.gradBuffer(), 0, true, fresh);
    }

    /** {@code bias.grad += Σ_rows dy}: see {@link F#linearBiasGrad}. */
    static void linearBiasGrad(Tensor dy, Tensor bias) {
        int[] ds = dy.shapeRef(), bs = bias.shapeRef();
        if (ds.length != 2 || bs.length != 1 || ds[1] != bs[0]) {
            throw new IllegalArgumentException("linearBiasGrad: output gradient " + Shape.str(ds) + " does not match bias " + Shape.str(bs)
                    + " (expected [N, out] and [out])");
        }
        biasGrad(dy.data(), ds[0], ds[1], bias);
    }

    /** bias.grad += column sums of g [n, outF]: linear's bias gradient. */
    private static void biasGrad(float[] g, int n, int outF, Tensor bias) {
        KernelProvider.kernels().columnSums(g, 0, n, outF, bias.gradBuffer(), 0, true);
    }

    /** {@code y = x·Wᵀ + b} on a listed input; backward reaches W and b: see {@link F#linear(SparseInput, Tensor, Tensor)}. */
    static Tensor linear(SparseInput x, Tensor w, Tensor bias) {
        int[] ws = w.shapeRef();
        if (ws.length != 2 || x.cols() != ws[1]) {
            throw new IllegalArgumentException("linear: input of shape [" + x.rows() + ", " + x.cols() + "] does not match weight of shape "
                    + Shape.str(ws) + " (expected [N, " + (ws.length == 2 ? ws[1] : "in") + "])");
        }
        int n = x.rows(), outF = ws[0];
        if (bias != null && (bias.dim() != 1 || bias.numel() != outF)) {
            throw new IllegalArgumentException("linear: bias of shape " + Shape.str(bias.shapeRef()) + " does not match weight of shape " + Shape.str(ws));
        }
        float[] y = Workspace.overwritten(n * outF);
        if (bias != null) {
            // Each thread starts its outputs' sums from the bias: no broadcast pass on the caller first.
            Gemm.nt(x, outF, w.data(), 0, bias.data(), y, 0);
        } else {
            Gemm.nt(x, outF, w.data(), 0, y, 0, false);
        }
        Tensor out = Tensor.wrap(y, new int[] {n, outF});
        return Autograd.record(out, "linear", g -> {
            if (w.requiresGrad()) {
                Gemm.tnByRows(outF, g, 0, x, w.gradBuffer(), 0, true);
            }
            if (bias != null && bias.requiresGrad()) {
                biasGrad(g, n, outF, bias);
            }
        }, w, bias);
    }

    /** {@code C = A·B}; backward: dA += dC·Bᵀ (NT), dB += Aᵀ·dC (TN). */
    static Tensor matmul(Tensor a, Tensor b) {
        int[] as = a.shapeRef(), bs = b.shapeRef();
        if (as.length != 2 || bs.length != 2 || as[1] != bs[0]) {
            throw new IllegalArgumentException("matmul: shapes " + Shape.str(as) + " and " + Shape.str(bs) + " cannot be multiplied");
        }
        int m = as[0], k = as[1], n = bs[1];
        float[] c = Workspace.overwritten(m * n);
        Gemm.nn(m, n, k, a.data(), 0, b.data(), 0, c, 0, false);
        Tensor out = Tensor.wrap(c, new int[] {m, n});
        return Autograd.record(out, "matmul", g -> {
            if (a.requiresGrad()) {
                Gemm.nt(m, k, n, g, 0, b.data(), 0, a.gradBuffer(), 0, true);
            }
            if (b.requiresGrad()) {
                Gemm.tn(k, n, m, a.data(), 0, g, 0, b.gradBuffer(), 0, true);
            }
        }, a, b);
    }

    /**
     * {@code y = x·Wᵀ + b} for x [N, in], W [out, in], b [out] (or null): the bias is the starting
     * value of the product, so adding it costs nothing. Backward: dx += dy·W (NN), dW += dyᵀ·x (TN),
     * db += column sums of dy.
     */
    static Tensor linear(Tensor x, Tensor w, Tensor bias) {
        int[] xs = x.shapeRef(), ws = w.shapeRef();
        if (ws.length != 2 || xs.length != 2 || xs[1] != ws[1]) {
            throw new IllegalArgumentException("linear: input of shape " + Shape.str(xs) + " does not match weight of shape " + Shape.str(ws) + " (expected [N, " + (ws.length == 2 ? ws[1] : "in") + "])");
        }
        int n = xs[0], in = xs[1], outF = ws[0];
        if (bias != null && (bias.dim() != 1 || bias.numel() != outF)) {
            throw new IllegalArgumentException("linear: bias of shape " + Shape.str(bias.shapeRef()) + " does not match weight of shape " + Shape.str(ws));
        }
        float[] y = Workspace.overwritten(n * outF);
        if (bias != null) {
            KernelProvider.kernels().broadcastRows(bias.data(), 0, y, 0, n, outF);
        }
        Gemm.nt(n, outF, in, x.data(), 0, w.data(), 0, y, 0, bias != null);
        Tensor out = Tensor.wrap(y, new int[] {n, outF});
        return Autograd.record(out, "linear", g -> {
            if (x.requiresGrad()) {
                Gemm.nn(n, in, outF, g, 0, w.data(), 0, x.gradBuffer(), 0, true);
            }
            if (w.requiresGrad()) {
                weightGrad(g, x, w, n, in, outF);
            }
            if (bias != null && bias.requiresGrad()) {
                biasGrad(g, n, outF, bias);
            }
        }, x, w, bias);
    }
}
