package dev.descent.benchmark;

import java.util.ArrayList;
import java.util.List;

import dev.descent.data.Batch;
import dev.descent.data.DataLoader;
import dev.descent.data.TensorDataset;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerSpec;
import dev.descent.tensor.Generator;
import dev.descent.tensor.Grad;
import dev.descent.tensor.Tensor;

/**
 * DeepOBS's {@code quadratic_deep}: a 100-dimensional noisy quadratic
 * {@code L(θ) = ½ · mean_b (θ − x_b)ᵀ Q (θ − x_b)} whose Hessian {@code Q = Rᵀ D R} has the
 * eigenvalue spectrum reported for deep networks (Chaudhari et al. 2017): 90 eigenvalues drawn from
 * U(0, 1) and 10 from U(30, 60), rotated by a Haar-random orthogonal {@code R}. The "data" are 1,000
 * training and 1,000 test points drawn from N(0, 0.6² I); θ starts at the all-ones vector; batches of
 * the training points are drawn without replacement, the last short batch dropped.
 *
 * <p>The optimum is known exactly: the expected loss is minimised at θ* = 0, where it is
 * {@code ½ · 0.36 · tr(Q)}. The spectrum, rotation and data are fixed properties of the problem (drawn
 * once from fixed seeds, as DeepOBS does with NumPy's seed 42; the draws are ours, the distributions
 * DeepOBS's); a benchmark seed changes only the batch order. The validation metric is the loss on the
 * training set above its exact minimum, {@code L_train(θ) − L_train(x̄)} (the training points' mean
 * x̄ minimises it), so that tuning and targets see how close an optimizer gets rather than the noise
 * floor every optimizer shares; the test loss is reported as DeepOBS does.
 *
 * <p>The loop is a plain zero-grad / backward / step over the same {@link Optimizer}: the library's
 * {@code Trainer} trains classifiers with a negative log-likelihood.
 */
public final class QuadraticDeep implements TestProblem {

    /** The dimension. */
    public static final int DIM = 100;
    /** The standard deviation of the data points. */
    public static final double NOISE = 0.6;
    private static final int POINTS = 1000;

    private final Tensor hessian;
    private final double[] eigenvalues;
    private final Tensor train;
    private final Tensor test;
    private final double trainMinimum;

    /** Draws the problem (the same every time). */
    public QuadraticDeep() {
        Generator g = new Generator(42);
        eigenvalues = new double[DIM];
        for (int i = 0; i < DIM; i++) {
            eigenvalues[i] = i < 90 ? g.uniform(0, 1) : g.uniform(30, 60);
        }
        double[][] r = haarOrthogonal(DIM, g);
        float[] q = new float[DIM * DIM];
        for (int i = 0; i < DIM; i++) {
            for (int j = 0; j < DIM; j++) {
                double s = 0;
                for (int k = 0; k < DIM; k++) {
                    s += r[k][i] * eigenvalues[k] * r[k][j];
                }
                q[i * DIM + j] = (float) s;
            }
        }
        hessian = Tensor.of(q, DIM, DIM);
        train = points(new Generator(42 + 1));
        test = points(new Generator(42 + 2));
        try (var off = Grad.off()) {
            trainMinimum = loss(train.mean(0, false), train).item();
        }
    }

    /** The training loss at its minimiser, the training points' mean. */
    public double trainMinimum() {
        return trainMinimum;
    }

