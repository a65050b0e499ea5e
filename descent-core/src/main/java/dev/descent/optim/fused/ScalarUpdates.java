package dev.descent.optim.fused;

/**
 * The fused updates in plain Java: the reference {@code VectorUpdates} is held to bit for bit, and
 * the path when the Vector API is unavailable or {@code -Ddescent.kernels=scalar} is set. Each
 * formula is written once, in a static range method that the vector form also calls for its tail.
 */
public final class ScalarUpdates implements FusedUpdates {

    static final ScalarUpdates INSTANCE = new ScalarUpdates();

    private ScalarUpdates() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void zero(float[] a, int n) {
        Split.run(n, (from, to) -> java.util.Arrays.fill(a, from, to, 0f));
    }

    @Override
    public void scale(float[] a, int n, float factor) {
        Split.run(n, (from, to) -> scale(a, from, to, factor));
    }

    static void scale(float[] a, int from, int to, float factor) {
        for (int i = from; i < to; i++) {
            a[i] *= factor;
        }
    }

    @Override
    public void step(float[] d, float[] out, int n, float rate) {
        Split.run(n, (from, to) -> step(d, out, from, to, rate));
    }

    static void step(float[] d, float[] out, int from, int to, float rate) {
        for (int i = from; i < to; i++) {
            out[i] = out[i] - rate * d[i];
        }
    }

    @Override
    public void sgdMomentum(float[] g, float[] b, float[] out, int n, float momentum, float dampening, boolean nesterov,
                            boolean first, float rate) {
        Split.run(n, (from, to) -> sgdMomentum(g, b, out, from, to, momentum, dampening, nesterov, first, rate));
    }

    static void sgdMomentum(float[] g, float[] b, float[] out, int from, int to, float momentum, float dampening, boolean nesterov,
                            boolean first, float rate) {
        float c = 1 - dampening;
        for (int i = from; i < to; i++) {
            float gi = g[i];
            float bi = first ? gi : b[i] * momentum + c * gi;
            b[i] = bi;
            float d = nesterov ? gi + momentum * bi : bi;
            out[i] = out[i] - rate * d;
        }
    }

    @Override
    public void adam(float[] g, float[] m, float[] v, float[] vmax, float[] out, int n, float beta1, float beta2, float eps,
                     float bc2Sqrt, float rate) {
        Split.run(n, (from, to) -> adam(g, m, v, vmax, out, from, to, beta1, beta2, eps, bc2Sqrt, rate));
    }

    static void adam(float[] g, float[] m, float[] v, float[] vmax, float[] out, int from, int to, float beta1, float beta2,
                     float eps, float bc2Sqrt, float rate) {
        float c1 = 1 - beta1, c2 = 1 - beta2;
        for (int i = from; i < to; i++) {
            float gi = g[i];
            float mi = m[i] * beta1 + c1 * gi;
            float vi = v[i] * beta2 + c2 * gi * gi;
            m[i] = mi;
            v[i] = vi;
            if (vmax != null) {
                vi = Math.max(vmax[i], vi);
                vmax[i] = vi;
            }
            out[i] = out[i] - rate * (mi / ((float) Math.sqrt(vi) / bc2Sqrt + eps));
        }
    }

    @Override
    public void rmsprop(float[] g, float[] v, float[] gAvg, float[] buf, float[] out, int n, float alpha, float eps, float momentum,
                        float rate) {
        Split.run(n, (from, to) -> rmsprop(g, v, gAvg, buf, out, from, to, alpha, eps, momentum, rate));
    }

    static void rmsprop(float[] g, float[] v, float[] gAvg, float[] buf, float[] out, int from, int to, float alpha, float eps,
                        float momentum, float rate) {
        float c = 1 - alpha;
        for (int i = from; i < to; i++) {
            float gi = g[i];
            float vi = v[i] * alpha + c * gi * gi;
            v[i] = vi;
            float d;
            if (gAvg != null) {
                float ga = gAvg[i] * alpha + c * gi;
                gAvg[i] = ga;
                d = (float) Math.sqrt(vi - ga * ga) + eps;
            } else {
                d = (float) Math.sqrt(vi) + eps;
            }
            float dir = gi / d;
            if (buf != null) {
                dir = buf[i] * momentum + dir;
                buf[i] = dir;
            }
            out[i] = out[i] - rate * dir;
        }
    }

