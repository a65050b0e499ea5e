package dev.descent.tensor;

/** The error function, which Java's Math lacks; needed by the exact form of GELU and its derivatives. */
public final class Erf {

    private Erf() {
    }

    /**
     * erf(x) through the Chebyshev-fitted erfc of Numerical Recipes (§6.2, "erfcc"): fractional error
     * below 1.2e-7 everywhere, finer than float32 needs.
     */
    public static double erf(double x) {
        double erfc = erfcOfAbs(Math.abs(x));
        return x >= 0 ? 1.0 - erfc : erfc - 1.0;
    }

    /** erfc(x) = 1 − erf(x), computed directly so that the upper tail keeps its relative precision. */
    public static double erfc(double x) {
        double e = erfcOfAbs(Math.abs(x));
        return x >= 0 ? e : 2.0 - e;
    }

    private static double erfcOfAbs(double z) {
        double t = 1.0 / (1.0 + 0.5 * z);
        double erfc = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return erfc;
    }
}
