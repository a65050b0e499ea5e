package dev.descent.tune;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The Tree-structured Parzen Estimator (Bergstra et al., 2011), with the components that
 * Watanabe (2023, "Tree-structured Parzen estimator: understanding its algorithm components and their
 * roles for better empirical performance") and our own measurements (docs/TUNING.md) found to matter:
 *
 * <ol>
 * <li>For the first {@code startupTrials} finished trials, sample at random.</li>
 * <li>Otherwise take the n finished trials that set the parameters being sampled and split them: the
 * best γ(n) = min(⌈0.1·n⌉, 25) are "good", the rest "bad" (complete trials by value, then pruned
 * trials by the step they reached and the value there). With several objectives the good ones are
 * the first ⌈0.1·n⌉ by non-dominated rank, ties in the last rank broken by crowding distance, and
 * pruned trials are always bad.</li>
 * <li>Fit a {@link ParzenEstimator} l(x) to the good trials and g(x) to the bad. A good trial weighs
 * its improvement on the best bad value, y* − y (the "EI" weighting: l then follows expected
 * improvement rather than a plain quantile), and the prior the mean of those weights; bad trials
 * weigh 1 each, the prior {@code priorWeight}. Kernel widths come from the distances between
 * neighbouring observations, with the lower clip R · max(0.01, (n + 2)^−α) (see
 * {@link ParzenEstimator}); α is taken in turn from {@code clipExponents} by trial number.</li>
 * <li>Draw {@code candidates} points from l and keep the one maximising log l(x) − log g(x).</li>
 * </ol>
 *
 * <p>Independent TPE models each parameter on its own; {@code multivariate} models the parameters
 * that share a condition (all the unconditional ones together, say) with joint kernels, so that it
 * can follow valleys that run diagonally (Falkner et al., 2018). Its α alternates 2 and 1: the sharper
 * kernels of α = 2 find the bottom of a valley in far fewer trials, and the wider ones of α = 1 every
 * other trial keep a choice that looked bad early (an optimizer tried at the wrong learning rate) from
 * being abandoned for good.
 *
 * @param clipExponents α of the bandwidths' lower clip, used in turn by trial number
 */
public record TpeSampler(long seed, int startupTrials, int candidates, double priorWeight, boolean multivariate,
                         List<Double> clipExponents) implements Sampler {

    /** Independent TPE: 10 start-up trials, 12 candidates, prior weight 1, α = 2. */
    public static TpeSampler withDefaults(long seed) {
        return new TpeSampler(seed, 10, 12, 1.0, false, List.of(2.0));
    }

    /** Multivariate TPE: 10 start-up trials, 24 candidates, prior weight 1, α alternating 2 and 1. */
    public static TpeSampler multivariate(long seed) {
        return new TpeSampler(seed, 10, 24, 1.0, true, List.of(2.0, 1.0));
    }

    /**
     * Checks the settings.
     *
     * @throws IllegalArgumentException if a count is negative or zero, the prior weight is not positive,
     *                                  or an exponent is not positive
     */
    public TpeSampler {
        if (startupTrials < 0) {
            throw new IllegalArgumentException("TPE start-up trials must be >= 0, got " + startupTrials);
        }
        if (candidates < 1) {
            throw new IllegalArgumentException("TPE candidates must be >= 1, got " + candidates);
        }
        if (!(priorWeight > 0) || Double.isInfinite(priorWeight)) {
            throw new IllegalArgumentException("TPE prior weight must be positive, got " + priorWeight);
        }
        clipExponents = List.copyOf(clipExponents);
        if (clipExponents.isEmpty() || clipExponents.stream().anyMatch(a -> !(a > 0) || a.isInfinite())) {
            throw new IllegalArgumentException("TPE clip exponents must be positive numbers, got " + clipExponents);
        }
    }

    @Override
    public Map<String, Double> sample(SearchSpace space, SamplingContext context) {
        SplittableRandom rng = context.random(seed);
        List<TrialRecord> observed = context.observed();
        if (observed.size() < startupTrials) {
            return space.assign((p, assigned) -> RandomSampler.draw(p.distribution(), rng));
        }
        double alpha = clipExponents.get(Math.floorMod(context.number(), clipExponents.size()));
        // Parameters sampled together: those with the same condition when multivariate, else each alone.
        Map<Object, List<SearchSpace.Param>> groups = new LinkedHashMap<>();
        for (SearchSpace.Param p : space.params()) {
            groups.computeIfAbsent(multivariate ? Objects.requireNonNullElse(p.condition(), "") : p.name(), k -> new ArrayList<>()).add(p);
        }
        Map<String, Double> drawn = new HashMap<>();
        return space.assign((p, assigned) -> {
            if (!drawn.containsKey(p.name())) {
                List<SearchSpace.Param> group = groups.get(multivariate ? Objects.requireNonNullElse(p.condition(), "") : p.name());
                double[] x = sampleGroup(group, observed, context.directions(), alpha, rng);
                for (int i = 0; i < x.length; i++) {
                    drawn.put(group.get(i).name(), x[i]);
                }
            }
            return drawn.get(p.name());
        });
    }

    private double[] sampleGroup(List<SearchSpace.Param> group, List<TrialRecord> observed, List<Direction> directions, double alpha, SplittableRandom rng) {
        List<TrialRecord> seen = new ArrayList<>();
        for (TrialRecord t : observed) {
            if (group.stream().allMatch(p -> t.params().containsKey(p.name()))) {
                seen.add(t);
            }
        }
        Split split = directions.size() > 1 ? splitByDominance(seen, directions) : splitByValue(seen, directions.get(0));
        List<Distribution> dists = group.stream().map(SearchSpace.Param::distribution).toList();
        double[] goodWeights = new double[split.good.size()];
        Arrays.fill(goodWeights, 1.0);
        double goodPrior = priorWeight;
        double threshold = directions.size() > 1 ? Double.NaN : bestComplete(split.bad, directions.get(0));
        if (!Double.isNaN(threshold) && split.good.stream().allMatch(t -> t.state() == TrialState.COMPLETE)) {
            double sum = 0;
            for (int i = 0; i < goodWeights.length; i++) {
                goodWeights[i] = Math.max(1e-12, threshold - directions.get(0).loss(split.good.get(i).value()));
                sum += goodWeights[i];
            }
            goodPrior = priorWeight * sum / Math.max(1, goodWeights.length);
        }
        double[] badWeights = new double[split.bad.size()];
        Arrays.fill(badWeights, 1.0);
        ParzenEstimator l = new ParzenEstimator(dists, observations(group, split.good), goodWeights, goodPrior, alpha);
        ParzenEstimator g = new ParzenEstimator(dists, observations(group, split.bad), badWeights, priorWeight, alpha);
        double[] best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < candidates; i++) {
            double[] x = l.sample(rng);
            double score = l.logPdf(x) - g.logPdf(x);
            if (best == null || score > bestScore) {
                best = x;
                bestScore = score;
            }
        }
        return best;
    }

    private record Split(List<TrialRecord> good, List<TrialRecord> bad) {
    }

    private static Split splitByValue(List<TrialRecord> seen, Direction direction) {
        List<TrialRecord> sorted = new ArrayList<>(seen);
        sorted.sort(rank(direction));
        int n = gamma(sorted.size());
        return new Split(sorted.subList(0, n), sorted.subList(n, sorted.size()));
    }

    private static Split splitByDominance(List<TrialRecord> seen, List<Direction> directions) {
        List<TrialRecord> complete = seen.stream().filter(t -> t.state() == TrialState.COMPLETE).toList();
        List<TrialRecord> rest = new ArrayList<>(seen.stream().filter(t -> t.state() != TrialState.COMPLETE).toList());
        int n = Math.min(complete.size(), (int) Math.ceil(0.1 * seen.size()));
        double[][] losses = Pareto.losses(complete, directions);
        int[] rank = Pareto.ranks(losses);
        List<TrialRecord> good = new ArrayList<>();
        List<TrialRecord> bad = new ArrayList<>();
        for (int r = 0; good.size() < n; r++) {
            List<Integer> level = new ArrayList<>();
            for (int i = 0; i < rank.length; i++) {
                if (rank[i] == r) {
                    level.add(i);
                }
            }
            if (good.size() + level.size() > n) {
                double[][] front = level.stream().map(i -> losses[i]).toArray(double[][]::new);
                double[] crowd = Pareto.crowding(front);
                Integer[] order = new Integer[level.size()];
                for (int i = 0; i < order.length; i++) {
                    order[i] = i;
                }
                Arrays.sort(order, (a, b) -> Double.compare(crowd[b], crowd[a]));
                List<Integer> kept = new ArrayList<>();
                for (int i = 0; i < n - good.size(); i++) {
                    kept.add(level.get(order[i]));
                }
                level.retainAll(kept);
            }
            level.forEach(i -> good.add(complete.get(i)));
        }
        for (TrialRecord t : complete) {
            if (!good.contains(t)) {
                bad.add(t);
            }
        }
        bad.addAll(rest);
        return new Split(good, bad);
    }

    private static double bestComplete(List<TrialRecord> trials, Direction direction) {
        double best = Double.NaN;
        for (TrialRecord t : trials) {
            if (t.state() == TrialState.COMPLETE && (Double.isNaN(best) || direction.loss(t.value()) < best)) {
                best = direction.loss(t.value());
            }
        }
        return best;
    }

    private static double[][] observations(List<SearchSpace.Param> group, List<TrialRecord> trials) {
        double[][] obs = new double[trials.size()][group.size()];
        for (int i = 0; i < obs.length; i++) {
            for (int d = 0; d < group.size(); d++) {
                obs[i][d] = trials.get(i).params().get(group.get(d).name());
            }
        }
        return obs;
    }

    /** The number of "good" trials among n: min(⌈0.1·n⌉, 25), Optuna's {@code default_gamma}. */
    static int gamma(int n) {
        return Math.min((int) Math.ceil(0.1 * n), 25);
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
