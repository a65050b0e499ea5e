package dev.descent.tune;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The Tree-structured Parzen Estimator (Bergstra et al., 2011) as Optuna's {@code TPESampler}
 * implements it with its defaults (independent sampling of each parameter):
 *
 * <ol>
 * <li>For the first {@code startupTrials} finished trials, sample at random.</li>
 * <li>Otherwise, for each active parameter, take the n finished trials that set it and split them:
 * the best γ(n) = min(⌈0.1·n⌉, 25) are "good" (complete trials by value, then pruned trials by
 * the step they reached and the value there), the rest "bad".</li>
 * <li>Fit a {@link ParzenEstimator} l(x) to the good and g(x) to the bad, each observation weighted
 * by w(n) = 1 for n &lt; 25, else a ramp from 1/n to 1 over all but the 25 most recent trials
 * (oldest lowest), plus a prior of weight 1.</li>
 * <li>Draw {@code eiCandidates} candidates from l and keep the one maximising log l(x) − log g(x),
 * which maximises expected improvement.</li>
 * </ol>
 */
public record TpeSampler(long seed, int startupTrials, int eiCandidates, double priorWeight, boolean multivariate) implements Sampler {

    /** Optuna's defaults: 10 start-up trials, 24 candidates, prior weight 1, each parameter on its own. */
    public static TpeSampler withDefaults(long seed) {
        return new TpeSampler(seed, 10, 24, 1.0, false);
    }

    /**
     * Optuna's defaults with {@code multivariate=True}: the unconditional parameters are modelled
     * jointly — each kernel a product over them, σ = 0.2 · n^(−1/(d + 4)) · range per parameter — so
     * that TPE can follow valleys that run diagonally (Falkner et al., 2018); conditional parameters
     * are still sampled one by one.
     */
    public static TpeSampler multivariate(long seed) {
        return new TpeSampler(seed, 10, 24, 1.0, true);
    }

    /**
     * Checks the settings.
     *
     * @throws IllegalArgumentException if a count is negative or zero, or the prior weight is not positive
     */
    public TpeSampler {
        if (startupTrials < 0) {
            throw new IllegalArgumentException("TPE start-up trials must be >= 0, got " + startupTrials);
        }
        if (eiCandidates < 1) {
            throw new IllegalArgumentException("TPE candidates must be >= 1, got " + eiCandidates);
        }
        if (!(priorWeight > 0) || Double.isInfinite(priorWeight)) {
            throw new IllegalArgumentException("TPE prior weight must be positive, got " + priorWeight);
        }
    }

    @Override
    public Map<String, Double> sample(SearchSpace space, List<TrialRecord> trials, Direction direction, int number) {
        SplittableRandom rng = Sampler.stream(seed, number);
        List<TrialRecord> done = trials.stream().filter(t -> t.state() == TrialState.COMPLETE || t.state() == TrialState.PRUNED).toList();
        if (done.size() < startupTrials) {
            return space.assign((p, assigned) -> RandomSampler.draw(p.distribution(), rng));
        }
        if (!multivariate) {
            return space.assign((p, assigned) -> sampleOne(p, done, direction, rng));
        }
        List<SearchSpace.Param> joint = space.params().stream().filter(p -> p.condition() == null).toList();
        Map<String, Double> fixed = sampleJointly(joint, done, direction, rng);
        return space.assign((p, assigned) -> fixed.containsKey(p.name()) ? fixed.get(p.name()) : sampleOne(p, done, direction, rng));
    }

