package dev.descent.optim;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;

import dev.descent.tensor.Generator;
import dev.descent.tensor.Tensor;

/**
 * The tutorial's random search, a zero-order method that never reads a gradient:
 *
 * <pre>
 * z ~ N(0, I) per parameter tensor;  normalized: z ← z / ‖z‖₂
 * p ← p + σ·z
 * </pre>
 * σ is the noise scale. The learning rate of the group is not used (it must still be positive, as
 * every optimizer's). {@link #stepIfBetter} is the accept-if-better variant: the move is kept only
 * when it does not increase the loss. The generator's state is part of the optimizer's state dict.
 */
public final class RandomSearch implements UpdateRule<RandomSearch.Options> {

    /** σ and whether each tensor's noise is normalized to unit norm. */
    public record Options(double noiseScale, boolean normalized) {
    }

    private final Generator gen;

    /** A random search drawing its noise from a generator seeded with {@code seed}. */
    public RandomSearch(long seed) {
        this.gen = new Generator(seed);
    }

    /** Random search over {@code params}. */
    public static Optimizer<Options> create(List<Tensor> params, double noiseScale, boolean normalized, long seed) {
        return new Optimizer<>(new RandomSearch(seed), params, 1.0, 0, new Options(noiseScale, normalized));
    }

    @Override
    public String name() {
        return "random_search";
    }

    @Override
    public String[] bufferNames() {
        return new String[0];
    }

    @Override
    public boolean needsGradient() {
        return false;
    }

    @Override
    public void validate(Options o) {
        if (!(o.noiseScale() > 0) || Double.isInfinite(o.noiseScale())) {
            throw new IllegalArgumentException("Invalid noise_scale: " + o.noiseScale() + " (must be positive and finite)");
        }
    }

    @Override
    public void update(float[] p, float[] g, ParamState s, ParamGroup<Options> group) {
        double[] z = new double[p.length];
        double norm2 = 0;
        for (int i = 0; i < z.length; i++) {
            z[i] = gen.nextGaussian();
            norm2 += z[i] * z[i];
        }
        double scale = group.options().noiseScale() / (group.options().normalized() && norm2 > 0 ? Math.sqrt(norm2) : 1);
        for (int i = 0; i < p.length; i++) {
            p[i] += (float) (scale * z[i]);
        }
    }

    @Override
    public long[] ruleState() {
        return gen.state();
    }

    @Override
    public void loadRuleState(long[] state) {
        gen.setState(state);
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
        for (ParamGroup<Options> g : optimizer.paramGroups()) {
            for (Tensor p : g.params()) {
                saved.add(p.data().clone());
            }
        }
        optimizer.step();
        double after = loss.getAsDouble();
        if (after <= before) {
            return after;
        }
        int i = 0;
        for (ParamGroup<Options> g : optimizer.paramGroups()) {
            for (Tensor p : g.params()) {
                System.arraycopy(saved.get(i++), 0, p.data(), 0, p.numel());
            }
        }
        return before;
    }
}
