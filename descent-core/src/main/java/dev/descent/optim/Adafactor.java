package dev.descent.optim;

import java.util.List;

import dev.descent.optim.fused.FusedProvider;
import dev.descent.optim.transform.Chain;
import dev.descent.optim.transform.Slot;
import dev.descent.optim.transform.Transform;
import dev.descent.tensor.Tensor;

import static dev.descent.optim.transform.Transforms.maximize;

/**
 * Adafactor (Shazeer &amp; Stern, 2018), as {@code torch.optim.Adafactor} (PyTorch 2.5) defines it:
 * second moments kept factored for matrices (a row and a column vector instead of a full matrix),
 * a relative step size, and update clipping:
 *
 * <pre>
 * β̂₂_t ← 1 − t^τ;   ρ_t ← min(γ, 1/√t);   α_t ← max(ε₂, RMS(θ_{t−1}))·ρ_t
 * θ_{t−1} ← θ_{t−1} − γλ·θ_{t−1}
 * matrix (r × c, batched over leading dimensions):
 *   R_t ← β̂₂_t·R_{t−1} + (1 − β̂₂_t)·mean_j G_t²     (one value per row)
 *   C_t ← β̂₂_t·C_{t−1} + (1 − β̂₂_t)·mean_i G_t²     (one value per column)
 *   V̂_t ← R_t·C_tᵀ / max(mean_i R_t, ε₁)
 * vector:  V̂_t ← β̂₂_t·V̂_{t−1} + (1 − β̂₂_t)·G_t²
 * U_t ← G_t / max(√V̂_t, ε₁);   Û_t ← U_t / max(1, RMS(U_t)/d)
 * θ_t ← θ_{t−1} − α_t·Û_t
 * </pre>
 * The averages are PyTorch's lerps (weight 1 − β̂₂_t = t^τ); with row and column <em>means</em> the
 * estimate equals the documentation's R·C/(1ᵀR) with sums. On a rank-one G² the factored V̂ is the
 * full second moment exactly. Defaults (PyTorch's): γ = 1e-2, τ = −0.8, ε₁ = float32's machine
 * epsilon (PyTorch's None), ε₂ = 1e-3, d = 1, λ = 0. State: {@code row_var}, {@code col_var}
 * (matrices), {@code variance} (vectors).
 */
public final class Adafactor implements Transform<Adafactor.Options> {

    /**
     * τ ({@code beta2_decay}), ε₁ and ε₂ ({@code eps}), and the clipping threshold d.
     */
    public record Options(double beta2Decay, double eps1, double eps2, double d) {
        /** PyTorch's defaults, ε₁ as None resolves for float32 parameters. */
        public static Options defaults() {
            return new Options(-0.8, Math.ulp(1f), 1e-3, 1.0);
        }
    }

    /** PyTorch's default learning rate. */
    public static final double DEFAULT_LR = 1e-2;

    /** The chain: maximize, then Adafactor's step (its weight decay and relative step size included). */
    public static final Chain<Options> RULE = Chain.of(maximize(), new Adafactor()).named("Adafactor");

    private Adafactor() {
    }

    /** Adafactor over {@code params}. */
    public static Optimizer<Options> create(List<Tensor> params, double lr, double weightDecay, Options options) {
        return new Optimizer<>(RULE, params, lr, weightDecay, options);
    }

    @Override
    public String name() {
        return "adafactor";
    }

    @Override
    public List<String> buffers() {
        return List.of("row_var", "col_var", "variance");
    }

    @Override
    public int bufferSize(int i, int[] shape) {
        int numel = 1;
        for (int d : shape) {
            numel *= d;
        }
        if (shape.length < 2) {
            return i == 2 ? numel : 0;
        }
        int rows = shape[shape.length - 2], cols = shape[shape.length - 1], batch = numel / (rows * cols);
        return i == 0 ? batch * rows : i == 1 ? batch * cols : 0;
    }

    @Override
    public boolean movesParameters() {
        return true;
    }

    @Override
    public void validate(Options o) {
        if (!(o.beta2Decay() <= 0)) {
            throw new IllegalArgumentException("beta2_decay should be <= 0 but is: " + o.beta2Decay());
        }
        Checks.nonNegative("epsilon1 value", o.eps1());
        Checks.nonNegative("epsilon2 value", o.eps2());
        if (!(o.d() >= 1) || Double.isInfinite(o.d())) {
            throw new IllegalArgumentException("Clipping threshold d should be >= 1 but is: " + o.d());
        }
    }

    @Override
    public void update(Slot<Options> s) {
        Options o = s.options();
        double lr = s.group().lr(), wd = s.group().weightDecay();
        long t = s.step();
        float w = (float) Math.pow(t, o.beta2Decay());
        double rho = Math.min(lr, 1 / Math.sqrt(t));
        float[] p = s.param(), g = s.update();
        int n = p.length;
        double alpha = Math.max(o.eps2(), Math.sqrt(sumOfSquares(p) / n)) * rho;
        if (wd != 0) {
            float keep = (float) (1 - lr * wd);
            for (int i = 0; i < n; i++) {
                p[i] *= keep;
            }
        }
        float[] u = s.work(0, n);
        float eps1Sq = (float) (o.eps1() * o.eps1());
        int[] shape = s.shape();
        if (shape.length >= 2) {
            int rows = shape[shape.length - 2], cols = shape[shape.length - 1];
            float[] r = s.buffer(0), c = s.buffer(1);
            for (int b = 0; b < n / (rows * cols); b++) {
                factoredEstimate(g, b * rows * cols, rows, cols, r, b * rows, c, b * cols, w, (float) o.eps1(), u);
            }
        } else {
            float[] v = s.buffer(2);
            for (int i = 0; i < n; i++) {
                v[i] = lerp(v[i], g[i] * g[i], w);
                u[i] = v[i];
            }
        }
        for (int i = 0; i < n; i++) {
            u[i] = g[i] / (float) Math.sqrt(Math.max(u[i], eps1Sq));
        }
        double clip = Math.max(1.0, Math.sqrt(sumOfSquares(u) / n) / o.d());
        FusedProvider.updates().step(u, p, n, (float) (alpha / clip));
    }

    /** R, C of one r × c matrix at {@code off}, and V̂ = R·Cᵀ/max(mean R, ε₁) into {@code est}. */
    private static void factoredEstimate(float[] g, int off, int rows, int cols, float[] r, int rOff, float[] c, int cOff, float w,
                                         float eps1, float[] est) {
        double rowVarSum = 0;
        for (int i = 0; i < rows; i++) {
            double sq = 0;
            for (int j = 0; j < cols; j++) {
                float v = g[off + i * cols + j];
                sq += (double) v * v;
            }
            r[rOff + i] = lerp(r[rOff + i], (float) (sq / cols), w);
            rowVarSum += r[rOff + i];
        }
        for (int j = 0; j < cols; j++) {
            double sq = 0;
            for (int i = 0; i < rows; i++) {
                float v = g[off + i * cols + j];
                sq += (double) v * v;
            }
            c[cOff + j] = lerp(c[cOff + j], (float) (sq / rows), w);
        }
        float denom = Math.max((float) (rowVarSum / rows), eps1);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                est[off + i * cols + j] = r[rOff + i] * c[cOff + j] / denom;
            }
        }
    }

    private static float lerp(float a, float b, float w) {
        return Math.abs(w) < 0.5f ? a + w * (b - a) : b - (b - a) * (1 - w);
    }

    private static double sumOfSquares(float[] x) {
        double s = 0;
        for (float v : x) {
            s += (double) v * v;
        }
        return s;
    }
}
