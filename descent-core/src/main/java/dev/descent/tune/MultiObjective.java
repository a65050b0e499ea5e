package dev.descent.tune;

/** What a study of several objectives optimises: one value per objective, in the study's order. */
@FunctionalInterface
public interface MultiObjective {

    /**
     * Evaluates one configuration, as {@link Objective#evaluate} does.
     *
     * @return one value per objective; a NaN marks the trial as failed
     */
    double[] evaluate(Trial trial) throws Exception;
}
