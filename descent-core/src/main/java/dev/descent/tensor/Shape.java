package dev.descent.tensor;

import java.util.Arrays;

/** Shape arithmetic shared by the ops: sizes, dimension normalisation, broadcasting, error text. */
final class Shape {

    private Shape() {
    }

    static int numel(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("tensor of shape " + str(shape) + " is too large for one array");
        }
        return (int) n;
    }

    static int[] check(int[] shape) {
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + str(shape));
            }
        }
        return shape.clone();
    }

    static String str(int[] shape) {
        return Arrays.toString(shape);
    }

    /** Resolves a possibly negative dimension index against a rank, PyTorch style. */
    static int dim(String op, int dim, int rank) {
        int d = dim < 0 ? dim + rank : dim;
        if (d < 0 || d >= Math.max(rank, 1)) {
            throw new IllegalArgumentException(op + ": dimension " + dim + " out of range for a tensor of rank " + rank);
        }
        return d;
    }

    /** Product of the sizes before {@code dim}. */
    static int outer(int[] shape, int dim) {
        int n = 1;
        for (int i = 0; i < dim; i++) {
            n *= shape[i];
        }
        return n;
    }

    /** Product of the sizes after {@code dim}. */
    static int inner(int[] shape, int dim) {
        int n = 1;
        for (int i = dim + 1; i < shape.length; i++) {
            n *= shape[i];
        }
        return n;
    }

    /** NumPy broadcasting of two shapes; the error names the op and both shapes. */
    static int[] broadcast(String op, int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b) + " cannot be broadcast together");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Strides of {@code shape} laid out in {@code outShape}'s index space, 0 where broadcast. */
    static int[] broadcastStrides(int[] shape, int[] outShape) {
        int rank = outShape.length;
        int[] strides = new int[rank];
        int stride = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            int o = i + rank - shape.length;
            strides[o] = shape[i] == 1 ? 0 : stride;
            stride *= shape[i];
        }
        return strides;
    }

    static int[] removeDim(int[] shape, int dim, boolean keep) {
        if (keep) {
            int[] s = shape.clone();
            s[dim] = 1;
            return s;
        }
        int[] s = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != dim) {
                s[j++] = shape[i];
            }
        }
        return s;
    }

    /**
     * For each element of {@code shape} in row-major order, the flat index {@code Σ counter[d]·strides[d]}
     * of the element it reads (broadcasting and transposition are both this walk with other strides).
     */
    static int[] strideWalk(int[] shape, int[] strides) {
        int rank = shape.length;
        int n = numel(shape);
        int[] index = new int[n];
        int[] counter = new int[rank];
        int flat = 0;
        for (int i = 0; i < n; i++) {
            index[i] = flat;
            for (int d = rank - 1; d >= 0; d--) {
                counter[d]++;
                flat += strides[d];
                if (counter[d] < shape[d]) {
                    break;
                }
                flat -= strides[d] * counter[d];
                counter[d] = 0;
            }
        }
        return index;
    }
}
