package dev.descent.optim;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import dev.descent.tensor.Tensor;

/**
 * Limited-memory BFGS, as {@code torch.optim.LBFGS}: one {@link #step(Optimizer.Closure)} runs up to
 * {@code maxIter} quasi-Newton iterations on all parameters as one flat vector, re-evaluating the
 * closure as it goes.
 *
 * <pre>
 * d ← −H·g   (two-loop recursion over the last m pairs s = θ_{k+1} − θ_k, y = g_{k+1} − g_k with yᵀs &gt; 1e-10;
 *             H₀ = (yᵀs / yᵀy)·I)
 * t ← min(1, 1/‖g‖₁)·lr on the first iteration, else lr;  with strong Wolfe, t from a bracketing
 *     cubic-interpolation line search (c₁ = 1e-4, c₂ = 0.9, at most 25 evaluations)
 * θ ← θ + t·d
 * </pre>
 * Stops when ‖g‖_∞ ≤ tolerance_grad, the directional derivative or the change in loss or step is
 * below tolerance_change, or after maxIter iterations / maxEval evaluations. Defaults: lr 1,
 * maxIter 20, maxEval 25, tolerance_grad 1e-7, tolerance_change 1e-9, history 100, no line search.
 * Parameter groups are not supported (as in PyTorch). The algorithm's memory is kept between steps.
 */
public final class Lbfgs {

    /** The options, with PyTorch's names. */
    public record Options(double lr, int maxIter, int maxEval, double toleranceGrad, double toleranceChange,
                          int historySize, boolean strongWolfe) {
        /** Checks every value, naming the one out of range. */
        public Options {
            Checks.lr(lr);
            if (maxIter < 1 || maxEval < 1 || historySize < 1) {
                throw new IllegalArgumentException("LBFGS: max_iter, max_eval and history_size must be >= 1, got " + maxIter + ", " + maxEval + ", " + historySize);
            }
            Checks.nonNegative("tolerance_grad", toleranceGrad);
            Checks.nonNegative("tolerance_change", toleranceChange);
        }

        /** PyTorch's defaults (max_eval = max_iter·5/4), with or without the strong-Wolfe line search. */
        public static Options defaults(boolean strongWolfe) {
            return new Options(1, 20, 25, 1e-7, 1e-9, 100, strongWolfe);
        }
    }

    private final List<Tensor> params;
    private final Options o;
    private final int n;
    // Memory kept between steps, as PyTorch's state dict of LBFGS.
    private double[] d;
    private double t;
    private final Deque<double[]> oldDirs = new ArrayDeque<>();
    private final Deque<double[]> oldStps = new ArrayDeque<>();
    private final Deque<Double> ro = new ArrayDeque<>();
    private double hDiag = 1;
    private double[] prevFlatGrad;
    private long nIter;
    private long funcEvals;

    /** L-BFGS over {@code params}. */
    public Lbfgs(List<Tensor> params, Options options) {
        if (params.isEmpty()) {
            throw new IllegalArgumentException("LBFGS: optimizer got an empty parameter list");
        }
        this.params = List.copyOf(params);
        this.o = options;
        int total = 0;
        for (Tensor p : params) {
            total += p.numel();
        }
        this.n = total;
    }

    /** Total iterations across steps. */
    public long iterations() {
        return nIter;
    }

    /** Total closure evaluations across steps. */
    public long evaluations() {
        return funcEvals;
    }

