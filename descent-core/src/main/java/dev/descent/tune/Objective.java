package dev.descent.tune;

/** What a single-objective study optimises: runs one trial with its parameters and returns its value. */
@FunctionalInterface
public interface Objective {

    /**
     * Evaluates one configuration. Report intermediate values with {@link Trial#report} and, when
     * {@link Trial#shouldPrune()} says so, stop and throw {@link TrialPrunedException}.
     *
     * @return the objective value; NaN marks the trial as failed
     * @throws Exception anything else marks the trial as failed, and the study goes on
     */
    double evaluate(Trial trial) throws Exception;
}
