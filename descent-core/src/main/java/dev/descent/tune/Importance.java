package dev.descent.tune;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which parameters mattered, by PED-ANOVA (Watanabe et al., 2023, "PED-ANOVA: efficiently quantifying
 * hyperparameter importance in arbitrary subspaces"), as Optuna's {@code PedAnovaImportanceEvaluator}:
 * the importance of parameter d for reaching the best {@code targetQuantile} of the complete trials is
 * the Pearson divergence between where those trials put it and where all trials did,
 *
 * <pre>
 *   I_d = γ'² · Σ_x p(x) · (p_top(x) / p(x) − 1)²
 * </pre>
 * with p and p_top Parzen estimates (Scott's bandwidth) of the parameter's marginal over all complete
 * trials and over the top γ' of them, on a grid of 50 points (a log grid on a log scale, every choice
 * of a categorical), plus a uniform prior of weight one. A parameter whose good values look like any values scores 0; the scores are
 * normalised to sum to one. It needs only the trials' values, so it stays fast at thousands of trials.
 * A conditional parameter is judged on the trials that have it, weighted by how many of the best and of
 * all trials have it (condPED-ANOVA, Watanabe et al. 2026); a parameter that fewer than two of the best
 * trials have scores 0, as one point says nothing about a distribution. With fewer than 5 trials in the top γ' the
 * answer is rough (Optuna's note); {@link #topCount} says how many there are.
 */
public final class Importance {

    private static final int GRID = 50;
    private static final double PRIOR_WEIGHT = 1.0;

    private Importance() {
    }

    /**
     * The importance of each parameter for objective {@code objective} (its direction {@code direction}),
     * normalised to sum to one, most important first; empty with fewer than two complete trials.
     *
     * @param distributions every parameter's distribution
     * @param targetQuantile γ', the share of best trials whose parameters are compared with all (0.1 in Optuna)
     */
    public static Map<String, Double> pedAnova(List<TrialRecord> trials, Map<String, Distribution> distributions,
                                               int objective, Direction direction, double targetQuantile) {
        if (!(targetQuantile > 0 && targetQuantile < 1)) {
            throw new IllegalArgumentException("the target quantile must lie in (0, 1), got " + targetQuantile);
        }
        List<TrialRecord> complete = trials.stream()
                .filter(t -> t.state() == TrialState.COMPLETE && t.values().size() > objective && Double.isFinite(t.values().get(objective))).toList();
        if (complete.size() < 2) {
            return Map.of();
        }
        // The best γ' of all complete trials; a conditional parameter is judged on the trials that have
        // it (its "regime"), weighted by α²/β, α the share of the best trials that have it and β the share
        // of all trials (condPED-ANOVA, Theorem 4.2 of its paper, as Optuna computes it).
        List<TrialRecord> top = top(complete, objective, direction, targetQuantile);
        Map<String, Double> raw = new LinkedHashMap<>();
        for (Map.Entry<String, Distribution> e : distributions.entrySet()) {
            if (gridSize(e.getValue()) < 2) {
                continue; // a parameter with one possible value explains nothing
            }
            List<TrialRecord> regime = complete.stream().filter(t -> t.params().containsKey(e.getKey())).toList();
            List<TrialRecord> topRegime = top.stream().filter(t -> t.params().containsKey(e.getKey())).toList();
            if (regime.size() < 2) {
                continue;
            }
            double div = 0;
            // One of the best trials says nothing about where good values lie: a regime needs two.
            if (topRegime.size() >= 2) {
                double[] pAll = density(e.getKey(), e.getValue(), regime);
                double[] pTop = density(e.getKey(), e.getValue(), topRegime);
                for (int i = 0; i < pAll.length; i++) {
                    double r = pTop[i] / pAll[i] - 1;
                    div += pAll[i] * r * r;
                }
                double alpha = (double) topRegime.size() / top.size();
                double beta = (double) regime.size() / complete.size();
                div *= alpha * alpha / beta;
            }
            double q = (double) top.size() / complete.size();
            raw.put(e.getKey(), div * q * q);
        }
        double sum = raw.values().stream().mapToDouble(Double::doubleValue).sum();
        Map<String, Double> out = new LinkedHashMap<>();
        raw.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> out.put(e.getKey(), sum > 0 ? e.getValue() / sum : 1.0 / raw.size()));
        return out;
    }

    /** How many complete trials form the top {@code targetQuantile} (at least 5 for a steady answer). */
    public static int topCount(List<TrialRecord> trials, int objective, Direction direction, double targetQuantile) {
        List<TrialRecord> complete = trials.stream()
                .filter(t -> t.state() == TrialState.COMPLETE && t.values().size() > objective && Double.isFinite(t.values().get(objective))).toList();
        return complete.isEmpty() ? 0 : top(complete, objective, direction, targetQuantile).size();
    }

    /** The best ⌈γ'·n⌉ trials (ties at the cut kept, as Optuna's quantile filter does). */
    private static List<TrialRecord> top(List<TrialRecord> trials, int objective, Direction direction, double q) {
        double[] losses = trials.stream().mapToDouble(t -> direction.loss(t.values().get(objective))).sorted().toArray();
        double cutoff = losses[Math.max(0, (int) Math.ceil(q * losses.length) - 1)];
        return trials.stream().filter(t -> direction.loss(t.values().get(objective)) <= cutoff).toList();
    }

    /**
     * A Parzen estimate of the parameter's values on its grid: counts per grid point, kernels of Scott's
     * width over grid indices (at least 0.5/1.64, so 90% of a kernel's mass lands on its own point),
     * plus a uniform prior; categorical choices count directly, smoothed by the prior.
     */
    private static double[] density(String name, Distribution d, List<TrialRecord> trials) {
        int size = gridSize(d);
        double[] counts = new double[size];
        for (TrialRecord t : trials) {
            counts[gridIndex(d, t.params().get(name), size)]++;
        }
        double n = trials.size();
        double[] p = new double[size];
        if (d instanceof Distribution.Categorical) {
            for (int i = 0; i < size; i++) {
                p[i] = (counts[i] + PRIOR_WEIGHT / size) / (n + PRIOR_WEIGHT);
            }
            return p;
        }
        double mean = 0;
        for (int i = 0; i < size; i++) {
            mean += i * counts[i];
        }
        mean /= n;
        double var = 0;
        for (int i = 0; i < size; i++) {
            var += counts[i] * (i - mean) * (i - mean);
        }
        double sd = Math.sqrt(var / Math.max(1, n - 1));
        double iqr = quantileIndex(counts, n, 0.75) - quantileIndex(counts, n, 0.25);
        double sigma = Math.max(0.5 / 1.64, 1.059 * Math.min(iqr / 1.34, sd) * Math.pow(n, -0.2));
        for (int c = 0; c < size; c++) {
            if (counts[c] == 0) {
                continue;
            }
            double norm = Normal.mass((-0.5 - c) / sigma, (size - 0.5 - c) / sigma);
            for (int i = 0; i < size; i++) {
                p[i] += counts[c] * Normal.mass((i - 0.5 - c) / sigma, (i + 0.5 - c) / sigma) / norm;
            }
        }
        for (int i = 0; i < size; i++) {
            p[i] = (p[i] + PRIOR_WEIGHT / size) / (n + PRIOR_WEIGHT);
        }
        return p;
    }

    private static double quantileIndex(double[] counts, double n, double q) {
        double target = q * n;
        double acc = 0;
        for (int i = 0; i < counts.length; i++) {
            acc += counts[i];
            if (acc >= target) {
                return i;
            }
        }
        return counts.length - 1;
    }

    private static int gridSize(Distribution d) {
        return switch (d) {
            case Distribution.Categorical c -> c.choices().size();
            case Distribution.IntRange r -> (int) Math.min(GRID, r.log() ? Math.ceil(Math.log(r.high() - r.low() + 1) / Math.log(2)) + 1 : r.size());
            case Distribution.FloatRange f -> f.low() == f.high() ? 1 : GRID;
        };
    }

    private static int gridIndex(Distribution d, double v, int size) {
        if (d instanceof Distribution.Categorical || size == 1) {
            return d instanceof Distribution.Categorical ? (int) v : 0;
        }
        double lo;
        double hi;
        double x;
        boolean log = d instanceof Distribution.FloatRange f ? f.log() : ((Distribution.IntRange) d).log();
        if (d instanceof Distribution.FloatRange f) {
            lo = f.low();
            hi = f.high();
        } else {
            Distribution.IntRange r = (Distribution.IntRange) d;
            lo = r.low();
            hi = r.high();
        }
        x = log ? Math.log(v) : v;
        lo = log ? Math.log(lo) : lo;
        hi = log ? Math.log(hi) : hi;
        double step = (hi - lo) / (size - 1);
        int i = (int) Math.ceil((x - lo) / step - 0.5);
        return Math.max(0, Math.min(size - 1, i));
    }

    /** The names of {@code importance}'s parameters, most important first, with their shares as text: "lr 0.71, batch-size 0.22". */
    public static String describe(Map<String, Double> importance) {
        List<String> parts = new ArrayList<>();
        importance.entrySet().stream().sorted(Comparator.comparingDouble((Map.Entry<String, Double> e) -> -e.getValue()))
                .forEach(e -> parts.add(String.format(java.util.Locale.ROOT, "%s %.2f", e.getKey(), e.getValue())));
        return String.join(", ", parts);
    }
}
