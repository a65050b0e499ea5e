package dev.descent.analysis;

import dev.descent.nn.Activation;

/** The activations and their first and second derivatives in double precision. */
final class Activations {

    private static final double INV_SQRT2 = 1 / Math.sqrt(2), INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

    private Activations() {
    }

    /** f(z), f'(z) and f''(z) into {@code out[0..2]}, evaluating the activation once. */
    static void all(Activation a, double z, double[] out) {
        switch (a) {
            case TANH -> {
                double t = Math.tanh(z), d = 1 - t * t;
                out[0] = t;
                out[1] = d;
                out[2] = -2 * t * d;
            }
            case SIGMOID -> {
                double s = 1 / (1 + Math.exp(-z)), d = s * (1 - s);
                out[0] = s;
                out[1] = d;
                out[2] = d * (1 - 2 * s);
            }
            default -> {
                for (int k = 0; k < 3; k++) {
                    out[k] = derivative(a, z, k);
                }
            }
        }
    }

    /** f(z) for order 0, f'(z) for 1, f''(z) for 2. ReLU's derivatives at the kink are 0, as PyTorch's. */
    static double derivative(Activation a, double z, int order) {
        return switch (a) {
            case RELU -> order == 0 ? Math.max(z, 0) : order == 1 ? (z > 0 ? 1 : 0) : 0;
            case LEAKY_RELU -> order == 0 ? (z > 0 ? z : Activation.LEAKY_SLOPE * z) : order == 1 ? (z > 0 ? 1 : Activation.LEAKY_SLOPE) : 0;
            case TANH -> {
                double t = Math.tanh(z);
                yield order == 0 ? t : order == 1 ? 1 - t * t : -2 * t * (1 - t * t);
            }
            case SIGMOID -> {
                double s = 1 / (1 + Math.exp(-z));
                yield order == 0 ? s : order == 1 ? s * (1 - s) : s * (1 - s) * (1 - 2 * s);
            }
            case GELU -> {
                double phi = INV_SQRT_2PI * Math.exp(-0.5 * z * z);
                double cdf = 0.5 * (1 + dev.descent.tensor.Erf.erf(z * INV_SQRT2));
                yield order == 0 ? z * cdf : order == 1 ? cdf + z * phi : phi * (2 - z * z);
            }
        };
    }
}
