package dev.descent.optim;

import java.util.ArrayList;
import java.util.List;

import dev.descent.optim.fused.FusedProvider;
import dev.descent.optim.transform.Chain;
import dev.descent.optim.transform.Fusable;
import dev.descent.optim.transform.Slot;
import dev.descent.tensor.Tensor;
import dev.descent.tensor.kernel.Gemm;

import static dev.descent.optim.transform.Transforms.decoupledWeightDecay;
import static dev.descent.optim.transform.Transforms.maximize;
import static dev.descent.optim.transform.Transforms.scaleByLearningRate;

/**
 * Muon, MomentUm Orthogonalized by Newton–Schulz (Jordan et al., 2024), with the auxiliary Adam its
 * authors use for the parameters Muon is not meant for, as {@code SingleDeviceMuonWithAuxAdam} in
 * KellerJordan/Muon's {@code muon.py}. Hidden weight matrices (every matrix but the first and the
 * last layer's) follow Muon; the first and last layers and every bias follow Adam:
 *
 * <pre>
 * Muon (a matrix G of r × c, flattened to 2-D):
 *   m ← lerp(m, g, 1 − μ);   u ← lerp(g, m, μ) (Nesterov) or m
 *   X ← u / (‖u‖_F + 1e-7), transposed when r &gt; c;  5 times: A ← X·Xᵀ;  B ← b·A + c·A·A;  X ← a·X + B·X
 *     with (a, b, c) = (3.4445, −4.7750, 2.0315)
 *   θ ← (1 − γλ)·θ − γ·√max(1, r/c)·X
 * auxiliary Adam:
 *   m ← β₁·m + (1 − β₁)·g;  v ← β₂·v + (1 − β₂)·g²;  θ ← (1 − γλ)·θ − γ·(m/(1 − β₁ᵗ)) / (√(v/(1 − β₂ᵗ)) + ε)
 * </pre>
 * The quintic iteration does not converge to U·Vᵀ of G = U·S·Vᵀ but to about U·S'·Vᵀ with S' in
 * (0.5, 1.5), which the authors found trains as well. Descent runs it in float32 on its GEMM
 * kernels (the authors use bfloat16 on GPUs). The two kinds of parameter are two groups: each group's
 * {@code useMuon} option says which; {@link #spec} splits a model's parameters this way. Defaults
 * (the authors'): Muon γ = 0.02, μ = 0.95, Nesterov, 5 steps; Adam γ = 3e-4, β = (0.9, 0.95),
 * ε = 1e-10; λ = 0. State: {@code momentum_buffer} (Muon), {@code exp_avg}, {@code exp_avg_sq} (Adam).
 */
public final class Muon {

    /**
     * A group's options.
     *
     * @param useMuon  whether this group follows Muon (else the auxiliary Adam)
     * @param adamLr   the auxiliary Adam group's learning rate, used by {@link #spec} when it splits
     *                 parameters (a group's own rate is its {@code lr})
     */
    public record Options(boolean useMuon, double momentum, boolean nesterov, int nsSteps, double beta1, double beta2, double eps, double adamLr) {
        /** The authors' defaults, for a Muon group. */
        public static Options defaults() {
            return new Options(true, 0.95, true, 5, 0.9, 0.95, 1e-10, DEFAULT_ADAM_LR);
        }

        /** The same options for the other kind of group. */
        public Options withMuon(boolean muon) {
            return new Options(muon, momentum, nesterov, nsSteps, beta1, beta2, eps, adamLr);
        }
    }

    /** The authors' default Muon learning rate. */
    public static final double DEFAULT_LR = 0.02;
    /** The authors' default learning rate of the auxiliary Adam. */
    public static final double DEFAULT_ADAM_LR = 3e-4;

    /** The quintic Newton–Schulz coefficients, chosen by the authors to maximise the slope at zero. */
    static final float NS_A = 3.4445f, NS_B = -4.7750f, NS_C = 2.0315f;

    /** Muon's scaling: the orthogonalised momentum for Muon groups, Adam's direction for the others. */
    public static Fusable<Options> scaleByMuon() {
        return ScaleByMuon.INSTANCE;
    }

    /** The chain: maximize, scale by Muon, decoupled weight decay, learning rate. */
    public static final Chain<Options> RULE = Chain.of(maximize(), scaleByMuon(), decoupledWeightDecay(), scaleByLearningRate()).named("MuonWithAuxAdam");

    private Muon() {
    }

    /**
     * A spec whose optimizer puts the hidden matrices (all matrices but the first and the last, in
     * parameter order) in a Muon group with learning rate {@code lr}, and the rest in an Adam group
     * with {@code options.adamLr()}.
     */
    public static OptimizerSpec<Options> spec(double lr, double weightDecay, Options options) {
        return new OptimizerSpec<>(RULE, lr, weightDecay, options, (params, names, s) -> {
            boolean[] muon = hiddenMatrices(params);
            List<Tensor> mp = new ArrayList<>(), ap = new ArrayList<>();
            List<String> mn = new ArrayList<>(), an = new ArrayList<>();
            for (int i = 0; i < params.size(); i++) {
                (muon[i] ? mp : ap).add(params.get(i));
                if (names != null) {
                    (muon[i] ? mn : an).add(names.get(i));
                }
            }
            List<Optimizer.GroupSpec<Options>> groups = new ArrayList<>();
            if (!mp.isEmpty()) {
                groups.add(new Optimizer.GroupSpec<>(mp, names == null ? null : mn, s.lr(), s.weightDecay(), false, s.options().withMuon(true)));
            }
            if (!ap.isEmpty()) {
                groups.add(new Optimizer.GroupSpec<>(ap, names == null ? null : an, s.options().adamLr(), s.weightDecay(), false, s.options().withMuon(false)));
            }
            return groups;
        });
    }

