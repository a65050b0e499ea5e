package dev.descent.optim.fused;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fused updates on the incubating Vector API: each loop body is its formula in
 * {@link ScalarUpdates} lane by lane, in the same order of operations (no FMA), and the tail of
 * every range is the scalar form's own loop, so the two agree bit for bit. The loops are not
 * unrolled: an update streams 3 to 6 arrays and is bound by memory, not by latency chains.
 */
final class VectorUpdates implements FusedUpdates {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    static final VectorUpdates INSTANCE = new VectorUpdates();

    private VectorUpdates() {
    }

    static int lanes() {
        return L;
    }

    @Override
    public String name() {
        return "vector-" + S.vectorBitSize();
    }

    @Override
    public void zero(float[] a, int n) {
        Split.run(n, (from, to) -> java.util.Arrays.fill(a, from, to, 0f));
    }

    @Override
    public void scale(float[] a, int n, float factor) {
        Split.run(n, (from, to) -> {
            int i = from;
            for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
                FloatVector.fromArray(S, a, i).mul(factor).intoArray(a, i);
            }
            ScalarUpdates.scale(a, i, to, factor);
        });
    }

    @Override
    public void step(float[] d, float[] out, int n, float rate) {
        Split.run(n, (from, to) -> {
            int i = from;
            for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
                step(out, i, rate, FloatVector.fromArray(S, d, i));
            }
            ScalarUpdates.step(d, out, i, to, rate);
        });
    }

    @Override
    public void sgdMomentum(float[] g, float[] b, float[] out, int n, float momentum, float dampening, boolean nesterov,
                            boolean first, float rate) {
        Split.run(n, (from, to) -> {
            float c = 1 - dampening;
            int i = from;
            for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
                FloatVector gv = FloatVector.fromArray(S, g, i);
                FloatVector bv = first ? gv : FloatVector.fromArray(S, b, i).mul(momentum).add(gv.mul(c));
                bv.intoArray(b, i);
                FloatVector d = nesterov ? gv.add(bv.mul(momentum)) : bv;
                step(out, i, rate, d);
            }
            ScalarUpdates.sgdMomentum(g, b, out, i, to, momentum, dampening, nesterov, first, rate);
        });
    }

    @Override
    public void adam(float[] g, float[] m, float[] v, float[] vmax, float[] out, int n, float beta1, float beta2, float eps,
                     float bc2Sqrt, float rate) {
        Split.run(n, (from, to) -> {
            float c1 = 1 - beta1, c2 = 1 - beta2, floor = unmovedAbove(rate, eps);
            int i = from;
            for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
                FloatVector gv = FloatVector.fromArray(S, g, i);
                FloatVector mv = FloatVector.fromArray(S, m, i).mul(beta1).add(gv.mul(c1));
                FloatVector vv = FloatVector.fromArray(S, v, i).mul(beta2).add(gv.mul(c2).mul(gv));
                mv.intoArray(m, i);
                vv.intoArray(v, i);
                if (vmax != null) {
                    vv = FloatVector.fromArray(S, vmax, i).max(vv);
                    vv.intoArray(vmax, i);
                }
                FloatVector p = FloatVector.fromArray(S, out, i);
                step(out, i, p, rate, direction(mv, vv.sqrt().div(bc2Sqrt).add(eps), p, floor));
            }
            ScalarUpdates.adam(g, m, v, vmax, out, i, to, beta1, beta2, eps, bc2Sqrt, rate);
        });
    }

    @Override
    public void rmsprop(float[] g, float[] v, float[] gAvg, float[] buf, float[] out, int n, float alpha, float eps, float momentum,
                        float rate) {
        Split.run(n, (from, to) -> {
            float c = 1 - alpha;
            int i = from;
            for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
                FloatVector gv = FloatVector.fromArray(S, g, i);
                FloatVector vv = FloatVector.fromArray(S, v, i).mul(alpha).add(gv.mul(c).mul(gv));
                vv.intoArray(v, i);
                FloatVector d;
                if (gAvg != null) {
                    FloatVector ga = FloatVector.fromArray(S, gAvg, i).mul(alpha).add(gv.mul(c));
                    ga.intoArray(gAvg, i);
                    d = vv.sub(ga.mul(ga)).sqrt().add(eps);
                } else {
                    d = vv.sqrt().add(eps);
                }
                FloatVector dir = gv.div(d);
                if (buf != null) {
                    dir = FloatVector.fromArray(S, buf, i).mul(momentum).add(dir);
                    dir.intoArray(buf, i);
                }
                step(out, i, rate, dir);
            }
            ScalarUpdates.rmsprop(g, v, gAvg, buf, out, i, to, alpha, eps, momentum, rate);
        });
    }

    @Override
    public void lion(float[] g, float[] m, float[] out, int n, float beta1, float beta2, float rate) {
        Split.run(n, (from, to) -> {
            float c1 = 1 - beta1, c2 = 1 - beta2;
            FloatVector zero = FloatVector.zero(S), one = FloatVector.broadcast(S, 1f), minusOne = FloatVector.broadcast(S, -1f);
            int i = from;
            for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
                FloatVector gv = FloatVector.fromArray(S, g, i), mv = FloatVector.fromArray(S, m, i);
                FloatVector c = mv.mul(beta1).add(gv.mul(c1));
                VectorMask<Float> pos = c.compare(VectorOperators.GT, 0f), neg = c.compare(VectorOperators.LT, 0f);
                step(out, i, rate, zero.blend(one, pos).blend(minusOne, neg));
                mv.mul(beta2).add(gv.mul(c2)).intoArray(m, i);
            }
            ScalarUpdates.lion(g, m, out, i, to, beta1, beta2, rate);
        });
    }

    @Override
    public void scheduleFreeSgd(float[] g, float[] z, float[] x, float[] y, int n, float lr, float ckp1, float momentum) {
        Split.run(n, (from, to) -> {
            float keepX = 1 - ckp1, ob = 1 - momentum;
            int i = from;
            for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
                FloatVector zv = FloatVector.fromArray(S, z, i).sub(FloatVector.fromArray(S, g, i).mul(lr));
                FloatVector xv = FloatVector.fromArray(S, x, i).mul(keepX).add(zv.mul(ckp1));
                zv.intoArray(z, i);
                xv.intoArray(x, i);
                interpolate(xv, zv, momentum, ob).intoArray(y, i);
            }
            ScalarUpdates.scheduleFreeSgd(g, z, x, y, i, to, lr, ckp1, momentum);
        });
    }

    @Override
    public void scheduleFreeAdamW(float[] g, float[] z, float[] x, float[] v, float[] y, int n, float lr, float lrDecay,
                                  float beta1, float beta2, float eps, float bc2, float ckp1) {
        Split.run(n, (from, to) -> {
            float c2 = 1 - beta2, keepX = 1 - ckp1, ob = 1 - beta1;
            int i = from;
            for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
                FloatVector gv = FloatVector.fromArray(S, g, i);
                FloatVector zv = FloatVector.fromArray(S, z, i).sub(FloatVector.fromArray(S, y, i).mul(lrDecay));
                FloatVector vv = FloatVector.fromArray(S, v, i).mul(beta2).add(gv.mul(c2).mul(gv));
                zv = zv.sub(gv.div(vv.div(bc2).sqrt().add(eps)).mul(lr));
                FloatVector xv = FloatVector.fromArray(S, x, i).mul(keepX).add(zv.mul(ckp1));
                vv.intoArray(v, i);
                zv.intoArray(z, i);
                xv.intoArray(x, i);
                interpolate(xv, zv, beta1, ob).intoArray(y, i);
            }
            ScalarUpdates.scheduleFreeAdamW(g, z, x, v, y, i, to, lr, lrDecay, beta1, beta2, eps, bc2, ckp1);
        });
    }

    @Override
    public void scheduleFreeY(float[] x, float[] z, float[] y, int n, float beta) {
        Split.run(n, (from, to) -> {
            float ob = 1 - beta;
            int i = from;
            for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
                interpolate(FloatVector.fromArray(S, x, i), FloatVector.fromArray(S, z, i), beta, ob).intoArray(y, i);
            }
            ScalarUpdates.scheduleFreeY(x, z, y, i, to, beta);
        });
    }

    @Override
    public void muonMomentum(float[] g, float[] m, float[] out, int n, float momentum, boolean nesterov) {
        Split.run(n, (from, to) -> {
            float w = 1 - momentum;
            int i = from;
            for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
                FloatVector gv = FloatVector.fromArray(S, g, i);
                FloatVector mv = lerp(FloatVector.fromArray(S, m, i), gv, w);
                mv.intoArray(m, i);
                (nesterov ? lerp(gv, mv, momentum) : mv).intoArray(out, i);
            }
            ScalarUpdates.muonMomentum(g, m, out, i, to, momentum, nesterov);
        });
    }

    /**
     * Adam's {@code m / den} as far as {@code p − rate·(m / den)} can tell: the quotient, except that a
     * subnormal {@code m} (below {@link Float#MIN_NORMAL}, not zero) gives 0 in the lanes whose
     * parameter is above {@code floor} ({@link #unmovedAbove}), where its true step is under a quarter
     * of p's ulp and leaves p's bits as they are. The parameter, m and v come out bit for bit as the
     * scalar formula's; when any lane with a subnormal m has a parameter at or below the floor (or
     * NaN), the whole vector is divided as it is.
     *
     * <p>Why: a first moment whose gradient stays exactly zero (pixels that are rarely lit, ReLU units
     * that never fire) decays by β₁ a step into the subnormal range, as PyTorch's does, and a division
     * with a subnormal numerator takes the FPU's slow path: after a few epochs of the benchmark MLP 2–8%
     * of its first moments were subnormal and the optimizer's share of a step took 85 µs a thread
     * against 72 with this (docs/PERFORMANCE.md, section 13).
     */
    private static FloatVector direction(FloatVector m, FloatVector den, FloatVector p, float floor) {
        VectorMask<Float> subnormal = m.abs().compare(VectorOperators.LT, Float.MIN_NORMAL).and(m.compare(VectorOperators.NE, 0f));
        if (subnormal.andNot(p.abs().compare(VectorOperators.GT, floor)).anyTrue()) {
            return m.div(den);
        }
        return m.blend(0f, subnormal).div(den);
    }

    /**
     * The magnitude above which a parameter does not move under a subnormal first moment: with
     * |m| < 2⁻¹²⁶ and den ≥ eps, the step's size |rate·m/den| (each result rounded, a subnormal one
     * by up to 2⁻¹⁵⁰) stays below a quarter of p's ulp (at least |p|·2⁻²⁴, and at least 2⁻¹⁴⁹)
     * when |p| exceeds 2⁻⁹⁸·|rate|/eps, 2⁻¹²²·|rate| and 2⁻¹⁰⁰, each with a factor of 4 to spare.
     * Infinite (no parameter qualifies) when eps is not positive or rate not finite.
     */
    static float unmovedAbove(float rate, float eps) {
        double r = Math.abs((double) rate);
        if (!(eps > 0) || !Double.isFinite(r)) {
            return Float.POSITIVE_INFINITY;
        }
        double floor = Math.max(Math.max(Math.scalb(r / eps, -98), Math.scalb(r, -122)), 0x1p-100);
        return floor < Float.MAX_VALUE ? (float) floor : Float.POSITIVE_INFINITY;
    }

    /** out ← out − rate·d. */
    private static void step(float[] out, int i, float rate, FloatVector d) {
        step(out, i, FloatVector.fromArray(S, out, i), rate, d);
    }

    /** out ← p − rate·d, with p = out's lanes at i already loaded. */
    private static void step(float[] out, int i, FloatVector p, float rate, FloatVector d) {
        p.sub(d.mul(rate)).intoArray(out, i);
    }

    /** β·x + (1 − β)·z. */
    private static FloatVector interpolate(FloatVector x, FloatVector z, float beta, float oneMinusBeta) {
        return x.mul(beta).add(z.mul(oneMinusBeta));
    }

    /** PyTorch's {@code lerp}, the weight's side chosen once for all lanes. */
    private static FloatVector lerp(FloatVector a, FloatVector b, float w) {
        return Math.abs(w) < 0.5f ? a.add(b.sub(a).mul(w)) : b.sub(b.sub(a).mul(1 - w));
    }
}
