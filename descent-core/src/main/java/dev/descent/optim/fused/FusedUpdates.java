package dev.descent.optim.fused;

/**
 * The optimizers' fused element-wise updates: each reads and writes every array once per step.
 * Two implementations follow the same operation order, so they agree bit for bit: {@link ScalarUpdates}
 * (plain Java, the reference) and {@code VectorUpdates} (the incubating Vector API); {@link FusedProvider}
 * picks one. Updates of at least 32,768 elements are split across the kernel threads at multiples of
 * 64 elements, so results do not depend on the thread count.
 *
 * <p>Most updates end in {@code out ← out − rate·d}: with {@code out} the parameter this is the
 * step (rate = γ times the algorithm's own factor); with {@code out} zeros and rate = −1 it leaves
 * the direction d there for the links after it. Every formula is
 * written in PyTorch's order of operations ({@code addcmul}, {@code addcdiv}, {@code lerp}), without FMA.
 */
public interface FusedUpdates {

    /** A short name for logs ("vector-512", "scalar"). */
    String name();

    /**
     * a ← 0 for the first n elements, split across the kernel threads as the updates are: after an
     * update, each thread zeroes the part of the gradient it has just read, in its own core's cache.
     */
    void zero(float[] a, int n);

    /** a ← factor·a for the first n elements (decoupled weight decay's {@code p.mul_(1 − γλ)}). */
    void scale(float[] a, int n, float factor);

    /** A step along a given direction: out ← out − rate·d (plain SGD, Muon's orthogonalised update). */
    void step(float[] d, float[] out, int n, float rate);

    /**
     * SGD with momentum μ and dampening τ ({@code torch.optim.SGD}):
     * b ← g on the first step, else μ·b + (1 − τ)·g;  d ← g + μ·b (Nesterov) or b;  out ← out − rate·d.
     */
    void sgdMomentum(float[] g, float[] b, float[] out, int n, float momentum, float dampening, boolean nesterov,
                     boolean first, float rate);

    /**
     * Adam ({@code torch.optim.Adam}): m ← β₁·m + (1 − β₁)·g;  v ← β₂·v + (1 − β₂)·g·g;
     * v̂ ← max(v̂, v) when {@code vmax} is given (AMSGrad), else v;  out ← out − rate·(m / (√v̂ / c₂ + ε)),
     * with c₂ = √(1 − β₂ᵗ) and rate = γ/(1 − β₁ᵗ) for a step.
     */
    void adam(float[] g, float[] m, float[] v, float[] vmax, float[] out, int n, float beta1, float beta2, float eps,
              float bc2Sqrt, float rate);

    /**
     * RMSprop ({@code torch.optim.RMSprop}): v ← α·v + (1 − α)·g·g;  centered ({@code gAvg} given):
     * ḡ ← α·ḡ + (1 − α)·g, d ← √(v − ḡ·ḡ) + ε, else d ← √v + ε;  with momentum ({@code buf} given):
     * b ← μ·b + g/d, out ← out − rate·b;  else out ← out − rate·(g/d).
     */
    void rmsprop(float[] g, float[] v, float[] gAvg, float[] buf, float[] out, int n, float alpha, float eps, float momentum,
                 float rate);

    /** Lion: c ← β₁·m + (1 − β₁)·g;  out ← out − rate·sign(c);  m ← β₂·m + (1 − β₂)·g. */
    void lion(float[] g, float[] m, float[] out, int n, float beta1, float beta2, float rate);

    /**
     * Schedule-Free SGD's step, the parameter holding y: z ← z − γ·g;  x ← (1 − c)·x + c·z;
     * y ← μ·x + (1 − μ)·z.
     */
    void scheduleFreeSgd(float[] g, float[] z, float[] x, float[] y, int n, float lr, float ckp1, float momentum);

    /**
     * Schedule-Free AdamW's step, the parameter holding y: z ← z − γλ·y;  v ← β₂·v + (1 − β₂)·g·g;
     * z ← z − γ·(g / (√(v / b₂) + ε)) with b₂ = 1 − β₂ᵗ;  x ← (1 − c)·x + c·z;  y ← β₁·x + (1 − β₁)·z.
     */
    void scheduleFreeAdamW(float[] g, float[] z, float[] x, float[] v, float[] y, int n, float lr, float lrDecay,
                           float beta1, float beta2, float eps, float bc2, float ckp1);

    /** Schedule-Free's training point from its average and base sequences: y ← β·x + (1 − β)·z. */
    void scheduleFreeY(float[] x, float[] z, float[] y, int n, float beta);

    /**
     * Muon's momentum, PyTorch's {@code lerp}: m ← lerp(m, g, 1 − μ);  out ← lerp(g, m, μ) (Nesterov) or m,
     * where lerp(a, b, w) = a + w·(b − a) for |w| &lt; ½, else b − (b − a)·(1 − w).
     */
    void muonMomentum(float[] g, float[] m, float[] out, int n, float momentum, boolean nesterov);
}
