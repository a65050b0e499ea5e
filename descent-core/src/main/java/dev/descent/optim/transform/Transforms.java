package dev.descent.optim.transform;

import dev.descent.optim.fused.FusedProvider;
import dev.descent.optim.fused.FusedUpdates;
import dev.descent.tensor.kernel.KernelProvider;

/**
 * The links every optimizer shares, as Optax's: flip the sign to maximize, add weight decay before
 * or after the algorithm's scaling, clip, and scale by the learning rate (moving the parameters).
 * The algorithms' own scalings sit with the algorithms ({@code Adam.scaleByAdam()}, …).
 */
public final class Transforms {

    private Transforms() {
    }

    /** {@code u ← −u} when the group maximizes ({@code maximize=True} in torch.optim); nothing otherwise. */
    public static <O> Transform<O> maximize() {
        @SuppressWarnings("unchecked")
        Transform<O> t = (Transform<O>) Maximize.INSTANCE;
        return t;
    }

    /**
     * Weight decay in PyTorch's L2 form, placed before the algorithm's scaling:
     * {@code u ← u + λ·θ} with λ the group's weight decay (Adam, SGD, RMSprop, …).
     */
    public static <O> Transform<O> coupledWeightDecay() {
        @SuppressWarnings("unchecked")
        Transform<O> t = (Transform<O>) WeightDecay.COUPLED;
        return t;
    }

    /**
     * Decoupled weight decay (Loshchilov &amp; Hutter 2019), placed after the algorithm's scaling and
     * before {@link #scaleByLearningRate()}: {@code u ← u + λ·θ}, so θ ← θ − γ·(d + λ·θ) = (1 − γλ)·θ − γ·d
     * (AdamW, Lion, Muon).
     */
    public static <O> Transform<O> decoupledWeightDecay() {
        @SuppressWarnings("unchecked")
        Transform<O> t = (Transform<O>) WeightDecay.DECOUPLED;
        return t;
    }

    /** Clamps each element of the update to [−value, value]. */
    public static Clip clipByValue(double value) {
        return new Clip.ByValue(value);
    }

    /** Rescales all updates together to a global L2 norm of at most {@code maxNorm}. */
    public static Clip clipByGlobalNorm(double maxNorm) {
        return new Clip.ByGlobalNorm(maxNorm);
    }

    /**
     * The last link of most chains: {@code θ ← θ − γ·u}, with γ the group's learning rate as a
     * schedule has set it.
     */
    public static <O> Transform<O> scaleByLearningRate() {
        @SuppressWarnings("unchecked")
        Transform<O> t = (Transform<O>) ScaleByLearningRate.INSTANCE;
        return t;
    }

    /** {@code u ← −u} when maximizing. */
    static final class Maximize implements Transform<Object> {
        static final Maximize INSTANCE = new Maximize();

        @Override
        public String name() {
            return "maximize";
        }

        @Override
        public boolean isIdentity(Group<Object> group) {
            return !group.maximize();
        }

        @Override
        public boolean elementwise() {
            return true;
        }

        @Override
        public void update(Slot<Object> s) {
            if (s.group().maximize()) {
                float[] u = s.writableUpdate();
                for (int i = 0; i < u.length; i++) {
                    u[i] = -u[i];
                }
            }
        }
    }

    /** {@code u ← u + λ·θ}; coupled or decoupled only by where it stands in the chain. */
    static final class WeightDecay implements Transform<Object> {
        static final WeightDecay COUPLED = new WeightDecay("coupled_weight_decay");
        static final WeightDecay DECOUPLED = new WeightDecay("decoupled_weight_decay");

        private final String name;

        private WeightDecay(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void update(Slot<Object> s) {
            double wd = s.group().weightDecay();
            if (wd != 0) {
                float lambda = (float) wd;
                float[] p = s.param(), u = s.writableUpdate();
                for (int i = 0; i < u.length; i++) {
                    u[i] += lambda * p[i];
                }
            }
        }

        @Override
        public boolean isIdentity(Group<Object> group) {
            return group.weightDecay() == 0;
        }

        @Override
        public boolean elementwise() {
            return true;
        }

        /**
         * θ ← (1 − γλ)·θ, PyTorch's {@code p.mul_(1 - lr * wd)}, before a fused step; nothing when λ = 0.
         * An element-wise {@link FusedUpdates#scale}, so it runs by ranges with the step that follows.
         */
        static void decay(float[] p, Group<?> g, double lr) {
            if (g.weightDecay() != 0) {
                FusedProvider.updates().scale(p, p.length, (float) (1 - lr * g.weightDecay()));
            }
        }
    }

    /** {@code θ ← θ − γ·u}. */
    static final class ScaleByLearningRate implements Transform<Object> {
        static final ScaleByLearningRate INSTANCE = new ScaleByLearningRate();

        @Override
        public String name() {
            return "scale_by_learning_rate";
        }

        @Override
        public boolean movesParameters() {
            return true;
        }

        @Override
        public boolean elementwise() {
            return true;
        }

        @Override
        public void update(Slot<Object> s) {
            float[] p = s.param();
            KernelProvider.kernels().axpy((float) -s.group().lr(), s.update(), 0, p, 0, p.length);
        }
    }
}
