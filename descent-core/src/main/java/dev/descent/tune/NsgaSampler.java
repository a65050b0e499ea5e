package dev.descent.tune;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * NSGA-II (Deb et al., 2002) as Optuna's {@code NSGAIISampler}: trials come in generations of
 * {@code populationSize} (trial n belongs to generation ⌊n / populationSize⌋); generation 0 is random;
 * later ones breed from the elite of the generations before. The elite keeps, from the previous elite
 * and the new generation's complete trials, the best {@code populationSize} by non-dominated rank,
 * ties in the last rank broken by crowding distance. A child takes two parents, each the winner of a
 * binary tournament on dominance; with probability {@code crossoverProb} each parameter comes from
 * either parent at random (uniform crossover), otherwise all from the first; each parameter is then
 * redrawn from its prior with probability {@code mutationProb} (1 / number of parameters when 0).
 * A conditional parameter that neither parent has is drawn at random.
 */
public record NsgaSampler(long seed, int populationSize, double crossoverProb, double mutationProb) implements Sampler {

    /** Optuna's defaults: population 50, crossover probability 0.9, mutation 1 / parameters. */
    public static NsgaSampler withDefaults(long seed) {
        return new NsgaSampler(seed, 50, 0.9, 0);
    }

    /**
     * @throws IllegalArgumentException if the population is under 2 or a probability is outside [0, 1]
     */
    public NsgaSampler {
        if (populationSize < 2) {
            throw new IllegalArgumentException("NSGA-II population must be >= 2, got " + populationSize);
        }
        if (!(crossoverProb >= 0 && crossoverProb <= 1) || !(mutationProb >= 0 && mutationProb <= 1)) {
            throw new IllegalArgumentException("NSGA-II probabilities must lie in [0, 1], got " + crossoverProb + " and " + mutationProb);
        }
    }

    @Override
    public Map<String, Double> sample(SearchSpace space, SamplingContext context) {
        SplittableRandom rng = context.random(seed);
        int generation = context.number() / populationSize;
        List<TrialRecord> parents = generation == 0 || !context.stream().isEmpty() ? List.of() : elite(context, generation);
        if (parents.size() < 2) {
            return space.assign((p, assigned) -> RandomSampler.draw(p.distribution(), rng));
        }
        List<Direction> dirs = context.directions();
        TrialRecord a = tournament(parents, dirs, rng);
        TrialRecord b = tournament(parents, dirs, rng);
        boolean cross = rng.nextDouble() < crossoverProb;
        double mutate = mutationProb > 0 ? mutationProb : 1.0 / Math.max(1, space.params().size());
        return space.assign((p, assigned) -> {
            TrialRecord from = cross && rng.nextBoolean() ? b : a;
            Double v = from.params().get(p.name());
            if (v == null) {
                v = (from == a ? b : a).params().get(p.name());
            }
            if (v == null || rng.nextDouble() < mutate) {
                return RandomSampler.draw(p.distribution(), rng);
            }
            return v;
        });
    }

    /** The elite population that breeds generation {@code generation}. */
    private List<TrialRecord> elite(SamplingContext context, int generation) {
        List<TrialRecord> complete = context.trials().stream()
                .filter(t -> t.state() == TrialState.COMPLETE && t.values().size() == context.directions().size()).toList();
        List<TrialRecord> elite = new ArrayList<>();
        for (int g = 0; g < generation; g++) {
            int gen = g;
            List<TrialRecord> pool = new ArrayList<>(elite);
            complete.stream().filter(t -> t.number() / populationSize == gen).forEach(pool::add);
            elite = select(pool, context.directions());
        }
        return elite;
    }

    /** The best {@code populationSize} of {@code pool} by rank, then crowding distance. */
    private List<TrialRecord> select(List<TrialRecord> pool, List<Direction> dirs) {
        if (pool.size() <= populationSize) {
            return pool;
        }
        double[][] losses = Pareto.losses(pool, dirs);
        int[] rank = Pareto.ranks(losses);
        List<TrialRecord> out = new ArrayList<>();
        for (int r = 0; out.size() < populationSize; r++) {
            List<Integer> level = new ArrayList<>();
            for (int i = 0; i < rank.length; i++) {
                if (rank[i] == r) {
                    level.add(i);
                }
            }
            if (out.size() + level.size() > populationSize) {
                double[] crowd = Pareto.crowding(level.stream().map(i -> losses[i]).toArray(double[][]::new));
                Integer[] order = new Integer[level.size()];
                for (int i = 0; i < order.length; i++) {
                    order[i] = i;
                }
                Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -crowd[i]));
                for (int i = 0; out.size() < populationSize; i++) {
                    out.add(pool.get(level.get(order[i])));
                }
            } else {
                level.forEach(i -> out.add(pool.get(i)));
            }
        }
        return out;
    }

    private static TrialRecord tournament(List<TrialRecord> pop, List<Direction> dirs, SplittableRandom rng) {
        TrialRecord x = pop.get(rng.nextInt(pop.size()));
        TrialRecord y = pop.get(rng.nextInt(pop.size()));
        double[] lx = Pareto.losses(x, dirs);
        double[] ly = Pareto.losses(y, dirs);
        if (Pareto.dominates(ly, lx)) {
            return y;
        }
        if (Pareto.dominates(lx, ly)) {
            return x;
        }
        return rng.nextBoolean() ? x : y;
    }
}
