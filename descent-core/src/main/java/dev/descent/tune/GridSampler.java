package dev.descent.tune;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Grid search: every combination of the parameters' grid points, in an order shuffled by the seed
 * (as Optuna's {@code GridSampler}, which picks unvisited points at random). A categorical parameter
 * contributes all its choices; a numeric range {@code pointsPerRange} evenly spaced points
 * (geometrically on a log scale; every integer when there are no more than that). A conditional
 * parameter only multiplies the combinations in which it is active. Each trial takes the first point
 * of the shuffled grid that no earlier trial holds (a retry of a failed trial holds its point again);
 * the study stops when the grid is exhausted. A grid needs a declared space: it cannot sample a
 * parameter that a trial suggests as it runs.
 */
public final class GridSampler implements Sampler {

    private final long seed;
    private final int pointsPerRange;
    private SearchSpace cachedSpace;
    private List<Map<String, Double>> cachedGrid;

    /**
     * A grid of {@code pointsPerRange} points on every numeric range, visited in an order drawn from {@code seed}.
     *
     * @throws IllegalArgumentException if {@code pointsPerRange < 1}
     */
    public GridSampler(long seed, int pointsPerRange) {
        if (pointsPerRange < 1) {
            throw new IllegalArgumentException("grid points per range must be >= 1, got " + pointsPerRange);
        }
        this.seed = seed;
        this.pointsPerRange = pointsPerRange;
    }

    /** The seed of the visiting order. */
    public long seed() {
        return seed;
    }

    /** Points per numeric range. */
    public int pointsPerRange() {
        return pointsPerRange;
    }

    @Override
    public Map<String, Double> sample(SearchSpace space, SamplingContext context) {
        if (!context.stream().isEmpty()) {
            throw new IllegalArgumentException("grid sampling needs a declared search space; '" + context.stream()
                    + "' was suggested while a trial ran");
        }
        List<Map<String, Double>> grid = grid(space);
        java.util.Set<Map<String, Double>> taken = new java.util.HashSet<>();
        for (TrialRecord t : context.trials()) {
            taken.add(t.params());
        }
        for (Map<String, Double> point : grid) {
            if (!taken.contains(point)) {
                return point;
            }
        }
        return grid.get(context.number() % grid.size());
    }

    @Override
    public OptionalLong capacity(SearchSpace space) {
        return OptionalLong.of(grid(space).size());
    }

    /** Every point of the grid, in visiting order. */
    public synchronized List<Map<String, Double>> grid(SearchSpace space) {
        if (!space.equals(cachedSpace)) {
            List<Map<String, Double>> all = new ArrayList<>();
            enumerate(space, 0, new LinkedHashMap<>(), all);
            SplittableRandom rng = new SplittableRandom(seed);
            for (int i = all.size() - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                Map<String, Double> t = all.get(i);
                all.set(i, all.get(j));
                all.set(j, t);
            }
            cachedGrid = List.copyOf(all);
            cachedSpace = space;
        }
        return cachedGrid;
    }

    private void enumerate(SearchSpace space, int i, LinkedHashMap<String, Double> partial, List<Map<String, Double>> out) {
        if (i == space.params().size()) {
            out.add(java.util.Collections.unmodifiableMap(new LinkedHashMap<>(partial)));
            return;
        }
        SearchSpace.Param p = space.params().get(i);
        if (!SearchSpace.active(p, partial)) {
            enumerate(space, i + 1, partial, out);
            return;
        }
        for (double v : points(p.distribution())) {
            partial.put(p.name(), v);
            enumerate(space, i + 1, partial, out);
            partial.remove(p.name());
        }
    }

    /** The grid points of one distribution. */
    List<Double> points(Distribution d) {
        TreeSet<Double> pts = new TreeSet<>();
        switch (d) {
            case Distribution.Categorical c -> {
                for (int k = 0; k < c.choices().size(); k++) {
                    pts.add((double) k);
                }
            }
            case Distribution.IntRange r -> {
                if (r.size() <= pointsPerRange) {
                    for (long v = r.low(); v <= r.high(); v++) {
                        pts.add((double) v);
                    }
                } else {
                    for (double v : spaced(r.low(), r.high(), r.log())) {
                        pts.add((double) Math.round(v));
                    }
                }
            }
            case Distribution.FloatRange f -> {
                for (double v : spaced(f.low(), f.high(), f.log())) {
                    pts.add(v);
                }
            }
        }
        return new ArrayList<>(pts);
    }

    private double[] spaced(double lo, double hi, boolean log) {
        int n = lo == hi ? 1 : pointsPerRange;
        double[] v = new double[n];
        for (int k = 0; k < n; k++) {
            double t = n == 1 ? 0 : (double) k / (n - 1);
            v[k] = log ? Math.exp(Math.log(lo) + t * (Math.log(hi) - Math.log(lo))) : lo + t * (hi - lo);
        }
        v[n - 1] = hi;
        v[0] = lo;
        return v;
    }
}