    private Map<String, Double> sampleJointly(List<SearchSpace.Param> joint, List<TrialRecord> done, Direction direction, SplittableRandom rng) {
        List<TrialRecord> seen = new ArrayList<>(done);
        seen.sort(rank(direction));
        int nBelow = gamma(seen.size());
        List<TrialRecord> below = new ArrayList<>(seen.subList(0, nBelow));
        List<TrialRecord> above = new ArrayList<>(seen.subList(nBelow, seen.size()));
        ParzenEstimator[] l = new ParzenEstimator[joint.size()];
        ParzenEstimator[] g = new ParzenEstimator[joint.size()];
        for (int d = 0; d < l.length; d++) {
            l[d] = estimator(joint.get(d), below, joint.size());
            g[d] = estimator(joint.get(d), above, joint.size());
        }
        double[] best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < eiCandidates; i++) {
            int k = l[0].pick(rng);
            double[] x = new double[l.length];
            for (int d = 0; d < l.length; d++) {
                x[d] = l[d].sampleFrom(k, rng);
            }
            double score = jointLogPdf(l, x) - jointLogPdf(g, x);
            if (best == null || score > bestScore) {
                best = x;
                bestScore = score;
            }
        }
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        for (int d = 0; d < l.length; d++) {
            out.put(joint.get(d).name(), best[d]);
        }
        return out;
    }

    private static double jointLogPdf(ParzenEstimator[] est, double[] x) {
        double[] w = est[0].mixture();
        double[] terms = new double[w.length];
        for (int k = 0; k < w.length; k++) {
            double t = Math.log(w[k]);
            for (int d = 0; d < est.length; d++) {
                t += est[d].componentLogPdf(k, x[d]);
            }
            terms[k] = t;
        }
        return ParzenEstimator.logSumExp(terms);
    }

    private double sampleOne(SearchSpace.Param p, List<TrialRecord> done, Direction direction, SplittableRandom rng) {
        List<TrialRecord> seen = new ArrayList<>(done.stream().filter(t -> t.params().containsKey(p.name())).toList());
        seen.sort(rank(direction));
        int nBelow = gamma(seen.size());
        List<TrialRecord> below = new ArrayList<>(seen.subList(0, nBelow));
        List<TrialRecord> above = new ArrayList<>(seen.subList(nBelow, seen.size()));
        ParzenEstimator l = estimator(p, below, 0);
        ParzenEstimator g = estimator(p, above, 0);
        double best = Double.NaN;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < eiCandidates; i++) {
            double x = l.sample(rng);
            double score = l.logPdf(x) - g.logPdf(x);
            if (Double.isNaN(best) || score > bestScore) {
                best = x;
                bestScore = score;
            }
        }
        return best;
    }

    private ParzenEstimator estimator(SearchSpace.Param p, List<TrialRecord> group, int jointDims) {
        group.sort(Comparator.comparingInt(TrialRecord::number));
        double[] obs = new double[group.size()];
        for (int i = 0; i < obs.length; i++) {
            obs[i] = group.get(i).params().get(p.name());
        }
        return new ParzenEstimator(p.distribution(), obs, weights(obs.length), priorWeight, jointDims);
    }

    /** Optuna's {@code default_gamma}: the number of "good" trials among n. */
    static int gamma(int n) {
        return Math.min((int) Math.ceil(0.1 * n), 25);
    }

    /** Optuna's {@code default_weights}: older observations count less once there are 25 or more. */
    static double[] weights(int n) {
        double[] w = new double[n];
        java.util.Arrays.fill(w, 1.0);
        int ramp = n - 25;
        for (int i = 0; i < ramp; i++) {
            w[i] = ramp == 1 ? 1.0 / n : 1.0 / n + (1.0 - 1.0 / n) * i / (ramp - 1);
        }
        return w;
    }

    /** Complete trials by value, then pruned trials by the step reached (later first) and the value there. */
    private static Comparator<TrialRecord> rank(Direction direction) {
        return (a, b) -> {
            boolean ca = a.state() == TrialState.COMPLETE;
            boolean cb = b.state() == TrialState.COMPLETE;
            if (ca != cb) {
                return ca ? -1 : 1;
            }
            if (ca) {
                return Double.compare(direction.loss(a.value()), direction.loss(b.value()));
            }
            int bySteps = Integer.compare(b.lastStep(), a.lastStep());
            if (bySteps != 0) {
                return bySteps;
            }
            return Double.compare(lastLoss(a, direction), lastLoss(b, direction));
        };
    }

    private static double lastLoss(TrialRecord t, Direction direction) {
        return t.intermediate().isEmpty() ? Double.POSITIVE_INFINITY : direction.loss(t.intermediate().lastEntry().getValue());
    }
}
