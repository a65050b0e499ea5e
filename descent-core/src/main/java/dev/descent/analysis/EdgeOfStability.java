package dev.descent.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;

import dev.descent.data.DataLoader;
import dev.descent.data.TensorDataset;
import dev.descent.nn.Mlp;
import dev.descent.nn.MlpSpec;
import dev.descent.optim.Sgd;
import dev.descent.tensor.Generator;
import dev.descent.train.History;
import dev.descent.train.Loss;
import dev.descent.train.TrainConfig;
import dev.descent.train.TrainListener;
import dev.descent.train.TrainResult;
import dev.descent.train.Trainer;

/**
 * The edge of stability (Cohen, Kaur, Li, Kolter &amp; Talwalkar, ICLR 2021): full-batch gradient
 * descent with step size η from the same initial weights, the {@link Trainer} with a
 * {@link SharpnessListener} on the whole training set. On a quadratic GD is stable only while the
 * sharpness λ_max &lt; 2/η; on a network λ_max first rises (progressive sharpening), reaches 2/η and
 * then hovers just above it while the loss keeps falling, non-monotonically.
 */
public final class EdgeOfStability {

    /**
     * The settings.
     *
     * @param model     the MLP
     * @param loss      the loss (the paper's regime is {@link Loss#MSE})
     * @param steps     full-batch steps per step size
     * @param sharpness how often and how precisely λ_max is measured
     * @param seed      the initial weights (the same for every η)
     */
    public record Config(MlpSpec model, Loss loss, int steps, SharpnessListener.Settings sharpness, long seed) {
        /** Validates the settings. */
        public Config {
            if (model == null || loss == null || sharpness == null) {
                throw new IllegalArgumentException("edge of stability: the model, loss and sharpness settings must be given");
            }
            if (steps < 1) {
                throw new IllegalArgumentException("edge of stability: steps must be positive, got " + steps);
            }
        }
    }

    /**
     * One step size's run.
     *
     * @param loss             the full-batch training loss at each step (before its update), shorter if it diverged
     * @param measuredAt       the steps after which λ_max was measured (0: at the initial weights)
     * @param sharpness        λ_max at those steps
     * @param result           how the run ended
     * @param sharpnessSeconds the time spent measuring (included in {@code seconds})
     * @param products         the Hessian-vector products the measurements took
     */
    public record Run(double lr, float[] loss, int[] measuredAt, double[] sharpness, TrainResult result, double seconds, double sharpnessSeconds,
                      int products) {
        /** The stability threshold 2/η. */
        public double threshold() {
            return 2 / lr;
        }

        /** The first measured step with λ_max ≥ 2/η, if any. */
        public OptionalInt stepsToReach() {
            for (int i = 0; i < sharpness.length; i++) {
                if (sharpness[i] >= threshold()) {
                    return OptionalInt.of(measuredAt[i]);
                }
            }
            return OptionalInt.empty();
        }

        /**
         * The mean of λ_max/(2/η) over the measurements after {@link #stepsToReach()} (empty if 2/η
         * was never reached or was reached at the last measurement).
         */
        public OptionalDouble meanRatioAfter() {
            OptionalInt reach = stepsToReach();
            if (reach.isEmpty()) {
                return OptionalDouble.empty();
            }
            double s = 0;
            int k = 0;
            for (int i = 0; i < sharpness.length; i++) {
                if (measuredAt[i] > reach.getAsInt()) {
                    s += sharpness[i] / threshold();
                    k++;
                }
            }
            return k == 0 ? OptionalDouble.empty() : OptionalDouble.of(s / k);
        }

        /** The largest λ_max measured. */
        public double maxSharpness() {
            double m = Double.NEGATIVE_INFINITY;
            for (double s : sharpness) {
                m = Math.max(m, s);
            }
            return m;
        }

        /** The last λ_max measured. */
        public double finalSharpness() {
            return sharpness[sharpness.length - 1];
        }

        /** The last training loss recorded. */
        public double finalLoss() {
            return loss.length == 0 ? Double.NaN : loss[loss.length - 1];
        }
    }

    private EdgeOfStability() {
    }

    /**
     * Runs full-batch gradient descent ({@code torch.optim.SGD} without momentum) with step size
     * {@code lr}; {@code extra} listeners (progress) see every step.
     */
    public static Run run(TensorDataset train, Config cfg, double lr, List<TrainListener> extra) {
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("edge of stability: step sizes must be positive and finite, got " + lr);
        }
        TensorDataset flat = train.flattened();
        Mlp model = new Mlp(cfg.model(), new Generator(cfg.seed()));
        SharpnessListener sharp = new SharpnessListener(model, flat.inputs(), flat.labels(), cfg.loss(), cfg.sharpness());
        List<TrainListener> listeners = new ArrayList<>();
        listeners.add(sharp);
        listeners.addAll(extra);
        DataLoader full = new DataLoader(flat, flat.size(), false, false, true, null);
        TrainConfig tc = new TrainConfig(cfg.steps(), Integer.MAX_VALUE, 0, 1, 256, 1, 0, null, cfg.loss());
        Trainer trainer = new Trainer(model, Sgd.create(model.parameters(), lr), null, null, full, null, tc, listeners);
        long t0 = System.nanoTime();
        TrainResult r = trainer.fit();
        double seconds = (System.nanoTime() - t0) / 1e9;
        History h = trainer.history();
        return new Run(lr, h.trainLoss(), h.metricSteps(SharpnessListener.SHARPNESS), h.metricValues(SharpnessListener.SHARPNESS), r, seconds, sharp.seconds(),
                sharp.products());
    }
}
