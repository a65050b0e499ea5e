package dev.descent.tune;

import java.util.SplittableRandom;

/**
 * A Parzen estimator of one parameter, as Optuna's {@code _ParzenEstimator} in its default
 * (univariate) mode: a weighted mixture of one kernel per observation plus a prior kernel.
 *
 * <p>Numeric parameters (in log space on a log scale): truncated normals on [low, high] centred on the
 * observations, each σ the larger distance to its sorted neighbours (the domain's ends count as
 * neighbours; the outermost use their inner neighbour), clipped to [(high − low)/min(100, n + 2),
 * high − low]; the prior is centred on the middle of the range with σ = high − low. Integers without
 * a log scale are discrete: a kernel's mass on [x − ½, x + ½]. Categorical parameters: kernel i puts
 * weight 1 + w/(n + 1) on its observed choice and w/(n + 1) on every other (w the prior weight),
 * normalised; the prior kernel is uniform.
 */
final class ParzenEstimator {

    private final Distribution dist;
    private final double[] mixture;
    /** Whether the kernels live in log space (a log-scale range). */
    private final boolean log;
    // numeric
    private final double low;
    private final double high;
    private final double step;
    private final double[] mus;
    private final double[] sigmas;
    // categorical
    private final double[][] probs;

    /**
     * @param observations internal values (choice indices, or raw numbers, not log-transformed)
     * @param weights      a weight per observation
     */
    ParzenEstimator(Distribution dist, double[] observations, double[] weights, double priorWeight) {
        this(dist, observations, weights, priorWeight, 0);
    }

    /**
     * @param jointDims 0 for Optuna's default bandwidths; otherwise the number of parameters sampled
     *                  jointly (Optuna's {@code multivariate=True}), which gives every kernel
     *                  σ = 0.2 · n^(−1/(d + 4)) · (high − low)
     */
    ParzenEstimator(Distribution dist, double[] observations, double[] weights, double priorWeight, int jointDims) {
        this.dist = dist;
        int n = observations.length;
        mixture = new double[n + 1];
        double sum = priorWeight;
        for (int i = 0; i < n; i++) {
            mixture[i] = weights[i];
            sum += weights[i];
        }
        mixture[n] = priorWeight;
        for (int i = 0; i <= n; i++) {
            mixture[i] /= sum;
        }
        if (dist instanceof Distribution.Categorical c) {
            int k = c.choices().size();
            probs = new double[n + 1][k];
            for (int i = 0; i <= n; i++) {
                java.util.Arrays.fill(probs[i], priorWeight / (n + 1));
                if (i < n) {
                    probs[i][(int) observations[i]] += 1;
                }
                double rs = 0;
                for (double v : probs[i]) {
                    rs += v;
                }
                for (int j = 0; j < k; j++) {
                    probs[i][j] /= rs;
                }
            }
            low = high = step = 0;
            mus = sigmas = null;
            log = false;
            return;
        }
        probs = null;
        log = dist instanceof Distribution.FloatRange f ? f.log() : ((Distribution.IntRange) dist).log();
        if (dist instanceof Distribution.IntRange r) {
            // As Optuna: integers on a log scale become continuous on [log(low − ½), log(high + ½)].
            low = log ? Math.log(r.low() - 0.5) : r.low();
            high = log ? Math.log(r.high() + 0.5) : r.high();
            step = log ? 0 : 1;
        } else {
            Distribution.FloatRange f = (Distribution.FloatRange) dist;
            low = log ? Math.log(f.low()) : f.low();
            high = log ? Math.log(f.high()) : f.high();
            step = 0;
        }
        mus = new double[n + 1];
        for (int i = 0; i < n; i++) {
            mus[i] = log ? Math.log(observations[i]) : observations[i];
        }
        mus[n] = 0.5 * (low + high);
        sigmas = jointDims > 0 ? jointSigmas(n, jointDims, low, high, step) : sigmas(mus, low, high, step);
    }

    private static double[] jointSigmas(int n, int dims, double low, double high, double step) {
        double range = high - low + step;
        double sigma = 0.2 * Math.pow(Math.max(n, 1), -1.0 / (dims + 4)) * range;
        double minSigma = range / Math.min(100.0, 2.0 + n);
        double[] s = new double[n + 1];
        java.util.Arrays.fill(s, Math.min(range, Math.max(minSigma, sigma)));
        s[n] = range; // the prior
        return s;
    }

