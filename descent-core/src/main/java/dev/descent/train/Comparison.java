package dev.descent.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The statistics behind {@code compare --seeds} and {@code benchmark}: for one metric measured on
 * several seeds per contender (optimizer), the mean, the sample standard deviation, a 95% confidence
 * interval of the mean (Student t with n − 1 degrees of freedom: {@code x̄ ± t₀.₉₇₅,ₙ₋₁ · s/√n}), the
 * best contender by mean, and for every other contender the two-sided p-value of Welch's unequal
 * variances t-test against the best.
 *
 * <p>A contender is <em>significantly worse</em> than the best when its mean is worse and
 * {@code p < 0.05}. With fewer than {@value #MIN_SEEDS_FOR_TEST} values on either side no test is
 * made (the p-value is absent): two seeds give a variance estimate with one degree of freedom, too
 * little to rank anything. Values that are NaN (a run that never reached a target, or diverged) are
 * left out of the statistics and counted apart.
 */
public final class Comparison {

    /** The significance level of "significantly worse". */
    public static final double ALPHA = 0.05;
    /** The fewest values per contender for which Welch's test is made. */
    public static final int MIN_SEEDS_FOR_TEST = 3;

    /** Which way a metric improves. */
    public enum Better {
        /** Higher is better (an accuracy). */
        HIGHER,
        /** Lower is better (a loss, a time). */
        LOWER
    }

    /**
     * Summary statistics of one contender's values.
     *
     * @param n       the finite values used
     * @param missing the NaN values left out
     * @param std     the sample standard deviation (n − 1 in the denominator); NaN when n &lt; 2
     * @param ciLow   the 95% Student-t interval's lower end; NaN when n &lt; 2
     */
    public record Stats(int n, int missing, double mean, double std, double ciLow, double ciHigh) {

        /** The statistics of {@code values}, NaN values left out. */
        public static Stats of(double[] values) {
            double[] v = finite(values);
            int n = v.length;
            int missing = values.length - n;
            if (n == 0) {
                return new Stats(0, missing, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
            }
            double mean = Comparison.mean(v);
            if (n == 1) {
                return new Stats(1, missing, mean, Double.NaN, Double.NaN, Double.NaN);
            }
            double std = Math.sqrt(variance(v, mean));
            double half = StudentT.quantile(0.975, n - 1) * std / Math.sqrt(n);
            return new Stats(n, missing, mean, std, mean - half, mean + half);
        }

        /** Half the width of the 95% interval. */
        public double halfWidth() {
            return (ciHigh - ciLow) / 2;
        }
    }

    /** Welch's t statistic, its Welch–Satterthwaite degrees of freedom and the two-sided p-value. */
    public record Welch(double t, double df, double p) {

        /**
         * Tests whether {@code a} and {@code b} have the same mean, without assuming equal variances.
         * Both samples need at least two finite values.
         */
        public static Welch test(double[] a, double[] b) {
            double[] x = finite(a), y = finite(b);
            if (x.length < 2 || y.length < 2) {
                throw new IllegalArgumentException("Welch's test needs at least two values per sample, got " + x.length + " and " + y.length);
            }
            double mx = mean(x), my = mean(y);
            double vx = variance(x, mx) / x.length, vy = variance(y, my) / y.length;
            double se2 = vx + vy;
            if (se2 == 0) {
                // Two constant samples: identical means are indistinguishable, different ones are certain.
                return mx == my ? new Welch(0, Double.POSITIVE_INFINITY, 1) : new Welch(Math.copySign(Double.POSITIVE_INFINITY, mx - my), Double.POSITIVE_INFINITY, 0);
            }
            double t = (mx - my) / Math.sqrt(se2);
            double df = se2 * se2 / (vx * vx / (x.length - 1) + vy * vy / (y.length - 1));
            return new Welch(t, df, StudentT.twoSidedP(t, df));
        }
    }

    /**
     * One contender's line for one metric.
     *
     * @param pValueVsBest Welch's two-sided p-value against the best, or null for the best itself and
     *                     when there are too few values for a test
     */
    public record Entry(String name, double[] values, Stats stats, boolean best, Double pValueVsBest, boolean significantlyWorse) {
    }

    /** One metric across contenders, in the order given. */
    public record Metric(String name, Better better, List<Entry> entries) {

        /** Whether a test was possible (every contender with at least {@value #MIN_SEEDS_FOR_TEST} values). */
        public boolean tested() {
            return entries.stream().anyMatch(e -> e.pValueVsBest() != null);
        }

        /** The entry of {@code contender}. */
        public Entry entry(String contender) {
            return entries.stream().filter(e -> e.name().equals(contender)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no contender " + contender + " in " + name));
        }
    }

    private Comparison() {
    }

    /**
     * Compares the contenders' values of one metric.
     *
     * @param values contender → one value per seed (NaN for none), in display order
     */
    public static Metric of(String metric, Better better, Map<String, double[]> values) {
        Map<String, Stats> stats = new LinkedHashMap<>();
        values.forEach((k, v) -> stats.put(k, Stats.of(v)));
        String best = null;
        for (var e : stats.entrySet()) {
            double m = e.getValue().mean();
            if (!Double.isNaN(m) && (best == null || (better == Better.HIGHER ? m > stats.get(best).mean() : m < stats.get(best).mean()))) {
                best = e.getKey();
            }
        }
        List<Entry> out = new ArrayList<>();
        for (var e : values.entrySet()) {
            Stats s = stats.get(e.getKey());
            boolean isBest = e.getKey().equals(best);
            Double p = null;
            boolean worse = false;
            if (!isBest && best != null && s.n() >= MIN_SEEDS_FOR_TEST && stats.get(best).n() >= MIN_SEEDS_FOR_TEST) {
                p = Welch.test(e.getValue(), values.get(best)).p();
                boolean meanWorse = better == Better.HIGHER ? s.mean() < stats.get(best).mean() : s.mean() > stats.get(best).mean();
                worse = meanWorse && p < ALPHA;
            }
            out.add(new Entry(e.getKey(), e.getValue().clone(), s, isBest, p, worse));
        }
        return new Metric(metric, better, List.copyOf(out));
    }

    static double[] finite(double[] v) {
        return Arrays.stream(v).filter(Double::isFinite).toArray();
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    /** The sample variance (n − 1 in the denominator), from a two-pass sum for accuracy. */
    static double variance(double[] v, double mean) {
        double s = 0;
        for (double x : v) {
            s += (x - mean) * (x - mean);
        }
        return s / (v.length - 1);
    }
}
