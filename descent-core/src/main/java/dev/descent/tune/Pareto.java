package dev.descent.tune;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Pareto dominance over objective vectors turned into losses (lower is better in every objective; see
 * {@link Direction#loss}): the front of a study, non-dominated sorting and crowding distance
 * (Deb et al., 2002, as NSGA-II uses them), and the hypervolume of two objectives.
 */
public final class Pareto {

    private Pareto() {
    }

    /** The complete trials' values as losses, in the order given. */
    public static double[][] losses(List<TrialRecord> trials, List<Direction> directions) {
        double[][] out = new double[trials.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = losses(trials.get(i), directions);
        }
        return out;
    }

    /** One complete trial's values as losses. */
    public static double[] losses(TrialRecord t, List<Direction> directions) {
        double[] l = new double[directions.size()];
        for (int k = 0; k < l.length; k++) {
            l[k] = directions.get(k).loss(t.values().get(k));
        }
        return l;
    }

    /** Whether {@code a} is no worse than {@code b} in every objective and better in one. */
    public static boolean dominates(double[] a, double[] b) {
        boolean better = false;
        for (int k = 0; k < a.length; k++) {
            if (a[k] > b[k]) {
                return false;
            }
            better |= a[k] < b[k];
        }
        return better;
    }

    /**
     * The complete trials that no other complete trial dominates, ordered by the first objective. In
     * lexicographic order a point can only be dominated by one before it, and then by one already on
     * the front, so each is compared with the front alone: O(n · front) rather than O(n²).
     */
    public static List<TrialRecord> front(List<TrialRecord> trials, List<Direction> directions) {
        List<TrialRecord> done = trials.stream().filter(t -> t.state() == TrialState.COMPLETE && t.values().size() == directions.size()).toList();
        double[][] l = losses(done, directions);
        Integer[] order = new Integer[l.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> {
            for (int k = 0; k < l[a].length; k++) {
                int c = Double.compare(l[a][k], l[b][k]);
                if (c != 0) {
                    return c;
                }
            }
            return Integer.compare(done.get(a).number(), done.get(b).number());
        });
        List<Integer> front = new ArrayList<>();
        for (int i : order) {
            boolean dominated = false;
            for (int f : front) {
                if (dominates(l[f], l[i])) {
                    dominated = true;
                    break;
                }
            }
            if (!dominated) {
                front.add(i);
            }
        }
        List<TrialRecord> out = new ArrayList<>();
        front.forEach(i -> out.add(done.get(i)));
        return out;
    }

    /**
     * Non-dominated sorting: rank 0 for the points nothing dominates, rank 1 for those only rank-0
     * points dominate, and so on.
     */
    public static int[] ranks(double[][] losses) {
        int n = losses.length;
        int[] dominatedBy = new int[n];
        List<List<Integer>> dominates = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            dominates.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (dominates(losses[i], losses[j])) {
                    dominates.get(i).add(j);
                    dominatedBy[j]++;
                } else if (dominates(losses[j], losses[i])) {
                    dominates.get(j).add(i);
                    dominatedBy[i]++;
                }
            }
        }
        int[] rank = new int[n];
        Arrays.fill(rank, -1);
        List<Integer> current = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (dominatedBy[i] == 0) {
                current.add(i);
            }
        }
        for (int r = 0; !current.isEmpty(); r++) {
            List<Integer> next = new ArrayList<>();
            for (int i : current) {
                rank[i] = r;
                for (int j : dominates.get(i)) {
                    if (--dominatedBy[j] == 0) {
                        next.add(j);
                    }
                }
            }
            current = next;
        }
        return rank;
    }

    /**
     * The crowding distance of each point of one front: the sum over objectives of the gap between its
     * two neighbours divided by the objective's range; the extremes get infinity, so they are kept first.
     */
    public static double[] crowding(double[][] front) {
        int n = front.length;
        double[] d = new double[n];
        if (n == 0) {
            return d;
        }
        for (int k = 0; k < front[0].length; k++) {
            final int obj = k;
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparingDouble(i -> front[i][obj]));
            double range = front[order[n - 1]][k] - front[order[0]][k];
            d[order[0]] = Double.POSITIVE_INFINITY;
            d[order[n - 1]] = Double.POSITIVE_INFINITY;
            if (range <= 0) {
                continue;
            }
            for (int i = 1; i < n - 1; i++) {
                d[order[i]] += (front[order[i + 1]][k] - front[order[i - 1]][k]) / range;
            }
        }
        return d;
    }

    /**
     * The area that two-objective loss points dominate up to the reference point {@code ref}
     * (points not below the reference in both objectives add nothing).
     */
    public static double hypervolume2d(double[][] points, double[] ref) {
        double[][] p = Arrays.stream(points).filter(x -> x[0] < ref[0] && x[1] < ref[1]).sorted(Comparator.comparingDouble(x -> x[0])).toArray(double[][]::new);
        double area = 0;
        double bestY = ref[1];
        for (double[] x : p) {
            if (x[1] < bestY) {
                area += (ref[0] - x[0]) * (bestY - x[1]);
                bestY = x[1];
            }
        }
        return area;
    }
}
