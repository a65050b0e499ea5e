package dev.descent.optim;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;

import dev.descent.optim.transform.Chain;
import dev.descent.optim.transform.Slot;
import dev.descent.optim.transform.Transform;
import dev.descent.tensor.Generator;
import dev.descent.tensor.Tensor;

/**
 * The tutorial's random search, a zero-order method that never reads a gradient:
 *
 * <pre>
 * z ~ N(0, I) per parameter tensor;  normalized: z ← z / ‖z‖₂
 * p ← p + σ·z
 * </pre>
 * σ is the noise scale. The noise of parameter i at its step t comes from a generator seeded with
 * (seed, i, t), so the options alone fix the whole sequence and a resumed run draws what an
 * uninterrupted one would. The learning rate of the group is not used (it must still be positive,
 * as every optimizer's). Like every optimizer it moves the parameters that have a gradient, which
 * it never reads: {@link #create} gives each parameter a zero gradient when it has none.
 * {@link #stepIfBetter} is the accept-if-better variant: the move is kept only when it does not
 * increase the loss.
 */
public final class RandomSearch implements Transform<RandomSearch.Options> {

    /** σ, whether each tensor's noise is normalized to unit norm, and the noise's seed. */
    public record Options(double noiseScale, boolean normalized, long seed) {
    }

    /** The chain: the noise link alone. */
    public static final Chain<Options> RULE = Chain.of(new RandomSearch()).named("random_search");

    private RandomSearch() {
    }

    /** Random search over {@code params} (which get zero gradients if they have none). */
    public static Optimizer<Options> create(List<Tensor> params, double noiseScale, boolean normalized, long seed) {
        Optimizer<Options> opt = new Optimizer<>(RULE, params, 1.0, 0, new Options(noiseScale, normalized, seed));
        giveGradients(params);
        return opt;
    }

    /** Gives each parameter without a gradient a zero one, so that {@link Optimizer#step()} visits it. */
    static void giveGradients(List<Tensor> params) {
        for (Tensor p : params) {
            if (p.gradData() == null) {
                if (!p.requiresGrad()) {
                    p.requiresGrad(true);
                }
                p.backward(Tensor.zeros(p.shape()), false);
            }
        }
    }

    @Override
    public String name() {
        return "random_search";
    }

    @Override
    public boolean movesParameters() {
        return true;
    }

    @Override
    public void validate(Options o) {
        if (!(o.noiseScale() > 0) || Double.isInfinite(o.noiseScale())) {
            throw new IllegalArgumentException("Invalid noise_scale: " + o.noiseScale() + " (must be positive and finite)");
        }
    }

    @Override
    public void update(Slot<Options> s) {
        Options o = s.options();
        Generator gen = new Generator(o.seed() + 0x9E3779B97F4A7C15L * (s.index() + 1) + 0xD1B54A32D192ED03L * s.step());
        float[] p = s.param();
        double[] z = new double[p.length];
        double norm2 = 0;
        for (int i = 0; i < z.length; i++) {
            z[i] = gen.nextGaussian();
            norm2 += z[i] * z[i];
        }
        double scale = o.noiseScale() / (o.normalized() && norm2 > 0 ? Math.sqrt(norm2) : 1);
        for (int i = 0; i < p.length; i++) {
            p[i] += (float) (scale * z[i]);
        }
    }

    /**
     * The accept-if-better variant: proposes a random move and keeps it only if {@code loss} does not
     * increase; otherwise restores the parameters exactly.
     *
     * @param loss evaluates the objective at the current parameters (no gradient needed)
     * @return the loss after the step (the old loss when the move was rejected)
     */
    public static double stepIfBetter(Optimizer<Options> optimizer, DoubleSupplier loss) {
        return stepIfBetter(optimizer, loss, loss.getAsDouble());
    }

    /**
     * The accept-if-better step when the current loss is already known (the previous step's result):
     * one evaluation per step instead of two.
     */
    public static double stepIfBetter(Optimizer<Options> optimizer, DoubleSupplier loss, double before) {
        List<float[]> saved = new ArrayList<>();
        List<Tensor> params = new ArrayList<>();
        for (ParamGroup<Options> g : optimizer.paramGroups()) {
            params.addAll(g.params());
        }
        giveGradients(params);
        for (Tensor p : params) {
            saved.add(p.data().clone());
        }
        optimizer.step();
        double after = loss.getAsDouble();
        if (after <= before) {
            return after;
        }
        for (int i = 0; i < params.size(); i++) {
            System.arraycopy(saved.get(i), 0, params.get(i).data(), 0, params.get(i).numel());
        }
        return before;
    }
}
