package dev.descent.analysis;

/**
 * One rescaling of the two-weight problem ({@link LinearModelSurface}) set up for an experiment: its
 * minimum, the Hessian there (eigenvalues, condition number κ = λ_max/λ_min), a safe gradient-descent
 * learning rate 1/L, and a start point and plotting window that are the same, relative to the
 * minimum, for every factor — so that the factors differ only in conditioning.
 *
 * @param surface         the surface at this factor
 * @param minimum         the minimiser (a*, u*)
 * @param fMin            the loss there
 * @param eigenvalues     the Hessian's eigenvalues at the minimum, ascending
 * @param conditionNumber κ = λ_max / λ_min at the minimum
 * @param smoothness      L: the largest Hessian eigenvalue found at the minimum, the start and the
 *                        window's corners; gradient descent with lr ≤ 1/L decreases the loss monotonically here
 * @param start           the start point (a*, u*) + (−0.8 h, 0.7 h)
 * @param halfWidth       h: the window is (a*, u*) ± h, at most 0.2/√λ_min at factor 1 and small enough that
 *                        the curvature stays within 1.5 times the minimum's there
 */
public record Conditioning(LinearModelSurface surface, double[] minimum, double fMin, double[] eigenvalues, double conditionNumber,
                           double smoothness, double[] start, double halfWidth) {

    /** The window's largest half-width in units of the weakest curvature's length scale 1/√λ_min. */
    private static final double WINDOW = 0.2;

    /**
     * The problem {@code raw} in units where both weights have unit curvature at its minimum (see
     * {@link LinearModelSurface#withScales}); its factor is kept.
     */
    public static LinearModelSurface normalised(LinearModelSurface raw) {
        double[] s0 = raw.scales();
        double[] m = raw.minimise(0, 0, 1e-12, 200);
        double[][] h = raw.hessian(m[0], m[1]);
        return raw.withScales(s0[0] / Math.sqrt(h[0][0]), s0[1] / Math.sqrt(h[1][1]));
    }

    /**
     * The setting at {@code factor} of the problem {@code base} (whose own factor and scales define
     * the unit: normally {@link #normalised} at factor 1).
     */
    public static Conditioning of(LinearModelSurface base, double factor) {
        double[] m1 = base.minimise(0, 0, 1e-12, 200);
        double[] e1 = Surface2D.eigenvalues(base.hessian(m1[0], m1[1]));
        if (!(e1[0] > 0)) {
            throw new IllegalStateException("conditioning: the two-weight problem is not strictly convex at its minimum (eigenvalues " + e1[0] + ", " + e1[1] + ")");
        }
        // Small enough that the surface is nearly quadratic over the window (curvature within
        // a factor 1.5 of the minimum's), so that κ at the minimum describes the whole picture:
        // softmax curvature s(1 − s) changes fast where the class probabilities are small.
        double h = WINDOW / Math.sqrt(e1[0]);
        while (h > 1e-6 * WINDOW / Math.sqrt(e1[0]) && largestCurvature(base, m1, h, e1[1]) > 1.5 * e1[1]) {
            h /= 1.5;
        }
        LinearModelSurface s = base.withFactor(base.factor() * factor);
        // Reparameterising u = w_B/factor moves the minimum to u*/factor exactly; polish it anyway.
        double[] m = s.minimise(m1[0], m1[1] / factor, 1e-12, 100);
        double[] e = Surface2D.eigenvalues(s.hessian(m[0], m[1]));
        double[] start = {m[0] - 0.8 * h, m[1] + 0.7 * h};
        double smooth = largestCurvature(s, m, h, e[1]);
        return new Conditioning(s, m, s.value(m[0], m[1]), e, e[1] / e[0], smooth, start, h);
    }

    /** The largest Hessian eigenvalue at the window's corners, edge midpoints and start, at least {@code atMin}. */
    private static double largestCurvature(Surface2D s, double[] m, double h, double atMin) {
        double l = atMin;
        for (double dx : new double[] {-h, 0, h}) {
            for (double dy : new double[] {-h, 0, h}) {
                l = Math.max(l, Surface2D.eigenvalues(s.hessian(m[0] + dx, m[1] + dy))[1]);
            }
        }
        return Math.max(l, Surface2D.eigenvalues(s.hessian(m[0] - 0.8 * h, m[1] + 0.7 * h))[1]);
    }

    /** The window's x range {a* − h, a* + h}. */
    public double[] xRange() {
        return new double[] {minimum[0] - halfWidth, minimum[0] + halfWidth};
    }

    /** The window's y range {u* − h, u* + h}. */
    public double[] yRange() {
        return new double[] {minimum[1] - halfWidth, minimum[1] + halfWidth};
    }
}
