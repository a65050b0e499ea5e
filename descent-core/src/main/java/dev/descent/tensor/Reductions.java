package dev.descent.tensor;

/** sum, mean and max, over all elements or along one dimension. */
final class Reductions {

    private Reductions() {
    }

    static Tensor sumAll(Tensor x, boolean mean) {
        float[] xd = x.data();
        double s = 0;
        for (float v : xd) {
            s += v;
        }
        float scale = mean ? 1f / xd.length : 1f;
        Tensor out = Tensor.wrap(new float[] {(float) (s * scale)}, new int[0]);
        return Autograd.record(out, mean ? "mean" : "sum", g -> {
            float[] gx = x.gradBuffer();
            float v = g[0] * scale;
            for (int i = 0; i < gx.length; i++) {
                gx[i] += v;
            }
        }, x);
    }

    static Tensor sumDim(Tensor x, int dim, boolean keepDim, boolean mean) {
        String op = mean ? "mean" : "sum";
        int[] s = x.shapeRef();
        int d = Shape.dim(op, dim, s.length);
        if (s.length == 0) {
            return sumAll(x, mean);
        }
        int outer = Shape.outer(s, d), size = s[d], inner = Shape.inner(s, d);
        float scale = mean ? 1f / size : 1f;
        float[] xd = x.data();
        float[] y = Workspace.floats(outer * inner);
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                double acc = 0;
                for (int k = 0; k < size; k++) {
                    acc += xd[(o * size + k) * inner + i];
                }
                y[o * inner + i] = (float) (acc * scale);
            }
        }
        Tensor out = Tensor.wrap(y, Shape.removeDim(s, d, keepDim));
        return Autograd.record(out, op, g -> {
            float[] gx = x.gradBuffer();
            for (int o = 0; o < outer; o++) {
                for (int k = 0; k < size; k++) {
                    for (int i = 0; i < inner; i++) {
                        gx[(o * size + k) * inner + i] += g[o * inner + i] * scale;
                    }
                }
            }
        }, x);
    }

    static MaxResult max(Tensor x, int dim, boolean keepDim) {
        int[] s = x.shapeRef();
        int d = Shape.dim("max", dim, s.length);
        int outer = Shape.outer(s, d), size = s[d], inner = Shape.inner(s, d);
        if (size == 0) {
            throw new IllegalArgumentException("max: cannot reduce over an empty dimension " + dim + " of shape " + Shape.str(s));
        }
        int[] idx = argmax(x, dim);
        float[] xd = x.data();
        float[] y = Workspace.floats(outer * inner);
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                y[o * inner + i] = xd[(o * size + idx[o * inner + i]) * inner + i];
            }
        }
        Tensor out = Tensor.wrap(y, Shape.removeDim(s, d, keepDim));
        Autograd.record(out, "max", g -> {
            float[] gx = x.gradBuffer();
            for (int o = 0; o < outer; o++) {
                for (int i = 0; i < inner; i++) {
                    gx[(o * size + idx[o * inner + i]) * inner + i] += g[o * inner + i];
                }
            }
        }, x);
        return new MaxResult(out, idx);
    }

    static int[] argmax(Tensor x, int dim) {
        int[] s = x.shapeRef();
        int d = Shape.dim("argmax", dim, s.length);
        int outer = Shape.outer(s, d), size = s[d], inner = Shape.inner(s, d);
        float[] xd = x.data();
        int[] idx = new int[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int best = 0;
                float bv = xd[o * size * inner + i];
                for (int k = 1; k < size; k++) {
                    float v = xd[(o * size + k) * inner + i];
                    // NaN wins, as torch.max propagates it.
                    if (v > bv || (Float.isNaN(v) && !Float.isNaN(bv))) {
                        bv = v;
                        best = k;
                    }
                }
                idx[o * inner + i] = best;
            }
        }
        return idx;
    }
}