    /**
     * Runs one L-BFGS step.
     *
     * @param closure zeroes the gradients, computes the loss, calls backward, returns the loss
     * @return the loss at the start of the step, as PyTorch returns
     */
    public float step(Optimizer.Closure closure) {
        float origLoss = closure.evaluate();
        double loss = origLoss;
        int currentEvals = 1;
        funcEvals++;
        double[] flatGrad = gatherFlatGrad();
        if (maxAbs(flatGrad) <= o.toleranceGrad()) {
            return origLoss;
        }
        int iter = 0;
        while (iter < o.maxIter()) {
            iter++;
            nIter++;
            if (nIter == 1) {
                d = neg(flatGrad);
                oldDirs.clear();
                oldStps.clear();
                ro.clear();
                hDiag = 1;
            } else {
                double[] y = sub(flatGrad, prevFlatGrad);
                double[] s = scale(d, t);
                double ys = dot(y, s);
                if (ys > 1e-10) {
                    if (oldDirs.size() == o.historySize()) {
                        oldDirs.removeFirst();
                        oldStps.removeFirst();
                        ro.removeFirst();
                    }
                    oldDirs.addLast(y);
                    oldStps.addLast(s);
                    ro.addLast(1 / ys);
                    hDiag = ys / dot(y, y);
                }
                d = twoLoop(flatGrad);
            }
            prevFlatGrad = flatGrad.clone();
            double prevLoss = loss;
            t = nIter == 1 ? Math.min(1.0, 1.0 / sumAbs(flatGrad)) * o.lr() : o.lr();
            double gtd = dot(flatGrad, d);
            if (gtd > -o.toleranceChange()) {
                break;
            }
            int lsEvals;
            boolean optCond;
            if (o.strongWolfe()) {
                double[] x0 = currentParams();
                StrongWolfe.Result r = new StrongWolfe(this, closure, x0, d).search(t, loss, flatGrad, gtd, o.toleranceChange());
                loss = r.f();
                flatGrad = r.g();
                t = r.t();
                lsEvals = r.evals();
                setParams(x0);
                addStep(t, d);
                optCond = maxAbs(flatGrad) <= o.toleranceGrad();
            } else {
                addStep(t, d);
                lsEvals = 0;
                optCond = false;
                if (iter != o.maxIter()) {
                    loss = closure.evaluate();
                    flatGrad = gatherFlatGrad();
                    optCond = maxAbs(flatGrad) <= o.toleranceGrad();
                    lsEvals = 1;
                }
            }
            currentEvals += lsEvals;
            funcEvals += lsEvals;
            if (iter == o.maxIter() || currentEvals >= o.maxEval() || optCond) {
                break;
            }
            if (maxAbs(d) * Math.abs(t) <= o.toleranceChange() || Math.abs(loss - prevLoss) < o.toleranceChange()) {
                break;
            }
        }
        return origLoss;
    }

    /** d = −H·g by the two-loop recursion. */
    private double[] twoLoop(double[] g) {
        List<double[]> dirs = new ArrayList<>(oldDirs), stps = new ArrayList<>(oldStps);
        List<Double> rho = new ArrayList<>(ro);
        int k = dirs.size();
        double[] al = new double[k];
        double[] q = neg(g);
        for (int i = k - 1; i >= 0; i--) {
            al[i] = dot(stps.get(i), q) * rho.get(i);
            axpy(-al[i], dirs.get(i), q);
        }
        double[] r = scale(q, hDiag);
        for (int i = 0; i < k; i++) {
            double be = dot(dirs.get(i), r) * rho.get(i);
            axpy(al[i] - be, stps.get(i), r);
        }
        return r;
    }

    double[] gatherFlatGrad() {
        double[] g = new double[n];
        int off = 0;
        for (Tensor p : params) {
            float[] gd = p.gradData();
            if (gd != null) {
                for (int i = 0; i < gd.length; i++) {
                    g[off + i] = gd[i];
                }
            }
            off += p.numel();
        }
        return g;
    }

    double[] currentParams() {
        double[] x = new double[n];
        int off = 0;
        for (Tensor p : params) {
            float[] pd = p.data();
            for (int i = 0; i < pd.length; i++) {
                x[off + i] = pd[i];
            }
            off += pd.length;
        }
        return x;
    }

    void setParams(double[] x) {
        int off = 0;
        for (Tensor p : params) {
            float[] pd = p.data();
            for (int i = 0; i < pd.length; i++) {
                pd[i] = (float) x[off + i];
            }
            off += pd.length;
        }
    }

    void addStep(double step, double[] dir) {
        int off = 0;
        for (Tensor p : params) {
            float[] pd = p.data();
            for (int i = 0; i < pd.length; i++) {
                pd[i] += (float) (step * dir[off + i]);
            }
            off += pd.length;
        }
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    private static double sumAbs(double[] a) {
        double s = 0;
        for (double v : a) {
            s += Math.abs(v);
        }
        return s;
    }

    private static double[] neg(double[] a) {
        return scale(a, -1);
    }

    private static double[] scale(double[] a, double c) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] * c;
        }
        return r;
    }

    private static double[] sub(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] - b[i];
        }
        return r;
    }

    private static void axpy(double c, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += c * x[i];
        }
    }
}
