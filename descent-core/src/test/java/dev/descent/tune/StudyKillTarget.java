package dev.descent.tune;

import java.nio.file.Path;

/** A study run in its own JVM so that a test can SIGKILL it mid-trial. */
public final class StudyKillTarget {

    private StudyKillTarget() {
    }

    static Sampler sampler() {
        return TpeSampler.multivariate(5);
    }

    /** A slow objective: three reports 60 ms apart, then Branin. */
    static Objective objective() {
        return trial -> {
            for (int step = 1; step <= 3; step++) {
                Thread.sleep(60);
                trial.report(step, step);
            }
            return SyntheticObjectives.branin(java.util.Map.of("x1", trial.number("x1"), "x2", trial.number("x2")));
        };
    }

    /** args: study directory, number of trials; resumes the study if it exists, retrying crashed trials once. */
    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        try (Study s = Study.exists(dir) ? Study.open(dir, sampler(), new Pruner.None()).retryFailed(1)
                : Study.create(dir, SyntheticObjectives.braninSpace(), Direction.MINIMIZE, sampler(), new Pruner.None(), null)) {
            s.optimize(objective(), Budget.ofTrials(Integer.parseInt(args[1])), 2, null);
        }
    }
}
