package dev.descent.benchmark;

/**
 * One training run of a test problem with one optimizer, learning rate and seed.
 *
 * @param evalSteps    the step of each evaluation (several an epoch, and the end of every epoch)
 * @param evalSeconds  training seconds (evaluations excluded) up to each evaluation
 * @param evalMetric   the problem's validation metric at each evaluation (accuracy, or loss for a
 *                     problem without accuracy)
 * @param trainLoss    the training loss of every step
 * @param testLoss     the final test loss (NaN when the run diverged)
 * @param testAccuracy the final test accuracy (NaN for a problem without accuracy, or a diverged run)
 * @param diverged     whether the loss became NaN or infinite
 */
public record ProblemRun(int[] evalSteps, double[] evalSeconds, double[] evalMetric, float[] trainLoss, double testLoss,
                         double testAccuracy, int steps, double seconds, boolean diverged) {

    /** The last evaluation's metric, or NaN. */
    public double finalMetric() {
        return evalMetric.length == 0 || diverged ? Double.NaN : evalMetric[evalMetric.length - 1];
    }

    /**
     * The index of the first evaluation at which the metric reaches {@code target} (at least it for
     * accuracy, at most it for a loss), or -1.
     */
    public int firstReaching(double target, boolean higherIsBetter) {
        for (int i = 0; i < evalMetric.length; i++) {
            if (higherIsBetter ? evalMetric[i] >= target : evalMetric[i] <= target) {
                return i;
            }
        }
        return -1;
    }
}
