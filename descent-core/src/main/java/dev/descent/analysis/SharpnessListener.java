package dev.descent.analysis;

import java.util.List;

import dev.descent.nn.Mlp;
import dev.descent.tensor.Generator;
import dev.descent.tensor.Tensor;
import dev.descent.train.Loss;
import dev.descent.train.TrainListener;
import dev.descent.train.Trainer;

/**
 * Curvature you can watch: every {@code every} steps, the sharpness — the top eigenvalue λ_max of the
 * training loss's Hessian on a fixed evaluation batch — recorded in the trainer's
 * {@link Trainer#history() history} as {@value #SHARPNESS}, beside {@value #TWO_OVER_LR} = 2/η from
 * the learning rate the next step uses (group 0's). Gradient descent on a quadratic is stable only
 * while λ_max &lt; 2/η; Cohen et al. (ICLR 2021) show full-batch GD on networks sharpening until λ_max
 * reaches 2/η and then hovering there (the edge of stability). For momentum β the threshold is
 * (2 + 2β)/η, and adaptive methods have their own; the column stays 2/η.
 *
 * <p>λ_max comes from Lanczos on exact Hessian-vector products ({@link MlpCurvature}, float32 on the
 * GEMM kernels by default), warm-started from the previous measurement's eigenvector, stopping when
 * the Ritz pair's residual is below {@code tolerance}·λ. The time it takes is kept apart from the
 * training time ({@link #seconds()}). Measurements are taken in {@link #measure}, before any
 * listener's {@code onStep}, so the metrics log written there sees them.
 */
public final class SharpnessListener implements TrainListener {

    /** The history's name of the sharpness measurement (and its column in metrics.csv). */
    public static final String SHARPNESS = "sharpness";
    /** The history's name of the threshold 2/η measured beside it. */
    public static final String TWO_OVER_LR = "two_over_lr";
    /** Both, in column order. */
    public static final List<String> COLUMNS = List.of(SHARPNESS, TWO_OVER_LR);

    /**
     * How often and how precisely to measure.
     *
     * @param every         steps between measurements (at steps every, 2·every, …)
     * @param maxIterations Lanczos products per measurement at most
     * @param tolerance     stop when the residual ‖Hv − λv‖ ≤ tolerance·|λ|
     * @param atStart       also measure before the first step (recorded at step 0)
     * @param precision     the arithmetic of the Hessian-vector products
     * @param seed          the first measurement's random start vector
     */
    public record Settings(int every, int maxIterations, double tolerance, boolean atStart, MlpCurvature.Precision precision, long seed) {
        /** Validates every setting. */
        public Settings {
            if (every < 1) {
                throw new IllegalArgumentException("sharpness: the interval must be a positive number of steps, got " + every);
            }
            if (maxIterations < 2) {
                throw new IllegalArgumentException("sharpness: Lanczos needs at least 2 iterations, got " + maxIterations);
            }
            if (!(tolerance > 0 && tolerance < 1)) {
                throw new IllegalArgumentException("sharpness: the tolerance must be in (0, 1), got " + tolerance);
            }
            if (precision == null) {
                precision = MlpCurvature.Precision.FLOAT32;
            }
        }

        /** Every {@code n} steps, up to 20 Lanczos products to a residual of 10⁻³·λ, float32, from step 0. */
        public static Settings every(int n) {
            return new Settings(n, 20, 1e-3, true, MlpCurvature.Precision.FLOAT32, 0);
        }
    }

    private final Mlp model;
    private final MlpCurvature curvature;
    private final Settings settings;
    private double[] previous;
    private double seconds;
    private int measurements;
    private int products;
    private double last = Double.NaN;

    /**
     * Measures {@code model} (the one being trained) on a fixed batch.
     *
     * @param inputs  the evaluation batch [N, in] (the same examples every time)
     * @param targets its labels
     * @param loss    the training loss
     */
    public SharpnessListener(Mlp model, Tensor inputs, int[] targets, Loss loss, Settings settings) {
        this.model = model;
        this.settings = settings;
        this.curvature = new MlpCurvature(model, inputs, targets, loss, settings.precision());
    }

    @Override
    public void onStart(Trainer trainer) {
        if (settings.atStart() && trainer.step() == 0) {
            record(trainer, 0, trainer.optimizer().paramGroups().get(0).lr());
        }
    }

    /** Reads the model at the steps it measures. */
    @Override
    public boolean readsModel(StepReport report) {
        return report.step() % settings.every() == 0;
    }

    @Override
    public void measure(Trainer trainer, StepReport report) {
        if (report.step() % settings.every() == 0) {
            record(trainer, report.step(), report.lr());
        }
    }

    private void record(Trainer trainer, int step, double lr) {
        double value = sharpness();
        trainer.history().addMetric(SHARPNESS, step, value);
        trainer.history().addMetric(TWO_OVER_LR, step, 2 / lr);
    }

    /**
     * λ_max of the loss on the evaluation batch at the model's current parameters, warm-started from
     * the previous call's eigenvector.
     */
    public double sharpness() {
        long t0 = System.nanoTime();
        MlpCurvature.Point p = curvature.at(MlpCurvature.flatten(model));
        double[] start = previous;
        if (start == null) {
            Generator g = new Generator(settings.seed());
            start = new double[curvature.size()];
            for (int i = 0; i < start.length; i++) {
                start[i] = g.nextGaussian();
            }
        }
        Lanczos.Eigenpair e = Lanczos.largest(p.hessian(), start, settings.maxIterations(), settings.tolerance());
        previous = e.vector();
        last = e.value();
        measurements++;
        products += e.products();
        seconds += (System.nanoTime() - t0) / 1e9;
        return last;
    }

    /** Seconds spent measuring so far. */
    public double seconds() {
        return seconds;
    }

    /** Measurements taken so far. */
    public int measurements() {
        return measurements;
    }

    /** Hessian-vector products spent so far. */
    public int products() {
        return products;
    }

    /** The last value measured, or NaN before the first. */
    public double last() {
        return last;
    }

    /** The evaluation batch's size. */
    public int examples() {
        return curvature.examples();
    }
}
