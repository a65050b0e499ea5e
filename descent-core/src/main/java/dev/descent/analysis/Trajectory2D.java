package dev.descent.analysis;

import java.util.Arrays;
import java.util.List;

import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerSpec;
import dev.descent.tensor.Tensor;

/**
 * The path of one of the library's optimizers on a {@link Surface2D}: the same {@link Optimizer}
 * and update rules as training, on a parameter tensor of two elements whose gradient is the
 * surface's exact gradient.
 *
 * @param x    x after each step (x[0] is the start)
 * @param y    y after each step
 * @param loss f after each step; shorter than steps + 1 when the run diverged (f not finite or
 *             growing past 1e6 times its start) or reached its target, and stopped
 */
public record Trajectory2D(double[] x, double[] y, double[] loss) {

    /** Runs {@code steps} steps of {@code spec}'s optimizer from (x0, y0). */
    public static Trajectory2D run(Surface2D f, OptimizerSpec<?> spec, double x0, double y0, int steps) {
        return run(f, spec, x0, y0, steps, Double.NEGATIVE_INFINITY);
    }

    /**
     * Runs up to {@code steps} steps of {@code spec}'s optimizer from (x0, y0), stopping early once
     * f ≤ {@code target} has held for 50 consecutive steps (converged, and staying there).
     */
    public static Trajectory2D run(Surface2D f, OptimizerSpec<?> spec, double x0, double y0, int steps, double target) {
        if (steps < 0) {
            throw new IllegalArgumentException("Trajectory2D: steps must be >= 0, got " + steps);
        }
        Tensor p = Tensor.of(new float[] {(float) x0, (float) y0}, 2).requiresGrad(true);
        Optimizer<?> opt = spec.create(List.of(p));
        double[] xs = new double[steps + 1], ys = new double[steps + 1], ls = new double[steps + 1];
        float[] v = p.data();
        xs[0] = v[0];
        ys[0] = v[1];
        ls[0] = f.value(v[0], v[1]);
        double limit = Math.abs(ls[0]) * 1e6 + 1e6;
        int k = 1, below = 0;
        for (; k <= steps; k++) {
            double[] g = f.gradient(v[0], v[1]);
            opt.zeroGrad(false);
            p.backward(Tensor.of(new float[] {(float) g[0], (float) g[1]}, 2), false);
            opt.step();
            xs[k] = v[0];
            ys[k] = v[1];
            ls[k] = f.value(v[0], v[1]);
            if (!Double.isFinite(ls[k]) || Math.abs(ls[k]) > limit) {
                k++;
                break;
            }
            below = ls[k] <= target ? below + 1 : 0;
            if (below >= 50) {
                k++;
                break;
            }
        }
        return new Trajectory2D(Arrays.copyOf(xs, k), Arrays.copyOf(ys, k), Arrays.copyOf(ls, k));
    }

    /** Whether the run diverged (its loss became non-finite or exploded). */
    public boolean diverged() {
        double last = loss[loss.length - 1];
        return !Double.isFinite(last) || Math.abs(last) > Math.abs(loss[0]) * 1e6 + 1e6;
    }

    /**
     * The first step at which f − fMin ≤ tol·(f₀ − fMin) and stays there for the rest of the run, or
     * −1 if never: "steps to converge" to a relative tolerance.
     */
    public int stepsToConverge(double fMin, double tol) {
        double target = tol * (loss[0] - fMin);
        int first = -1;
        for (int i = 0; i < loss.length; i++) {
            if (loss[i] - fMin <= target) {
                if (first < 0) {
                    first = i;
                }
            } else {
                first = -1;
            }
        }
        return first;
    }

    /** f − fMin after each step (the suboptimality), floored at {@code floor} for log-scale plots. */
    public double[] suboptimality(double fMin, double floor) {
        double[] s = new double[loss.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = Math.max(floor, loss[i] - fMin);
        }
        return s;
    }
}
