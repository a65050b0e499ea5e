package dev.descent.analysis;

import dev.descent.data.TensorDataset;
import dev.descent.nn.Linear;
import dev.descent.nn.Mlp;

/**
 * The tutorial's conditioning picture: the mean NLL loss of the linear (softmax-regression) model as
 * a function of two of its weights, the weights of one pixel p for two classes A and B, every other
 * weight held fixed. The weights are reparameterised as {@code w_A = scaleA · a} and
 * {@code w_B = scaleB · factor · u}: the scales put both axes in the same units (by default 1; see
 * {@link #withScales}), and the factor multiplies the curvature along u by factor² — the same
 * problem, worse conditioned.
 *
 * <p>Only the two logits z_A and z_B change with (a, u), so each example is reduced once to four
 * numbers and the loss, gradient and Hessian are exact and cheap (two exponentials per example):
 * with s = softmax(z), x = x_p, y the label,
 * <pre>
 *   L      = mean_n [ log Σ_k exp z_k − z_y ],   z_A = z_A⁰ + α·a·x,  z_B = z_B⁰ + β·u·x   (α = scaleA, β = scaleB·factor)
 *   ∂L/∂a  = α · mean x (s_A − [y = A]),           ∂L/∂u = β · mean x (s_B − [y = B])
 *   ∂²L/∂a² = α² mean x² s_A (1 − s_A),  ∂²L/∂u² = β² mean x² s_B (1 − s_B),  ∂²L/∂a∂u = −αβ · mean x² s_A s_B
 * </pre>
 * Examples whose pixel is zero contribute a constant.
 */
public final class LinearModelSurface implements Surface2D {

    private final double factor, scaleA, scaleB;
    private final int n;
    private final double constant;
    // Per example with x_p ≠ 0, all logits shifted by their maximum: x, z_A⁰, z_B⁰, Σ_{k≠A,B} exp z_k, and z_y when y ∉ {A, B}.
    private final double[] x, za, zb, rest, zy;
    private final byte[] target; // 0: y = A, 1: y = B, 2: other

    private LinearModelSurface(double factor, double scaleA, double scaleB, int n, double constant, double[] x, double[] za, double[] zb, double[] rest,
                               double[] zy, byte[] target) {
        this.factor = factor;
        this.scaleA = scaleA;
        this.scaleB = scaleB;
        this.n = n;
        this.constant = constant;
        this.x = x;
        this.za = za;
        this.zb = zb;
        this.rest = rest;
        this.zy = zy;
        this.target = target;
    }

    /**
     * The surface of {@code model} (a linear model: no hidden layers) on {@code data}.
     *
     * @param pixel  the input index p whose two weights vary
     * @param classA the class of the first weight (the x axis, a = w_A)
     * @param classB the class of the second weight (the y axis, u = w_B / factor)
     * @param factor the rescaling of the second weight, > 0
     */
    public static LinearModelSurface of(TensorDataset data, Mlp model, int pixel, int classA, int classB, double factor) {
        if (!model.spec().hiddenDims().isEmpty()) {
            throw new IllegalArgumentException("LinearModelSurface: the model must be linear (no hidden layers), got hidden " + model.spec().hiddenDims());
        }
        TensorDataset flat = data.flattened();
        int in = flat.exampleNumel(), classes = flat.numClasses();
        if (pixel < 0 || pixel >= in) {
            throw new IllegalArgumentException("LinearModelSurface: pixel " + pixel + " is outside 0.." + (in - 1));
        }
        if (classA == classB || classA < 0 || classB < 0 || classA >= classes || classB >= classes) {
            throw new IllegalArgumentException("LinearModelSurface: classes must be two different values in 0.." + (classes - 1) + ", got " + classA + ", " + classB);
        }
        if (!(factor > 0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("LinearModelSurface: factor must be positive and finite, got " + factor);
        }
        Linear lin = model.linears().get(0);
        float[] w = lin.weight().data(), b = lin.bias() == null ? new float[classes] : lin.bias().data();
        float[] xs = flat.inputs().data();
        int[] ys = flat.labels();
        int total = flat.size(), m = 0;
        for (int i = 0; i < total; i++) {
            if (xs[i * in + pixel] != 0) {
                m++;
            }
        }
        double[] px = new double[m], za = new double[m], zb = new double[m], rest = new double[m], zy = new double[m];
        byte[] target = new byte[m];
        double constant = 0;
        double[] z = new double[classes];
        for (int i = 0, k = 0; i < total; i++) {
            int row = i * in;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                double s = b[c];
                int wr = c * in;
                for (int j = 0; j < in; j++) {
                    if (j != pixel || (c != classA && c != classB)) {
                        s += (double) w[wr + j] * xs[row + j];
                    }
                }
                z[c] = s;
                max = Math.max(max, s);
            }
            double xp = xs[row + pixel];
            if (xp == 0) {
                // The two weights do not touch this example: its loss is the same everywhere.
                double sum = 0;
                for (int c = 0; c < classes; c++) {
                    sum += Math.exp(z[c] - max);
                }
                constant += max + Math.log(sum) - z[ys[i]];
                continue;
            }
            double r = 0;
            for (int c = 0; c < classes; c++) {
                if (c != classA && c != classB) {
                    r += Math.exp(z[c] - max);
                }
            }
            px[k] = xp;
            za[k] = z[classA] - max;
            zb[k] = z[classB] - max;
            rest[k] = r;
            target[k] = (byte) (ys[i] == classA ? 0 : ys[i] == classB ? 1 : 2);
            zy[k] = z[ys[i]] - max;
            k++;
        }
        return new LinearModelSurface(factor, 1, 1, total, constant, px, za, zb, rest, zy, target);
    }

