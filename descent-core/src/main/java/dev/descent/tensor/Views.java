package dev.descent.tensor;

import dev.descent.tensor.kernel.KernelProvider;

/** Shape changes: reshape/view/flatten (shared storage), transpose (a copy), row gather. */
final class Views {

    private Views() {
    }

    static Tensor reshape(Tensor x, int[] newShape, String op) {
        int[] s = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException(op + ": only one dimension can be -1 in " + Shape.str(newShape));
                }
                infer = i;
            } else if (s[i] < 0) {
                throw new IllegalArgumentException(op + ": invalid dimension " + s[i] + " in " + Shape.str(newShape));
            } else {
                known *= s[i];
            }
        }
        int n = x.numel();
        if (infer >= 0) {
            if (known == 0 || n % known != 0) {
                throw new IllegalArgumentException(op + ": shape " + Shape.str(newShape) + " is invalid for input of shape " + Shape.str(x.shapeRef()));
            }
            s[infer] = (int) (n / known);
        } else if (known != n) {
            throw new IllegalArgumentException(op + ": shape " + Shape.str(newShape) + " is invalid for input of shape " + Shape.str(x.shapeRef()));
        }
        Tensor out = Tensor.wrap(x.data(), s);
        return Autograd.record(out, op, g -> KernelProvider.kernels().addInto(g, 0, x.gradBuffer(), 0, n), x);
    }

    static Tensor flatten(Tensor x, int startDim) {
        int[] s = x.shapeRef();
        if (s.length == 0) {
            return reshape(x, new int[] {1}, "flatten");
        }
        int d = Shape.dim("flatten", startDim, s.length);
        int[] ns = new int[d + 1];
        System.arraycopy(s, 0, ns, 0, d);
        int prod = 1;
        for (int i = d; i < s.length; i++) {
            prod *= s[i];
        }
        ns[d] = prod;
        return reshape(x, ns, "flatten");
    }

    static Tensor transpose(Tensor x, int d0, int d1) {
        int[] s = x.shapeRef();
        int a = Shape.dim("transpose", d0, s.length), b = Shape.dim("transpose", d1, s.length);
        int[] perm = new int[s.length];
        for (int i = 0; i < perm.length; i++) {
            perm[i] = i;
        }
        perm[a] = b;
        perm[b] = a;
        int[] outShape = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            outShape[i] = s[perm[i]];
        }
        float[] y = new float[x.numel()];
        int[] src = permutedIndex(s, perm);
        float[] xd = x.data();
        for (int i = 0; i < y.length; i++) {
            y[i] = xd[src[i]];
        }
        Tensor out = Tensor.wrap(y, outShape);
        return Autograd.record(out, "transpose", g -> {
            float[] gx = x.gradBuffer();
            for (int i = 0; i < g.length; i++) {
                gx[src[i]] += g[i];
            }
        }, x);
    }

    /** For each element of the permuted tensor (row-major), the flat index it reads in the original. */
    private static int[] permutedIndex(int[] shape, int[] perm) {
        int rank = shape.length;
        int[] strides = new int[rank];
        for (int i = rank - 1, st = 1; i >= 0; i--) {
            strides[i] = st;
            st *= shape[i];
        }
        int[] outShape = new int[rank], outStrides = new int[rank];
        for (int i = 0; i < rank; i++) {
            outShape[i] = shape[perm[i]];
            outStrides[i] = strides[perm[i]];
        }
        return Shape.strideWalk(outShape, outStrides);
    }

    static Tensor indexSelect(Tensor x, int[] indices) {
        int[] s = x.shapeRef();
        if (s.length == 0) {
            throw new IllegalArgumentException("indexSelect: expects at least one dimension, got a scalar");
        }
        int rows = s[0];
        int row = rows == 0 ? 0 : x.numel() / rows;
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= rows) {
                throw new IndexOutOfBoundsException("indexSelect: index " + indices[i] + " at position " + i + " is out of range for dimension 0 of size " + rows);
            }
        }
        int[] outShape = s.clone();
        outShape[0] = indices.length;
        float[] xd = x.data();
        float[] y = new float[indices.length * row];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(xd, indices[i] * row, y, i * row, row);
        }
        int[] idx = indices.clone();
        Tensor out = Tensor.wrap(y, outShape);
        return Autograd.record(out, "index_select", g -> {
            float[] gx = x.gradBuffer();
            for (int i = 0; i < idx.length; i++) {
                KernelProvider.kernels().addInto(g, i * row, gx, idx[i] * row, row);
            }
        }, x);
    }
}