    private static Tensor points(Generator g) {
        float[] x = new float[POINTS * DIM];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (NOISE * g.nextGaussian());
        }
        return Tensor.of(x, POINTS, DIM);
    }

    /**
     * A Haar-distributed orthogonal matrix: the Q of a Gaussian matrix's QR decomposition with R's
     * diagonal positive, which Gram–Schmidt gives (Mezzadri 2007); DeepOBS draws the same distribution
     * with Diaconis &amp; Shahshahani's subgroup algorithm.
     */
    static double[][] haarOrthogonal(int n, Generator g) {
        double[][] a = new double[n][n];
        for (double[] row : a) {
            for (int j = 0; j < n; j++) {
                row[j] = g.nextGaussian();
            }
        }
        double[][] q = new double[n][n];
        for (int j = 0; j < n; j++) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = a[i][j];
            }
            for (int k = 0; k < j; k++) {
                double dot = 0;
                for (int i = 0; i < n; i++) {
                    dot += q[i][k] * v[i];
                }
                for (int i = 0; i < n; i++) {
                    v[i] -= dot * q[i][k];
                }
            }
            double norm = 0;
            for (double x : v) {
                norm += x * x;
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < n; i++) {
                q[i][j] = v[i] / norm;
            }
        }
        return q;
    }

    /** The eigenvalues of the Hessian (90 small, 10 large). */
    public double[] eigenvalues() {
        return eigenvalues.clone();
    }

    /** The minimum of the expected loss, ½ σ² tr(Q), reached at θ* = 0. */
    public double optimalExpectedLoss() {
        double tr = 0;
        for (double e : eigenvalues) {
            tr += e;
        }
        return 0.5 * NOISE * NOISE * tr;
    }

    /** The loss on the test points at θ* = 0, the optimum of the expected loss. */
    public double testLossAtOptimum() {
        return loss(Tensor.zeros(DIM), test).item();
    }

    @Override
    public String name() {
        return "quadratic_deep";
    }

    @Override
    public String description() {
        return "100-D noisy quadratic, Hessian eigenvalues 90 × U(0,1) and 10 × U(30,60), data N(0, 0.6²)";
    }

    @Override
    public boolean hasAccuracy() {
        return false;
    }

    @Override
    public String metric() {
        return "training loss above its minimum";
    }

    @Override
    public Budget budget(Scale scale) {
        // Seven steps an epoch: even DeepOBS's budget takes well under a second.
        return new Budget(scale == Scale.QUICK ? 20 : 100, 128);
    }

    private Tensor loss(Tensor theta, Tensor x) {
        Tensor d = x.sub(theta);
        return d.mul(d.matmul(hessian)).sum(1, false).mean().mul(0.5f);
    }

    @Override
    public ProblemRun run(OptimizerSpec<?> optimizer, Budget budget, long seed) {
        Tensor theta = Tensor.ones(DIM).requiresGrad(true);
        Optimizer<?> opt = optimizer.create(List.of(theta));
        DataLoader loader = new DataLoader(new TensorDataset(train, new int[POINTS], 1), budget.batchSize(), true, true, false, new Generator(seed + 1));
        List<Integer> steps = new ArrayList<>();
        List<Double> seconds = new ArrayList<>(), metric = new ArrayList<>();
        float[] losses = new float[budget.epochs() * loader.numBatches()];
        int step = 0;
        double trainSeconds = 0;
        boolean diverged = false;
        outer:
        for (int epoch = 0; epoch < budget.epochs(); epoch++) {
            for (Batch b : loader) {
                long t0 = System.nanoTime();
                opt.zeroGrad(false);
                Tensor l = loss(theta, b.x());
                float v = l.item();
                losses[step++] = v;
                if (!Float.isFinite(v)) {
                    diverged = true;
                    break outer;
                }
                l.backward();
                opt.step();
                trainSeconds += (System.nanoTime() - t0) / 1e9;
            }
            try (var off = Grad.off()) {
                double full = loss(theta, train).item() - trainMinimum;
                steps.add(step);
                seconds.add(trainSeconds);
                metric.add(full);
                if (!Double.isFinite(full)) {
                    diverged = true;
                    break;
                }
            }
        }
        double testLoss;
        try (var off = Grad.off()) {
            testLoss = diverged ? Double.NaN : loss(theta, test).item();
        }
        diverged |= !Double.isFinite(testLoss);
        return new ProblemRun(steps.stream().mapToInt(Integer::intValue).toArray(), seconds.stream().mapToDouble(Double::doubleValue).toArray(),
                metric.stream().mapToDouble(Double::doubleValue).toArray(), java.util.Arrays.copyOf(losses, step), testLoss, Double.NaN, step,
                trainSeconds, diverged);
    }
}
