package dev.descent.tensor;

import java.util.Arrays;

/** Element-wise ops: each constant holds its forward formula and its derivative side by side. */
final class Pointwise {

    private Pointwise() {
    }

    private static final double INV_SQRT2 = 1.0 / Math.sqrt(2.0);
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);

    /** One-input ops; {@code s} is the op's scalar parameter where it has one. */
    enum Unary {
        ADD_SCALAR("add") {
            double f(double x, double s) { return x + s; }
            double df(double x, double y, double s) { return 1; }
        },
        MUL_SCALAR("mul") {
            double f(double x, double s) { return x * s; }
            double df(double x, double y, double s) { return s; }
        },
        POW_SCALAR("pow") {
            double f(double x, double s) { return Math.pow(x, s); }
            double df(double x, double y, double s) { return s == 0 ? 0 : s * Math.pow(x, s - 1); }
        },
        NEG("neg") {
            double f(double x, double s) { return -x; }
            double df(double x, double y, double s) { return -1; }
        },
        EXP("exp") {
            double f(double x, double s) { return Math.exp(x); }
            double df(double x, double y, double s) { return y; }
        },
        LOG("log") {
            double f(double x, double s) { return Math.log(x); }
            double df(double x, double y, double s) { return 1 / x; }
        },
        SQRT("sqrt") {
            double f(double x, double s) { return Math.sqrt(x); }
            double df(double x, double y, double s) { return 0.5 / y; }
        },
        ABS("abs") {
            double f(double x, double s) { return Math.abs(x); }
            double df(double x, double y, double s) { return Math.signum(x); }
        },
        LEAKY_RELU("leaky_relu") {
            double f(double x, double s) { return x > 0 ? x : s * x; }
            double df(double x, double y, double s) { return x > 0 ? 1 : s; }
        },
        TANH("tanh") {
            double f(double x, double s) { return Math.tanh(x); }
            double df(double x, double y, double s) { return 1 - y * y; }
        },
        SIGMOID("sigmoid") {
            double f(double x, double s) { return 1 / (1 + Math.exp(-x)); }
            double df(double x, double y, double s) { return y * (1 - y); }
        },
        /** GELU(x) = x·Φ(x) = ½x(1 + erf(x/√2)); GELU'(x) = Φ(x) + x·φ(x). */
        GELU("gelu") {
            double f(double x, double s) { return 0.5 * x * (1 + Erf.erf(x * INV_SQRT2)); }
            double df(double x, double y, double s) {
                return 0.5 * (1 + Erf.erf(x * INV_SQRT2)) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
            }
        };

        final String opName;

        Unary(String opName) {
            this.opName = opName;
        }

        abstract double f(double x, double s);

        /** dy/dx given the input x and the output y = f(x). */
        abstract double df(double x, double y, double s);
    }

    static Tensor unary(Unary op, Tensor x, float s) {
        float[] xd = x.data();
        float[] y = Workspace.floats(xd.length);
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) op.f(xd[i], s);
        }
        Tensor out = Tensor.wrap(y, x.shapeRef());
        return Autograd.record(out, op.opName, g -> {
            float[] gx = x.gradBuffer();
            for (int i = 0; i < gx.length; i++) {
                gx[i] += (float) (g[i] * op.df(xd[i], y[i], s));
            }
        }, x);
    }

    /** Two-input ops with NumPy broadcasting; {@code da}/{@code db} are ∂out/∂a and ∂out/∂b. */
    enum Binary {
        ADD("add") {
            double f(double a, double b) { return a + b; }
            double da(double a, double b, double y) { return 1; }
            double db(double a, double b, double y) { return 1; }
        },
        SUB("sub") {
            double f(double a, double b) { return a - b; }
            double da(double a, double b, double y) { return 1; }
            double db(double a, double b, double y) { return -1; }
        },
        MUL("mul") {
            double f(double a, double b) { return a * b; }
            double da(double a, double b, double y) { return b; }
            double db(double a, double b, double y) { return a; }
        },
        DIV("div") {
            double f(double a, double b) { return a / b; }
            double da(double a, double b, double y) { return 1 / b; }
            double db(double a, double b, double y) { return -a / (b * b); }
        },
        /** ∂/∂b of a^b is a^b·ln a, taken as 0 where a = 0 and b ≥ 0 (PyTorch's convention). */
        POW("pow") {
            double f(double a, double b) { return Math.pow(a, b); }
            double da(double a, double b, double y) { return b == 0 ? 0 : b * Math.pow(a, b - 1); }
            double db(double a, double b, double y) { return a == 0 && b >= 0 ? 0 : Math.pow(a, b) * Math.log(a); }
        };

        final String opName;

        Binary(String opName) {
            this.opName = opName;
        }

        abstract double f(double a, double b);

        abstract double da(double a, double b, double y);

        abstract double db(double a, double b, double y);
    }

    static Tensor binary(Binary op, Tensor a, Tensor b) {
        int[] as = a.shapeRef(), bs = b.shapeRef();
        boolean same = Arrays.equals(as, bs);
        int[] outShape = same ? as : Shape.broadcast(op.opName, as, bs);
        int n = Shape.numel(outShape);
        // Flat index into each input for every output element (identity when shapes agree).
        int[] ia = same ? null : broadcastIndex(as, outShape, n);
        int[] ib = same ? null : broadcastIndex(bs, outShape, n);
        float[] ad = a.data(), bd = b.data();
        float[] y = Workspace.floats(n);
        if (same) {
            for (int i = 0; i < n; i++) {
                y[i] = (float) op.f(ad[i], bd[i]);
            }
        } else {
            for (int i = 0; i < n; i++) {
                y[i] = (float) op.f(ad[ia[i]], bd[ib[i]]);
            }
        }
        Tensor out = Tensor.wrap(y, outShape);
        return Autograd.record(out, op.opName, g -> {
            if (a.requiresGrad()) {
                float[] ga = a.gradBuffer();
                for (int i = 0; i < n; i++) {
                    int ja = same ? i : ia[i], jb = same ? i : ib[i];
                    ga[ja] += (float) (g[i] * op.da(ad[ja], bd[jb], y[i]));
                }
            }
            if (b.requiresGrad()) {
                float[] gb = b.gradBuffer();
                for (int i = 0; i < n; i++) {
                    int ja = same ? i : ia[i], jb = same ? i : ib[i];
                    gb[jb] += (float) (g[i] * op.db(ad[ja], bd[jb], y[i]));
                }
            }
        }, a, b);
    }

    /** For each element of {@code outShape}, the flat index of the element of {@code shape} it reads. */
    static int[] broadcastIndex(int[] shape, int[] outShape, int n) {
        return Shape.strideWalk(outShape, Shape.broadcastStrides(shape, outShape));
    }
}