    /** Which parameters are hidden weight matrices: at least 2-D, and neither the first nor the last such. */
    public static boolean[] hiddenMatrices(List<Tensor> params) {
        List<Integer> matrices = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            if (params.get(i).shape().length >= 2) {
                matrices.add(i);
            }
        }
        boolean[] hidden = new boolean[params.size()];
        for (int j = 1; j < matrices.size() - 1; j++) {
            hidden[matrices.get(j)] = true;
        }
        return hidden;
    }

    /**
     * Newton–Schulz orthogonalisation of the r × c matrix {@code g}, in place: the 5-step quintic
     * iteration above. {@code work} holds at least 2·r·c + 2·min(r, c)² floats.
     */
    static void orthogonalise(float[] g, int rows, int cols, int steps, float[] work) {
        boolean tall = rows > cols;
        int a = tall ? cols : rows, b = tall ? rows : cols, n = rows * cols;
        // Layout of work: X (a×b) | X' (a×b) | A (a×a) | B (a×a).
        int x = 0, x2 = n, am = 2 * n, bm = 2 * n + a * a;
        if (tall) {
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    work[x + j * rows + i] = g[i * cols + j];
                }
            }
        } else {
            System.arraycopy(g, 0, work, x, n);
        }
        double sq = 0;
        for (int i = 0; i < n; i++) {
            sq += (double) work[x + i] * work[x + i];
        }
        float inv = (float) (1 / (Math.sqrt(sq) + 1e-7));
        for (int i = 0; i < n; i++) {
            work[x + i] *= inv;
        }
        int cur = x, next = x2;
        for (int s = 0; s < steps; s++) {
            Gemm.nt(a, a, b, work, cur, work, cur, work, am, false);           // A = X·Xᵀ
            Gemm.nn(a, a, a, work, am, work, am, work, bm, false);             // A·A
            for (int i = 0; i < a * a; i++) {
                work[bm + i] = NS_B * work[am + i] + NS_C * work[bm + i];      // B = b·A + c·A·A
            }
            Gemm.nn(a, b, a, work, bm, work, cur, work, next, false);          // B·X
            for (int i = 0; i < n; i++) {
                work[next + i] = NS_A * work[cur + i] + work[next + i];        // X = a·X + B·X
            }
            int t = cur;
            cur = next;
            next = t;
        }
        if (tall) {
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    g[i * cols + j] = work[cur + j * rows + i];
                }
            }
        } else {
            System.arraycopy(work, cur, g, 0, n);
        }
    }

    private static final class ScaleByMuon implements Fusable<Options> {
        static final ScaleByMuon INSTANCE = new ScaleByMuon();

        @Override
        public String name() {
            return "muon";
        }

        @Override
        public List<String> buffers() {
            return List.of("momentum_buffer", "exp_avg", "exp_avg_sq");
        }

        @Override
        public void validate(Options o) {
            Checks.beta("momentum", o.momentum());
            if (o.nsSteps() < 1) {
                throw new IllegalArgumentException("Invalid ns_steps: " + o.nsSteps() + " (must be >= 1)");
            }
            Checks.adamLike(o.beta1(), o.beta2(), o.eps());
            Checks.lr(o.adamLr());
        }

        @Override
        public void apply(Slot<Options> s, float[] out, double eta) {
            Options o = s.options();
            int n = s.numel();
            if (!o.useMuon()) {
                long t = s.step();
                double bc1 = 1 - Math.pow(o.beta1(), t);
                double bc2Sqrt = Math.sqrt(1 - Math.pow(o.beta2(), t));
                FusedProvider.updates().adam(s.update(), s.buffer(1), s.buffer(2), null, out, n, (float) o.beta1(), (float) o.beta2(),
                        (float) o.eps(), (float) bc2Sqrt, (float) (eta / bc1));
                return;
            }
            int[] shape = s.shape();
            if (shape.length < 2) {
                throw new IllegalArgumentException("Muon orthogonalises matrices; parameter " + (s.name() == null ? s.index() : s.name())
                        + " of shape " + java.util.Arrays.toString(shape) + " belongs in the auxiliary Adam group");
            }
            int rows = shape[0], cols = n / rows, a = Math.min(rows, cols);
            float[] u = s.work(0, n);
            FusedProvider.updates().muonMomentum(s.update(), s.buffer(0), u, n, (float) o.momentum(), o.nesterov());
            orthogonalise(u, rows, cols, o.nsSteps(), s.work(1, 2 * n + 2 * a * a));
            float scale = (float) Math.sqrt(Math.max(1, rows / (double) cols));
            if (scale != 1f) {
                for (int i = 0; i < n; i++) {
                    u[i] *= scale;
                }
            }
            FusedProvider.updates().step(u, out, n, (float) eta);
        }
    }
}