    @Override
    public void lion(float[] g, float[] m, float[] out, int n, float beta1, float beta2, float rate) {
        Split.run(n, (from, to) -> lion(g, m, out, from, to, beta1, beta2, rate));
    }

    static void lion(float[] g, float[] m, float[] out, int from, int to, float beta1, float beta2, float rate) {
        float c1 = 1 - beta1, c2 = 1 - beta2;
        for (int i = from; i < to; i++) {
            float gi = g[i], mi = m[i];
            float c = mi * beta1 + c1 * gi;
            out[i] = out[i] - rate * (c > 0 ? 1f : c < 0 ? -1f : 0f);
            m[i] = mi * beta2 + c2 * gi;
        }
    }

    @Override
    public void scheduleFreeSgd(float[] g, float[] z, float[] x, float[] y, int n, float lr, float ckp1, float momentum) {
        Split.run(n, (from, to) -> scheduleFreeSgd(g, z, x, y, from, to, lr, ckp1, momentum));
    }

    static void scheduleFreeSgd(float[] g, float[] z, float[] x, float[] y, int from, int to, float lr, float ckp1, float momentum) {
        float keepX = 1 - ckp1, ob = 1 - momentum;
        for (int i = from; i < to; i++) {
            float zi = z[i] - lr * g[i];
            float xi = x[i] * keepX + ckp1 * zi;
            z[i] = zi;
            x[i] = xi;
            y[i] = interpolate(xi, zi, momentum, ob);
        }
    }

    @Override
    public void scheduleFreeAdamW(float[] g, float[] z, float[] x, float[] v, float[] y, int n, float lr, float lrDecay,
                                  float beta1, float beta2, float eps, float bc2, float ckp1) {
        Split.run(n, (from, to) -> scheduleFreeAdamW(g, z, x, v, y, from, to, lr, lrDecay, beta1, beta2, eps, bc2, ckp1));
    }

    static void scheduleFreeAdamW(float[] g, float[] z, float[] x, float[] v, float[] y, int from, int to, float lr, float lrDecay,
                                  float beta1, float beta2, float eps, float bc2, float ckp1) {
        float c2 = 1 - beta2, keepX = 1 - ckp1, ob = 1 - beta1;
        for (int i = from; i < to; i++) {
            float gi = g[i];
            float zi = z[i] - lrDecay * y[i];
            float vi = v[i] * beta2 + c2 * gi * gi;
            zi = zi - lr * (gi / ((float) Math.sqrt(vi / bc2) + eps));
            float xi = x[i] * keepX + ckp1 * zi;
            v[i] = vi;
            z[i] = zi;
            x[i] = xi;
            y[i] = interpolate(xi, zi, beta1, ob);
        }
    }

    @Override
    public void scheduleFreeY(float[] x, float[] z, float[] y, int n, float beta) {
        Split.run(n, (from, to) -> scheduleFreeY(x, z, y, from, to, beta));
    }

    static void scheduleFreeY(float[] x, float[] z, float[] y, int from, int to, float beta) {
        float ob = 1 - beta;
        for (int i = from; i < to; i++) {
            y[i] = interpolate(x[i], z[i], beta, ob);
        }
    }

    /** y = β·x + (1 − β)·z, as {@code x.mul(β).add_(z, alpha=1 − β)}. */
    private static float interpolate(float x, float z, float beta, float oneMinusBeta) {
        return x * beta + oneMinusBeta * z;
    }

    @Override
    public void muonMomentum(float[] g, float[] m, float[] out, int n, float momentum, boolean nesterov) {
        Split.run(n, (from, to) -> muonMomentum(g, m, out, from, to, momentum, nesterov));
    }

    static void muonMomentum(float[] g, float[] m, float[] out, int from, int to, float momentum, boolean nesterov) {
        float w = 1 - momentum;
        for (int i = from; i < to; i++) {
            float gi = g[i];
            float mi = lerp(m[i], gi, w);
            m[i] = mi;
            out[i] = nesterov ? lerp(gi, mi, momentum) : mi;
        }
    }

    /** PyTorch's {@code lerp}: exact at both ends, whichever side the weight is nearer. */
    private static float lerp(float a, float b, float w) {
        return Math.abs(w) < 0.5f ? a + w * (b - a) : b - (b - a) * (1 - w);
    }
}
