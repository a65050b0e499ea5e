package dev.descent.analysis;

/**
 * Classic two-dimensional test functions for watching optimizers: the tutorial's ill-conditioned
 * quadratic, Rosenbrock's valley, and Himmelblau's function with four minima. Each gives its exact
 * gradient and Hessian.
 */
public final class TestSurfaces {

    private TestSurfaces() {
    }

    /**
     * f(x, y) = ½ (x² + κ y²): curvatures 1 and κ, condition number κ; minimum 0 at the origin.
     */
    public record Quadratic(double kappa) implements Surface2D {
        /**
         * Checks κ.
         *
         * @throws IllegalArgumentException unless κ &gt;= 1 and finite
         */
        public Quadratic {
            if (!(kappa >= 1) || Double.isInfinite(kappa)) {
                throw new IllegalArgumentException("condition number must be >= 1 and finite, got " + kappa);
            }
        }

        @Override
        public double value(double x, double y) {
            return 0.5 * (x * x + kappa * y * y);
        }

        @Override
        public double[] gradient(double x, double y) {
            return new double[] {x, kappa * y};
        }

        @Override
        public double[][] hessian(double x, double y) {
            return new double[][] {{1, 0}, {0, kappa}};
        }
    }

    /** Rosenbrock's f(x, y) = (1 − x)² + 100 (y − x²)²: a curved valley; minimum 0 at (1, 1). */
    public record Rosenbrock() implements Surface2D {
        @Override
        public double value(double x, double y) {
            double a = 1 - x;
            double b = y - x * x;
            return a * a + 100 * b * b;
        }

        @Override
        public double[] gradient(double x, double y) {
            double b = y - x * x;
            return new double[] {-2 * (1 - x) - 400 * x * b, 200 * b};
        }

        @Override
        public double[][] hessian(double x, double y) {
            return new double[][] {{2 - 400 * (y - x * x) + 800 * x * x, -400 * x}, {-400 * x, 200}};
        }
    }

    /**
     * Himmelblau's f(x, y) = (x² + y − 11)² + (x + y² − 7)²: non-convex, four minima of value 0 (one at
     * (3, 2)), a local maximum and four saddles — where an optimizer ends depends on where it starts.
     */
    public record Himmelblau() implements Surface2D {
        @Override
        public double value(double x, double y) {
            double a = x * x + y - 11;
            double b = x + y * y - 7;
            return a * a + b * b;
        }

        @Override
        public double[] gradient(double x, double y) {
            double a = x * x + y - 11;
            double b = x + y * y - 7;
            return new double[] {4 * x * a + 2 * b, 2 * a + 4 * y * b};
        }

        @Override
        public double[][] hessian(double x, double y) {
            double a = x * x + y - 11;
            double b = x + y * y - 7;
            double xy = 4 * x + 4 * y;
            return new double[][] {{4 * a + 8 * x * x + 2, xy}, {xy, 2 + 4 * b + 8 * y * y}};
        }
    }
}
