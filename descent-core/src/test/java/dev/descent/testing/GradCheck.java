package dev.descent.testing;

import java.util.function.Function;

import dev.descent.tensor.Generator;
import dev.descent.tensor.Grad;
import dev.descent.tensor.Tensor;

/**
 * Finite-difference gradient checks. The scalar probed is {@code Σ out ⊙ R} with a fixed random R,
 * so every output element contributes with its own weight; the numeric derivative is the central
 * difference, evaluated in double from float32 forward passes.
 */
public final class GradCheck {

    private GradCheck() {
    }

    /** Checks d(Σ f(inputs)⊙R)/d(input) for every input that requires grad. */
    public static void check(String op, Function<Tensor[], Tensor> f, Tensor... inputs) {
        check(op, f, 1e-2, 2e-2, 2e-3, inputs);
    }

    public static void check(String op, Function<Tensor[], Tensor> f, double eps, double rtol, double atol, Tensor... inputs) {
        Tensor out = f.apply(inputs);
        Generator gen = new Generator(op.hashCode());
        Tensor r = Tensor.randn(gen, out.shape());
        out.mul(r).sum().backward();
        for (int t = 0; t < inputs.length; t++) {
            Tensor x = inputs[t];
            if (!x.requiresGrad()) {
                continue;
            }
            if (x.grad() == null) {
                throw new AssertionError(op + ": input " + t + " received no gradient");
            }
            float[] analytic = x.grad().toArray();
            float[] d = x.data();
            for (int i = 0; i < d.length; i++) {
                float orig = d[i];
                d[i] = (float) (orig + eps);
                double plus = probe(f, inputs, r);
                d[i] = (float) (orig - eps);
                double minus = probe(f, inputs, r);
                d[i] = orig;
                double numeric = (plus - minus) / (2 * eps);
                double err = Math.abs(analytic[i] - numeric);
                if (err > atol + rtol * Math.abs(numeric)) {
                    throw new AssertionError(op + ": d/d input" + t + "[" + i + "] analytic " + analytic[i] + " vs numeric " + numeric);
                }
            }
        }
    }

    private static double probe(Function<Tensor[], Tensor> f, Tensor[] inputs, Tensor r) {
        try (var off = Grad.off()) {
            float[] o = f.apply(inputs).data();
            float[] w = r.data();
            double s = 0;
            for (int i = 0; i < o.length; i++) {
                s += (double) o[i] * w[i];
            }
            return s;
        }
    }

    /** A leaf requiring grad with standard normal values. */
    public static Tensor param(Generator gen, int... shape) {
        return Tensor.randn(gen, shape).requiresGrad(true);
    }

    /** A leaf requiring grad with values in [lo, hi). */
    public static Tensor param(Generator gen, float lo, float hi, int... shape) {
        return Tensor.uniform(gen, lo, hi, shape).requiresGrad(true);
    }

    /** A leaf requiring grad with values of magnitude in [lo, hi) and random sign: away from kinks at 0. */
    public static Tensor awayFromZero(Generator gen, float lo, float hi, int... shape) {
        Tensor t = Tensor.uniform(gen, lo, hi, shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            if (gen.nextDouble() < 0.5) {
                d[i] = -d[i];
            }
        }
        return t.requiresGrad(true);
    }
}
