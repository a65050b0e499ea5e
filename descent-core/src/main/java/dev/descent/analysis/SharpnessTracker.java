package dev.descent.analysis;

import java.util.ArrayList;
import java.util.List;

import dev.descent.data.TensorDataset;
import dev.descent.nn.Mlp;
import dev.descent.nn.MlpSpec;
import dev.descent.optim.Optimizer;
import dev.descent.optim.TutorialRules;
import dev.descent.tensor.F;
import dev.descent.tensor.Generator;
import dev.descent.tensor.Tensor;

/**
 * The "edge of stability" (Cohen et al., 2021): full-batch gradient descent with learning rate η on a
 * small MLP, with the sharpness — the top eigenvalue λ_max of the training loss's Hessian, by
 * Lanczos on exact Hessian-vector products ({@link MlpCurvature}) — measured every few steps.
 * Gradient descent on a quadratic is stable only while λ_max &lt; 2/η; on a network the sharpness
 * first rises (progressive sharpening) and then hovers at about 2/η while the loss keeps falling,
 * non-monotonically.
 */
public final class SharpnessTracker {

    /** The settings: the model, the learning rates, the steps, how often and how precisely to measure. */
    public record Config(MlpSpec model, List<Double> lrs, int steps, int every, int lanczosIterations, long seed) {
        public Config {
            lrs = List.copyOf(lrs);
            if (lrs.isEmpty() || lrs.stream().anyMatch(l -> !(l > 0) || l.isInfinite())) {
                throw new IllegalArgumentException("sharpness: learning rates must be positive and finite, got " + lrs);
            }
            if (steps < 1 || every < 1 || lanczosIterations < 2) {
                throw new IllegalArgumentException("sharpness: steps and the measuring interval must be positive and Lanczos needs at least 2 iterations");
            }
        }
    }

    /**
     * One learning rate's run.
     *
     * @param loss         the full-batch training loss before each step (shorter if the run diverged)
     * @param measuredAt   the steps at which the sharpness was measured
     * @param sharpness    λ_max at those steps
     */
    public record Run(double lr, double[] loss, int[] measuredAt, double[] sharpness) {
        /** The stability threshold 2/η. */
        public double threshold() {
            return 2 / lr;
        }

        /** The largest sharpness measured. */
        public double maxSharpness() {
            double m = Double.NEGATIVE_INFINITY;
            for (double s : sharpness) {
                m = Math.max(m, s);
            }
            return m;
        }
    }

    private SharpnessTracker() {
    }

    /** Runs full-batch gradient descent from the same initial weights for each learning rate. */
    public static List<Run> run(TensorDataset train, Config cfg) {
        TensorDataset flat = train.flattened();
        Tensor x = flat.inputs();
        int[] y = flat.labels();
        List<Run> out = new ArrayList<>();
        for (double lr : cfg.lrs()) {
            Mlp model = new Mlp(cfg.model(), new Generator(cfg.seed()));
            MlpCurvature curvature = new MlpCurvature(model, x, y);
            Optimizer<TutorialRules.NoOptions> gd = TutorialRules.GradientDescent.create(model.parameters(), lr);
            double[] loss = new double[cfg.steps() + 1];
            List<Integer> at = new ArrayList<>();
            List<Double> sharp = new ArrayList<>();
            int n = cfg.steps() + 1;
            for (int step = 0; step <= cfg.steps(); step++) {
                if (step % cfg.every() == 0 || step == cfg.steps()) {
                    double[] theta = MlpCurvature.flatten(model);
                    double top = Lanczos.top(v -> curvature.hvp(theta, v), curvature.size(), cfg.lanczosIterations(), 1, new Generator(cfg.seed() + step))[0];
                    at.add(step);
                    sharp.add(top);
                }
                gd.zeroGrad(false);
                Tensor l = F.nllLoss(model.forward(x), y);
                loss[step] = l.item();
                if (!Double.isFinite(loss[step]) || loss[step] > 1e3) {
                    n = step + 1;
                    break;
                }
                if (step < cfg.steps()) {
                    l.backward();
                    gd.step();
                }
            }
            out.add(new Run(lr, java.util.Arrays.copyOf(loss, n), at.stream().mapToInt(Integer::intValue).toArray(),
                    sharp.stream().mapToDouble(Double::doubleValue).toArray()));
        }
        return out;
    }
}
