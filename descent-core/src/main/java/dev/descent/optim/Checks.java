package dev.descent.optim;

/** The option checks PyTorch's optimizers make, with its wording: the option and the value. */
public final class Checks {

    private Checks() {
    }

    /** A learning rate given to an optimizer must be positive and finite. */
    public static double lr(double lr) {
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("Invalid learning rate: " + lr + " (must be positive and finite)");
        }
        return lr;
    }

    /** Weight decay must be ≥ 0 and finite. */
    public static double weightDecay(double wd) {
        if (!(wd >= 0) || Double.isInfinite(wd)) {
            throw new IllegalArgumentException("Invalid weight_decay value: " + wd);
        }
        return wd;
    }

    /** A beta (or momentum-like decay) must lie in [0, 1). */
    public static double beta(String name, double beta) {
        if (!(beta >= 0 && beta < 1)) {
            throw new IllegalArgumentException("Invalid " + name + ": " + beta + " (must be in [0, 1))");
        }
        return beta;
    }

    /** eps must be ≥ 0. */
    public static double eps(double eps) {
        return nonNegative("epsilon value", eps);
    }

    /** A value that must be ≥ 0 and finite. */
    public static double nonNegative(String name, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("Invalid " + name + ": " + v + " (must be >= 0)");
        }
        return v;
    }

    /** A value in [0, 1]. */
    public static double unit(String name, double v) {
        if (!(v >= 0 && v <= 1)) {
            throw new IllegalArgumentException("Invalid " + name + ": " + v + " (must be in [0, 1])");
        }
        return v;
    }

    /** The Adam family's checks: ε ≥ 0 and both betas in [0, 1), PyTorch's wording. */
    public static void adamLike(double beta1, double beta2, double eps) {
        eps(eps);
        beta("beta parameter at index 0", beta1);
        beta("beta parameter at index 1", beta2);
    }
}
