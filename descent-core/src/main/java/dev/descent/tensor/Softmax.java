package dev.descent.tensor;

/**
 * softmax and log_softmax along one dimension, computed with the maximum subtracted.
 * Backward: for y = softmax, dx = y ⊙ (dy − Σ dy⊙y); for y = log_softmax, dx = dy − e^y · Σ dy.
 */
final class Softmax {

    private Softmax() {
    }

    static Tensor softmax(Tensor x, int dim, boolean log) {
        String op = log ? "log_softmax" : "softmax";
        int[] s = x.shapeRef();
        int d = Shape.dim(op, dim, s.length);
        int outer = Shape.outer(s, d), size = s.length == 0 ? 1 : s[d], inner = s.length == 0 ? 1 : Shape.inner(s, d);
        float[] xd = x.data();
        float[] y = Workspace.floats(xd.length);
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * size * inner + i;
                float max = Float.NEGATIVE_INFINITY;
                for (int k = 0; k < size; k++) {
                    max = Math.max(max, xd[base + k * inner]);
                }
                double sum = 0;
                for (int k = 0; k < size; k++) {
                    sum += Math.exp(xd[base + k * inner] - max);
                }
                if (log) {
                    float lse = (float) (max + Math.log(sum));
                    for (int k = 0; k < size; k++) {
                        y[base + k * inner] = xd[base + k * inner] - lse;
                    }
                } else {
                    for (int k = 0; k < size; k++) {
                        y[base + k * inner] = (float) (Math.exp(xd[base + k * inner] - max) / sum);
                    }
                }
            }
        }
        Tensor out = Tensor.wrap(y, s);
        return Autograd.record(out, op, g -> {
            float[] gx = x.gradBuffer();
            for (int o = 0; o < outer; o++) {
                for (int i = 0; i < inner; i++) {
                    int base = o * size * inner + i;
                    double acc = 0;
                    for (int k = 0; k < size; k++) {
                        int j = base + k * inner;
                        acc += log ? g[j] : g[j] * y[j];
                    }
                    for (int k = 0; k < size; k++) {
                        int j = base + k * inner;
                        gx[j] += log ? (float) (g[j] - Math.exp(y[j]) * acc) : (float) (y[j] * (g[j] - acc));
                    }
                }
            }
        }, x);
    }
}
