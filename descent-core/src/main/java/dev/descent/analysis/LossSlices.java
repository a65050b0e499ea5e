package dev.descent.analysis;

import java.util.function.ToDoubleFunction;

import dev.descent.data.Dataset;
import dev.descent.nn.Mlp;
import dev.descent.train.Evaluator;

/**
 * The loss along a line or over a plane through parameter space: L(θ + α·d₁ (+ β·d₂)). The model's
 * parameters are restored afterwards.
 */
public final class LossSlices {

    private LossSlices() {
    }

    /** The loss of {@code model} on (up to {@code maxExamples} of) {@code data}, in evaluation mode. */
    public static ToDoubleFunction<Mlp> lossOn(Dataset data, int maxExamples) {
        int batches = Math.max(1, Math.ceilDiv(Math.min(maxExamples, data.size()), 500));
        return m -> Evaluator.evaluate(m, data, 500, batches, null).loss();
    }

    /** L(θ + α·d) for each α. */
    public static double[] line(Mlp model, ToDoubleFunction<Mlp> loss, double[] d, double[] alphas) {
        return along(model, loss, MlpCurvature.flatten(model), d, alphas);
    }

    /**
     * L((1 − α)·θ_a + α·θ_b) for each α: the linear interpolation between two solutions (α = 0 is
     * θ_a, α = 1 is θ_b; values outside [0, 1] extrapolate).
     */
    public static double[] interpolate(Mlp model, ToDoubleFunction<Mlp> loss, double[] thetaA, double[] thetaB, double[] alphas) {
        return along(model, loss, thetaA, Directions.between(thetaA, thetaB), alphas);
    }

    /** L(origin + α·d) for each α; the model's parameters are restored afterwards. */
    private static double[] along(Mlp model, ToDoubleFunction<Mlp> loss, double[] origin, double[] d, double[] alphas) {
        double[] saved = MlpCurvature.flatten(model);
        double[] out = new double[alphas.length];
        try {
            for (int i = 0; i < alphas.length; i++) {
                MlpCurvature.unflatten(step(origin, d, alphas[i], null, 0), model);
                out[i] = loss.applyAsDouble(model);
            }
        } finally {
            MlpCurvature.unflatten(saved, model);
        }
        return out;
    }

    /** L(θ + α·d₁ + β·d₂) on the grid {@code alphas × betas}: out[i][j] is at (alphas[i], betas[j]). */
    public static double[][] plane(Mlp model, ToDoubleFunction<Mlp> loss, double[] d1, double[] d2, double[] alphas, double[] betas) {
        double[] theta = MlpCurvature.flatten(model);
        double[][] out = new double[alphas.length][betas.length];
        try {
            for (int i = 0; i < alphas.length; i++) {
                for (int j = 0; j < betas.length; j++) {
                    MlpCurvature.unflatten(step(theta, d1, alphas[i], d2, betas[j]), model);
                    out[i][j] = loss.applyAsDouble(model);
                }
            }
        } finally {
            MlpCurvature.unflatten(theta, model);
        }
        return out;
    }

    /** n evenly spaced values from lo to hi inclusive. */
    public static double[] linspace(double lo, double hi, int n) {
        if (n < 2) {
            throw new IllegalArgumentException("linspace needs at least 2 points, got " + n);
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = lo + (hi - lo) * i / (n - 1);
        }
        return v;
    }

    private static double[] step(double[] theta, double[] d1, double a, double[] d2, double b) {
        double[] t = theta.clone();
        for (int i = 0; i < t.length; i++) {
            t[i] += a * d1[i] + (d2 == null ? 0 : b * d2[i]);
        }
        return t;
    }
}