    /** The mixture weights of the kernels (the prior last). */
    double[] mixture() {
        return mixture.clone();
    }

    private static double[] sigmas(double[] mus, double low, double high, double step) {
        int m = mus.length; // observations and the prior
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(mus[a], mus[b]));
        double[] ends = new double[m + 2];
        ends[0] = low - step / 2;
        for (int i = 0; i < m; i++) {
            ends[i + 1] = mus[order[i]];
        }
        ends[m + 1] = high + step / 2;
        double[] sorted = new double[m];
        for (int i = 0; i < m; i++) {
            sorted[i] = Math.max(ends[i + 1] - ends[i], ends[i + 2] - ends[i + 1]);
        }
        if (m + 2 >= 4) {
            // consider_endpoints=False: the outermost kernels use their inner neighbour only.
            sorted[0] = ends[2] - ends[1];
            sorted[m - 1] = ends[m] - ends[m - 1];
        }
        double range = high - low + step;
        double minSigma = range / Math.min(100.0, 1.0 + m);
        double[] s = new double[m];
        for (int i = 0; i < m; i++) {
            s[order[i]] = Math.min(range, Math.max(minSigma, sorted[i]));
        }
        s[m - 1] = range; // the prior
        return s;
    }

    /** Draws one internal value. */
    double sample(SplittableRandom rng) {
        return sampleFrom(pick(rng), rng);
    }

    /** Draws one internal value from kernel {@code k}. */
    double sampleFrom(int k, SplittableRandom rng) {
        if (probs != null) {
            double u = rng.nextDouble();
            double[] p = probs[k];
            for (int j = 0; j < p.length - 1; j++) {
                u -= p[j];
                if (u < 0) {
                    return j;
                }
            }
            return p.length - 1;
        }
        double a = (low - step / 2 - mus[k]) / sigmas[k];
        double b = (high + step / 2 - mus[k]) / sigmas[k];
        double pa = Normal.cdf(a);
        double pb = Normal.cdf(b);
        double z = Normal.inverseCdf(pa + (pb - pa) * rng.nextDouble());
        double x = Math.min(high + step / 2, Math.max(low - step / 2, mus[k] + sigmas[k] * z));
        return untransform(x);
    }

    /** Chooses a kernel by the mixture weights. */
    int pick(SplittableRandom rng) {
        double u = rng.nextDouble();
        for (int i = 0; i < mixture.length - 1; i++) {
            u -= mixture[i];
            if (u < 0) {
                return i;
            }
        }
        return mixture.length - 1;
    }

    private double untransform(double x) {
        return switch (dist) {
            case Distribution.FloatRange f -> f.log() ? Math.min(f.high(), Math.max(f.low(), Math.exp(x))) : x;
            case Distribution.IntRange r -> Math.min(r.high(), Math.max(r.low(), Math.round(r.log() ? Math.exp(x) : x)));
            case Distribution.Categorical c -> x;
        };
    }

    /** The log density (log mass for discrete parameters) of the internal value {@code v}. */
    double logPdf(double v) {
        double[] terms = new double[mixture.length];
        for (int k = 0; k < mixture.length; k++) {
            terms[k] = Math.log(mixture[k]) + componentLogPdf(k, v);
        }
        return logSumExp(terms);
    }

    /** log Σ exp(t), without overflow. */
    static double logSumExp(double[] terms) {
        double max = Double.NEGATIVE_INFINITY;
        for (double t : terms) {
            max = Math.max(max, t);
        }
        if (max == Double.NEGATIVE_INFINITY) {
            return max;
        }
        double s = 0;
        for (double t : terms) {
            s += Math.exp(t - max);
        }
        return max + Math.log(s);
    }

    /** The log density (or mass) of kernel {@code k} alone at the internal value {@code v}. */
    double componentLogPdf(int k, double v) {
        if (probs != null) {
            return Math.log(probs[k][(int) v]);
        }
        double x = log ? Math.log(v) : v;
        double mu = mus[k];
        double sg = sigmas[k];
        double norm = Normal.mass((low - step / 2 - mu) / sg, (high + step / 2 - mu) / sg);
        if (step > 0) {
            return Math.log(Normal.mass((x - step / 2 - mu) / sg, (x + step / 2 - mu) / sg)) - Math.log(norm);
        }
        return Normal.logPdf((x - mu) / sg) - Math.log(sg) - Math.log(norm);
    }
}
