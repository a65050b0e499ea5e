package dev.descent.tune;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A Parzen estimator over one or more parameters: a weighted mixture of product kernels, one per
 * observation, plus a prior kernel (Optuna's {@code _ParzenEstimator}). Internal values go in and
 * come out (see {@link Distribution}).
 *
 * <p>Numeric parameters live on [low, high] (in log space on a log scale; an integer range without a
 * log scale widened by ½ at each end). Each observation's kernel is a normal truncated to that range,
 * centred on the observation, with σ the larger distance to its neighbours among the sorted
 * observations (the range's ends count as neighbours, except that the outermost observations use
 * their inner neighbour only), clipped to [R · max(0.01, (n + 2)^−α), R], R = high − low; the prior is
 * centred on the middle with σ = R. α is the caller's {@code clipExponent} for continuous parameters
 * (Optuna's "magic clip" is α = 1; Watanabe (2023) finds α = 2 better) and 1 for integer ranges
 * without a log scale, whose kernels would otherwise shrink to spikes on one value. Integers get the kernel's mass on
 * [v − ½, v + ½] (on a log scale, [log(v − ½), log(v + ½)]).
 *
 * <p>Categorical parameters: kernel i puts weight 1 + w/(n + 1) on its observed choice and w/(n + 1)
 * on every other (w the prior's weight divided by the observations' mean weight), normalised; the
 * prior kernel is uniform.
 */
final class ParzenEstimator {

    /** The floor of a kernel's σ, as a fraction of the range, whatever the number of observations. */
    private static final double MIN_BANDWIDTH_FACTOR = 0.01;

    private final double[] logWeights;
    private final double[] weights;
    private final Dimension[] dims;

    /**
     * @param dists        one distribution per dimension
     * @param observations internal values, [observation][dimension]
     * @param weights      a weight per observation (&gt;= 0)
     * @param priorWeight  the prior kernel's weight (&gt; 0)
     * @param clipExponent α of the lower clip of continuous bandwidths
     */
    ParzenEstimator(List<Distribution> dists, double[][] observations, double[] weights, double priorWeight, double clipExponent) {
        int n = observations.length;
        this.weights = new double[n + 1];
        double sum = priorWeight;
        for (int i = 0; i < n; i++) {
            this.weights[i] = weights[i];
            sum += weights[i];
        }
        this.weights[n] = priorWeight;
        logWeights = new double[n + 1];
        for (int i = 0; i <= n; i++) {
            this.weights[i] /= sum;
            logWeights[i] = Math.log(this.weights[i]);
        }
        // The categorical smoothing uses the prior's weight relative to the observations' mean weight,
        // so that scaling all weights (as the EI weighting does) leaves the kernels' shape alone.
        double mean = n == 0 ? 1 : (sum - priorWeight) / n;
        double smoothing = mean > 0 ? priorWeight / mean : priorWeight;
        dims = new Dimension[dists.size()];
        for (int d = 0; d < dims.length; d++) {
            double[] column = new double[n];
            for (int i = 0; i < n; i++) {
                column[i] = observations[i][d];
            }
            dims[d] = dists.get(d) instanceof Distribution.Categorical c
                    ? new CategoricalDimension(c, column, smoothing)
                    : new NumericDimension(dists.get(d), column, clipExponent);
        }
    }

    /** One-dimensional convenience. */
    ParzenEstimator(Distribution dist, double[] observations, double[] weights, double priorWeight, double clipExponent) {
        this(List.of(dist), column(observations), weights, priorWeight, clipExponent);
    }

    private static double[][] column(double[] v) {
        double[][] out = new double[v.length][1];
        for (int i = 0; i < v.length; i++) {
            out[i][0] = v[i];
        }
        return out;
    }

    /** Draws one point (internal values, one per dimension). */
    double[] sample(SplittableRandom rng) {
        int k = pick(rng);
        double[] x = new double[dims.length];
        for (int d = 0; d < dims.length; d++) {
            x[d] = dims[d].sample(k, rng);
        }
        return x;
    }

    private int pick(SplittableRandom rng) {
        double u = rng.nextDouble();
        for (int i = 0; i < weights.length - 1; i++) {
            u -= weights[i];
            if (u < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    /** The log density (log mass in discrete dimensions) at the point {@code x}. */
    double logPdf(double[] x) {
        double[] terms = logWeights.clone();
        for (int d = 0; d < dims.length; d++) {
            dims[d].addLogPdf(x[d], terms);
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

    /** One dimension of the product kernels. */
    private sealed interface Dimension permits NumericDimension, CategoricalDimension {
        /** A draw from kernel {@code k}. */
        double sample(int k, SplittableRandom rng);

        /** Adds each kernel's log density at {@code v} to {@code terms[k]}. */
        void addLogPdf(double v, double[] terms);
    }

    private static final class NumericDimension implements Dimension {
        private final Distribution dist;
        private final boolean log;
        private final boolean discrete;
        private final double low;
        private final double high;
        private final double[] mus;
        private final double[] sigmas;
        private final double[] logNorm;

        NumericDimension(Distribution dist, double[] obs, double clipExponent) {
            this.dist = dist;
            double lo;
            double hi;
            if (dist instanceof Distribution.IntRange r) {
                log = r.log();
                discrete = !r.log();
                lo = log ? Math.log(r.low() - 0.5) : r.low() - 0.5;
                hi = log ? Math.log(r.high() + 0.5) : r.high() + 0.5;
            } else {
                Distribution.FloatRange f = (Distribution.FloatRange) dist;
                log = f.log();
                discrete = false;
                lo = log ? Math.log(f.low()) : f.low();
                hi = log ? Math.log(f.high()) : f.high();
            }
            // A single-point float range (low == high) still needs a positive width.
            if (!(hi > lo)) {
                hi = lo + Math.max(1e-12, Math.abs(lo) * 1e-12);
            }
            low = lo;
            high = hi;
            int n = obs.length;
            mus = new double[n + 1];
            for (int i = 0; i < n; i++) {
                mus[i] = log ? Math.log(obs[i]) : obs[i];
            }
            mus[n] = 0.5 * (low + high);
            double range = high - low;
            double alpha = discrete ? 1.0 : clipExponent;
            double minSigma = range * Math.max(MIN_BANDWIDTH_FACTOR, Math.pow(n + 2.0, -alpha));
            sigmas = Arrays.copyOf(neighbourDistances(Arrays.copyOf(mus, n), low, high), n + 1);
            for (int i = 0; i < n; i++) {
                sigmas[i] = Math.min(range, Math.max(minSigma, sigmas[i]));
            }
            sigmas[n] = range;
            logNorm = new double[n + 1];
            for (int k = 0; k <= n; k++) {
                logNorm[k] = Math.log(Normal.mass((low - mus[k]) / sigmas[k], (high - mus[k]) / sigmas[k]));
            }
        }

        /** Each point's larger gap to its sorted neighbours; the outermost points use their inner gap only. */
        private static double[] neighbourDistances(double[] mus, double low, double high) {
            int m = mus.length;
            Integer[] order = new Integer[m];
            for (int i = 0; i < m; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Double.compare(mus[a], mus[b]));
            double[] ends = new double[m + 2];
            ends[0] = low;
            for (int i = 0; i < m; i++) {
                ends[i + 1] = mus[order[i]];
            }
            ends[m + 1] = high;
            double[] s = new double[m];
            for (int i = 0; i < m; i++) {
                s[order[i]] = Math.max(ends[i + 1] - ends[i], ends[i + 2] - ends[i + 1]);
            }
            if (m >= 2) {
                s[order[0]] = ends[2] - ends[1];
                s[order[m - 1]] = ends[m] - ends[m - 1];
            }
            return s;
        }

        @Override
        public double sample(int k, SplittableRandom rng) {
            double pa = Normal.cdf((low - mus[k]) / sigmas[k]);
            double pb = Normal.cdf((high - mus[k]) / sigmas[k]);
            double z = Normal.inverseCdf(pa + (pb - pa) * rng.nextDouble());
            double x = Math.min(high, Math.max(low, mus[k] + sigmas[k] * z));
            return switch (dist) {
                case Distribution.FloatRange f -> f.log() ? Math.min(f.high(), Math.max(f.low(), Math.exp(x))) : x;
                case Distribution.IntRange r -> Math.min(r.high(), Math.max(r.low(), Math.round(r.log() ? Math.exp(x) : x)));
                case Distribution.Categorical c -> throw new IllegalStateException("not numeric");
            };
        }

        @Override
        public void addLogPdf(double v, double[] terms) {
            if (dist instanceof Distribution.IntRange r) {
                double lo = Math.max(low, log ? Math.log(v - 0.5) : v - 0.5);
                double hi = Math.min(high, log ? Math.log(v + 0.5) : v + 0.5);
                for (int k = 0; k < terms.length; k++) {
                    terms[k] += Math.log(Normal.mass((lo - mus[k]) / sigmas[k], (hi - mus[k]) / sigmas[k])) - logNorm[k];
                }
                return;
            }
            double x = log ? Math.log(v) : v;
            for (int k = 0; k < terms.length; k++) {
                double z = (x - mus[k]) / sigmas[k];
                terms[k] += Normal.logPdf(z) - Math.log(sigmas[k]) - logNorm[k];
            }
        }
    }

    private static final class CategoricalDimension implements Dimension {
        private final double[][] probs;
        private final double[][] logProbs;

        CategoricalDimension(Distribution.Categorical c, double[] obs, double priorWeight) {
            int n = obs.length;
            int choices = c.choices().size();
            probs = new double[n + 1][choices];
            logProbs = new double[n + 1][choices];
            for (int i = 0; i <= n; i++) {
                if (i == n) {
                    Arrays.fill(probs[i], 1.0 / choices);
                } else {
                    Arrays.fill(probs[i], priorWeight / (n + 1));
                    probs[i][(int) obs[i]] += 1;
                    double rowSum = 1 + choices * priorWeight / (n + 1);
                    for (int j = 0; j < choices; j++) {
                        probs[i][j] /= rowSum;
                    }
                }
                for (int j = 0; j < choices; j++) {
                    logProbs[i][j] = Math.log(probs[i][j]);
                }
            }
        }

        @Override
        public double sample(int k, SplittableRandom rng) {
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

        @Override
        public void addLogPdf(double v, double[] terms) {
            int j = (int) v;
            for (int k = 0; k < terms.length; k++) {
                terms[k] += logProbs[k][j];
            }
        }
    }
}
