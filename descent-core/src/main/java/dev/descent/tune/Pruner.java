package dev.descent.tune;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decides from intermediate values whether a running trial should stop early. It is asked after
 * every {@link Trial#report}; its decision depends only on the trials' recorded values, so it needs
 * no state of its own and survives a resume.
 */
public sealed interface Pruner {

    /**
     * Whether {@code trial}, which has just reported, should stop.
     *
     * @param trials every trial of the study, {@code trial} included
     */
    boolean prune(TrialRecord trial, List<TrialRecord> trials, Direction direction);

    /** Never prunes. */
    record None() implements Pruner {
        @Override
        public boolean prune(TrialRecord trial, List<TrialRecord> trials, Direction direction) {
            return false;
        }
    }

    /**
     * Optuna's {@code MedianPruner}: once {@code startupTrials} trials are complete, and from step
     * {@code warmupSteps} on, every {@code intervalSteps} steps, stop a trial whose best intermediate
     * value so far is worse than the median of the completed trials' values at the same step.
     */
    record Median(int startupTrials, int warmupSteps, int intervalSteps) implements Pruner {
        /** Optuna's defaults: 5 start-up trials, no warm-up, every step. */
        public static Median withDefaults() {
            return new Median(5, 0, 1);
        }

        /** Checks every value, naming the one out of range. */
        public Median {
            if (startupTrials < 0 || warmupSteps < 0 || intervalSteps < 1) {
                throw new IllegalArgumentException("median pruner: need startup >= 0, warm-up >= 0, interval >= 1, got "
                        + startupTrials + ", " + warmupSteps + ", " + intervalSteps);
            }
        }

        @Override
        public boolean prune(TrialRecord trial, List<TrialRecord> trials, Direction direction) {
            if (trial.intermediate().isEmpty()) {
                return false;
            }
            int step = trial.lastStep();
            if (step < warmupSteps || (step - warmupSteps) % intervalSteps != 0) {
                return false;
            }
            List<TrialRecord> complete = trials.stream().filter(t -> t.state() == TrialState.COMPLETE).toList();
            if (complete.size() < startupTrials) {
                return false;
            }
            double bestSoFar = Double.POSITIVE_INFINITY;
            for (double v : trial.intermediate().values()) {
                if (!Double.isNaN(v)) {
                    bestSoFar = Math.min(bestSoFar, direction.loss(v));
                }
            }
            if (bestSoFar == Double.POSITIVE_INFINITY) {
                return true; // only NaN so far
            }
            List<Double> atStep = new ArrayList<>();
            for (TrialRecord t : complete) {
                Double v = t.intermediate().get(step);
                if (v != null && !Double.isNaN(v)) {
                    atStep.add(direction.loss(v));
                }
            }
            if (atStep.isEmpty()) {
                return false;
            }
            return bestSoFar > median(atStep);
        }

        private static double median(List<Double> v) {
            List<Double> s = new ArrayList<>(v);
            s.sort(null);
            int n = s.size();
            return n % 2 == 1 ? s.get(n / 2) : 0.5 * (s.get(n / 2 - 1) + s.get(n / 2));
        }
    }

    /**
     * Asynchronous successive halving (Li et al., 2020), as Optuna's {@code SuccessiveHalvingPruner}.
     * Rung r is reached at step minResource·η^(s + r) (η the reduction factor, s the minimum early-
     * stopping rate); a trial's value there is the first it reported at or after that step. On
     * reaching a rung, a trial continues only if its value is among the best ⌊k/η⌋ (at least one) of
     * the k trials that have reached that rung so far, itself included; otherwise it stops.
     */
    record SuccessiveHalving(int minResource, int reductionFactor, int minEarlyStoppingRate) implements Pruner {
        /** η = 4 and s = 0, Optuna's defaults, with the given minimum resource. */
        public static SuccessiveHalving withMinResource(int minResource) {
            return new SuccessiveHalving(minResource, 4, 0);
        }

        /** Checks every value, naming the one out of range. */
        public SuccessiveHalving {
            if (minResource < 1 || reductionFactor < 2 || minEarlyStoppingRate < 0) {
                throw new IllegalArgumentException("successive halving: need min resource >= 1, reduction factor >= 2, early-stopping rate >= 0, got "
                        + minResource + ", " + reductionFactor + ", " + minEarlyStoppingRate);
            }
        }

        /** The step at which rung {@code r} is reached. */
        public long rungStep(int r) {
            long s = minResource;
            for (int i = 0; i < minEarlyStoppingRate + r; i++) {
                s *= reductionFactor;
                if (s > Integer.MAX_VALUE) {
                    return Long.MAX_VALUE;
                }
            }
            return s;
        }

        /** The trial's value at rung {@code r}, or null if it has not reached it. */
        Double rungValue(TrialRecord t, int r) {
            long at = rungStep(r);
            if (at > Integer.MAX_VALUE) {
                return null;
            }
            Map.Entry<Integer, Double> e = t.intermediate().ceilingEntry((int) at);
            return e == null ? null : e.getValue();
        }

        @Override
        public boolean prune(TrialRecord trial, List<TrialRecord> trials, Direction direction) {
            int step = trial.lastStep();
            for (int r = 0; rungStep(r) <= step; r++) {
                long at = rungStep(r);
                // Only the rung this very report reached is decided now; earlier rungs were decided before.
                Map.Entry<Integer, Double> first = trial.intermediate().ceilingEntry((int) at);
                if (first == null || first.getKey() != step) {
                    continue;
                }
                double mine = direction.loss(first.getValue());
                if (Double.isNaN(mine)) {
                    return true;
                }
                List<Double> competing = new ArrayList<>();
                for (TrialRecord t : trials) {
                    Double v = t.number() == trial.number() ? first.getValue() : rungValue(t, r);
                    if (v != null && !Double.isNaN(v)) {
                        competing.add(direction.loss(v));
                    }
                }
                competing.sort(null);
                int idx = Math.max(0, competing.size() / reductionFactor - 1);
                if (mine > competing.get(idx)) {
                    return true;
                }
            }
            return false;
        }
    }
}