    /** The rescaling of the second weight. */
    public double factor() {
        return factor;
    }

    /** The same problem with another rescaling factor (the per-example data are shared). */
    public LinearModelSurface withFactor(double f) {
        if (!(f > 0) || Double.isInfinite(f)) {
            throw new IllegalArgumentException("LinearModelSurface: factor must be positive and finite, got " + f);
        }
        return new LinearModelSurface(f, scaleA, scaleB, n, constant, x, za, zb, rest, zy, target);
    }

    /** The scales of the two axes: w_A = scaleA·a, w_B = scaleB·factor·u. */
    public double[] scales() {
        return new double[] {scaleA, scaleB};
    }

    /**
     * The same problem in other units: w_A = sA·a, w_B = sB·factor·u. Choosing sA, sB as 1/√ of the
     * diagonal curvatures at the minimum gives both axes unit curvature there, so that factor 1 is
     * as well conditioned as the two weights' correlation allows.
     */
    public LinearModelSurface withScales(double sA, double sB) {
        if (!(sA > 0) || !(sB > 0) || Double.isInfinite(sA) || Double.isInfinite(sB)) {
            throw new IllegalArgumentException("LinearModelSurface: scales must be positive and finite, got " + sA + ", " + sB);
        }
        return new LinearModelSurface(factor, sA, sB, n, constant, x, za, zb, rest, zy, target);
    }

    @Override
    public double value(double u0, double u) {
        double a = scaleA * u0, wb = scaleB * factor * u, sum = constant;
        for (int k = 0; k < x.length; k++) {
            double la = za[k] + a * x[k], lb = zb[k] + wb * x[k];
            double m = Math.max(0, Math.max(la, lb)); // the other logits are ≤ 0 after the shift
            double lse = m + Math.log(Math.exp(la - m) + Math.exp(lb - m) + rest[k] * Math.exp(-m));
            sum += lse - (target[k] == 0 ? la : target[k] == 1 ? lb : zy[k]);
        }
        return sum / n;
    }

    @Override
    public double[] gradient(double a, double u) {
        double[] d = derivatives(a, u);
        return new double[] {d[0], d[1]};
    }

    @Override
    public double[][] hessian(double a, double u) {
        double[] d = derivatives(a, u);
        return new double[][] {{d[2], d[4]}, {d[4], d[3]}};
    }

    /** {∂a, ∂u, ∂aa, ∂uu, ∂au}. */
    private double[] derivatives(double u0, double u) {
        double a = scaleA * u0, beta = scaleB * factor, wb = beta * u, ga = 0, gb = 0, haa = 0, hbb = 0, hab = 0;
        for (int k = 0; k < x.length; k++) {
            double la = za[k] + a * x[k], lb = zb[k] + wb * x[k];
            double m = Math.max(0, Math.max(la, lb));
            double ea = Math.exp(la - m), eb = Math.exp(lb - m);
            double s = ea + eb + rest[k] * Math.exp(-m);
            double sa = ea / s, sb = eb / s, xk = x[k], x2 = xk * xk;
            ga += xk * (sa - (target[k] == 0 ? 1 : 0));
            gb += xk * (sb - (target[k] == 1 ? 1 : 0));
            haa += x2 * sa * (1 - sa);
            hbb += x2 * sb * (1 - sb);
            hab -= x2 * sa * sb;
        }
        return new double[] {scaleA * ga / n, beta * gb / n, scaleA * scaleA * haa / n, beta * beta * hbb / n, scaleA * beta * hab / n};
    }
}
