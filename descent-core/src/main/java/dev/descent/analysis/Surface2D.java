package dev.descent.analysis;

import java.util.stream.IntStream;

/**
 * A smooth function of two variables, f(x, y), with its gradient and Hessian: the stage on which
 * the tutorial's optimizer pictures (contours with trajectories) are drawn.
 */
public interface Surface2D {

    /** f(x, y). */
    double value(double x, double y);

    /** ∇f(x, y) as {∂f/∂x, ∂f/∂y}. */
    double[] gradient(double x, double y);

    /** The 2×2 Hessian ∇²f(x, y). */
    double[][] hessian(double x, double y);

    /** f on the grid {@code xs × ys}: {@code out[j][i] = f(xs[i], ys[j])} (rows are y), computed in parallel. */
    default double[][] grid(double[] xs, double[] ys) {
        double[][] out = new double[ys.length][xs.length];
        IntStream.range(0, ys.length).parallel().forEach(j -> {
            for (int i = 0; i < xs.length; i++) {
                out[j][i] = value(xs[i], ys[j]);
            }
        });
        return out;
    }

    /** The eigenvalues of a symmetric 2×2 matrix, ascending. */
    static double[] eigenvalues(double[][] h) {
        double mean = (h[0][0] + h[1][1]) / 2, diff = (h[0][0] - h[1][1]) / 2;
        double r = Math.hypot(diff, h[0][1]);
        return new double[] {mean - r, mean + r};
    }

    /**
     * A minimiser found by damped Newton steps from (x, y) (backtracking on f; a gradient step where
     * the Hessian is not positive definite), to {@code tol} in gradient norm.
     */
    default double[] minimise(double x, double y, double tol, int maxIter) {
        double fx = value(x, y);
        for (int it = 0; it < maxIter; it++) {
            double[] g = gradient(x, y);
            if (Math.hypot(g[0], g[1]) <= tol) {
                break;
            }
            double[][] h = hessian(x, y);
            double det = h[0][0] * h[1][1] - h[0][1] * h[1][0];
            double dx, dy;
            if (h[0][0] > 0 && det > 0) {
                dx = -(h[1][1] * g[0] - h[0][1] * g[1]) / det;
                dy = -(-h[1][0] * g[0] + h[0][0] * g[1]) / det;
            } else {
                dx = -g[0];
                dy = -g[1];
            }
            double t = 1;
            double fn = value(x + dx, y + dy);
            while (!(fn <= fx) && t > 1e-12) {
                t /= 2;
                fn = value(x + t * dx, y + t * dy);
            }
            if (!(fn <= fx)) {
                break;
            }
            x += t * dx;
            y += t * dy;
            fx = fn;
        }
        return new double[] {x, y};
    }
}
