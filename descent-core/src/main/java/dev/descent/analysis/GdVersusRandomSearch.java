package dev.descent.analysis;

import java.util.ArrayList;
import java.util.List;

import dev.descent.data.TensorDataset;
import dev.descent.nn.Mlp;
import dev.descent.optim.Optimizer;
import dev.descent.optim.RandomSearch;
import dev.descent.optim.TutorialRules;
import dev.descent.tensor.F;
import dev.descent.tensor.Grad;
import dev.descent.tensor.Tensor;

/**
 * The tutorial's first experiment: full-batch gradient descent against random search on the linear
 * (softmax-regression) model, from the same initial weights.
 *
 * <p>Gradient descent steps along −∇L; random search proposes θ + σ·z (z Gaussian, optionally
 * normalised per tensor) and keeps the move only if the loss does not increase. Cost is counted in
 * forward-pass equivalents: a gradient step costs about 3 (forward, then backward at about twice a
 * forward), a random-search step 1 (one evaluation of the proposal). In d = 7,850 dimensions a random
 * direction is nearly orthogonal to the gradient, so random search improves far more slowly even at
 * matched cost.
 */
public final class GdVersusRandomSearch {

    /** One method's curve. */
    public record Curve(String name, double[] loss, double costPerIteration) {
    }

    /** The knobs. */
    public record Config(int iterations, double lr, List<Double> noiseScales, boolean normalizedToo, long seed) {
        /** Checks every value, naming the one out of range. */
        public Config {
            noiseScales = List.copyOf(noiseScales);
            if (iterations < 1 || !(lr > 0) || noiseScales.isEmpty()) {
                throw new IllegalArgumentException("gd-vs-random: iterations and lr must be positive and at least one noise scale given");
            }
        }
    }

    private GdVersusRandomSearch() {
    }

    /** Runs every method on the whole training set (full batch). */
    public static List<Curve> run(TensorDataset train, Config cfg) {
        TensorDataset flat = train.flattened();
        Tensor x = flat.inputs();
        int[] y = flat.labels();
        int in = flat.exampleNumel(), classes = flat.numClasses();
        List<Curve> curves = new ArrayList<>();

        Mlp gdModel = Mlp.of(in, List.of(), classes, cfg.seed());
        Optimizer<TutorialRules.NoOptions> gd = TutorialRules.GradientDescent.create(gdModel.parameters(), cfg.lr());
        double[] gdLoss = new double[cfg.iterations() + 1];
        for (int i = 0; i <= cfg.iterations(); i++) {
            gd.zeroGrad(false);
            Tensor loss = F.nllLoss(gdModel.forward(x), y);
            gdLoss[i] = loss.item();
            if (i < cfg.iterations()) {
                loss.backward();
                gd.step();
            }
        }
        curves.add(new Curve(String.format(java.util.Locale.ROOT, "gradient descent (lr %s)", cfg.lr()), gdLoss, 3));

        for (boolean normalized : cfg.normalizedToo() ? new boolean[] {false, true} : new boolean[] {false}) {
            for (double sigma : cfg.noiseScales()) {
                Mlp m = Mlp.of(in, List.of(), classes, cfg.seed());
                Optimizer<RandomSearch.Options> rs = RandomSearch.create(m.parameters(), sigma, normalized, cfg.seed() + 7);
                java.util.function.DoubleSupplier eval = () -> {
                    try (var off = Grad.off()) {
                        return F.nllLoss(m.forward(x), y).item();
                    }
                };
                double[] l = new double[cfg.iterations() + 1];
                l[0] = eval.getAsDouble();
                for (int i = 1; i <= cfg.iterations(); i++) {
                    l[i] = RandomSearch.stepIfBetter(rs, eval, l[i - 1]);
                }
                curves.add(new Curve(String.format(java.util.Locale.ROOT, "random search (σ %s%s)", sigma, normalized ? ", normalised" : ""), l, 1));
            }
        }
        return curves;
    }
}
