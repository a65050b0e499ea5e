package dev.descent.optim;

/**
 * The strong-Wolfe line search of {@code torch.optim.LBFGS} (Nocedal &amp; Wright, Algorithms 3.5 and
 * 3.6): bracket a step satisfying f(x + t·d) ≤ f + c₁·t·gᵀd and |∇f(x + t·d)ᵀd| ≤ −c₂·gᵀd, then zoom
 * in by safeguarded cubic interpolation.
 */
final class StrongWolfe {

    private static final double C1 = 1e-4, C2 = 0.9;
    private static final int MAX_LS = 25;

    /** The accepted step, its loss and gradient, and the evaluations spent. */
    record Result(double f, double[] g, double t, int evals) {
    }

    private final Lbfgs owner;
    private final Optimizer.Closure closure;
    private final double[] x;
    private final double[] d;

    StrongWolfe(Lbfgs owner, Optimizer.Closure closure, double[] x, double[] d) {
        this.owner = owner;
        this.closure = closure;
        this.x = x;
        this.d = d;
    }

    /** Loss and gradient at x + t·d; the parameters are put back to x afterwards. */
    private Object[] evaluate(double t) {
        owner.addStep(t, d);
        double f = closure.evaluate();
        double[] g = owner.gatherFlatGrad();
        owner.setParams(x);
        return new Object[] {f, g};
    }

    static double cubicInterpolate(double x1, double f1, double g1, double x2, double f2, double g2, double lo, double hi) {
        double d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2);
        double d2sq = d1 * d1 - g1 * g2;
        if (d2sq >= 0) {
            double d2 = Math.sqrt(d2sq);
            double minPos = x1 <= x2
                    ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
                    : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
            return Math.min(Math.max(minPos, lo), hi);
        }
        return (lo + hi) / 2;
    }

    Result search(double t, double f, double[] g, double gtd, double toleranceChange) {
        double dNorm = Lbfgs.maxAbs(d);
        Object[] e = evaluate(t);
        double fNew = (double) e[0];
        double[] gNew = (double[]) e[1];
        int evals = 1;
        double gtdNew = Lbfgs.dot(gNew, d);
        double tPrev = 0, fPrev = f, gtdPrev = gtd;
        double[] gPrev = g;
        boolean done = false;
        int lsIter = 0;
        double[] bt = null, bf = null, bgtd = null;
        double[][] bg = null;
        while (lsIter < MAX_LS) {
            if (fNew > f + C1 * t * gtd || (lsIter > 1 && fNew >= fPrev)) {
                bt = new double[] {tPrev, t};
                bf = new double[] {fPrev, fNew};
                bg = new double[][] {gPrev, gNew};
                bgtd = new double[] {gtdPrev, gtdNew};
                break;
            }
            if (Math.abs(gtdNew) <= -C2 * gtd) {
                return new Result(fNew, gNew, t, evals);
            }
            if (gtdNew >= 0) {
                bt = new double[] {tPrev, t};
                bf = new double[] {fPrev, fNew};
                bg = new double[][] {gPrev, gNew};
                bgtd = new double[] {gtdPrev, gtdNew};
                break;
            }
            double minStep = t + 0.01 * (t - tPrev), maxStep = t * 10, tmp = t;
            t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, minStep, maxStep);
            tPrev = tmp;
            fPrev = fNew;
            gPrev = gNew;
            gtdPrev = gtdNew;
            e = evaluate(t);
            fNew = (double) e[0];
            gNew = (double[]) e[1];
            evals++;
            gtdNew = Lbfgs.dot(gNew, d);
            lsIter++;
        }
        if (lsIter == MAX_LS) {
            // No bracket within the budget: PyTorch takes the last trial step.
            return new Result(fNew, gNew, t, evals);
        }
        boolean insufProgress = false;
        int low = bf[0] <= bf[1] ? 0 : 1, high = 1 - low;
        while (!done && lsIter < MAX_LS) {
            if (Math.abs(bt[1] - bt[0]) * dNorm < toleranceChange) {
                break;
            }
            t = cubicInterpolate(bt[0], bf[0], bgtd[0], bt[1], bf[1], bgtd[1], Math.min(bt[0], bt[1]), Math.max(bt[0], bt[1]));
            double hiT = Math.max(bt[0], bt[1]), loT = Math.min(bt[0], bt[1]);
            double eps = 0.1 * (hiT - loT);
            if (Math.min(hiT - t, t - loT) < eps) {
                if (insufProgress || t >= hiT || t <= loT) {
                    t = Math.abs(t - hiT) < Math.abs(t - loT) ? hiT - eps : loT + eps;
                    insufProgress = false;
                } else {
                    insufProgress = true;
                }
            } else {
                insufProgress = false;
            }
            e = evaluate(t);
            fNew = (double) e[0];
            gNew = (double[]) e[1];
            evals++;
            gtdNew = Lbfgs.dot(gNew, d);
            lsIter++;
            if (fNew > f + C1 * t * gtd || fNew >= bf[low]) {
                bt[high] = t;
                bf[high] = fNew;
                bg[high] = gNew;
                bgtd[high] = gtdNew;
                low = bf[0] <= bf[1] ? 0 : 1;
                high = 1 - low;
            } else {
                if (Math.abs(gtdNew) <= -C2 * gtd) {
                    done = true;
                } else if (gtdNew * (bt[high] - bt[low]) >= 0) {
                    bt[high] = bt[low];
                    bf[high] = bf[low];
                    bg[high] = bg[low];
                    bgtd[high] = bgtd[low];
                }
                bt[low] = t;
                bf[low] = fNew;
                bg[low] = gNew;
                bgtd[low] = gtdNew;
            }
        }
        return new Result(bf[low], bg[low], bt[low], evals);
    }
}
