package dev.descent.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.descent.optim.Optimizer;
import dev.descent.optim.schedule.LrScheduler;
import dev.descent.optim.schedule.ReduceLrOnPlateau;
import dev.descent.optim.schedule.Schedule;
import picocli.CommandLine.Option;

/** Learning-rate schedules by name, stepped once per optimizer step. */
public final class ScheduleOptions {

    @Option(names = "--schedule", defaultValue = "none", paramLabel = "NAME",
            description = "none, step, multistep, exponential, cosine, cosine-restarts, linear, onecycle, cyclic, plateau (default: ${DEFAULT-VALUE})")
    String schedule;

    @Option(names = "--warmup-steps", defaultValue = "0", paramLabel = "N", description = "linear warm-up from lr/10 over N steps before the schedule (default: ${DEFAULT-VALUE})")
    int warmupSteps;

    @Option(names = "--step-size", defaultValue = "1000", paramLabel = "N", description = "step: steps between decays; cosine-restarts: first period; cyclic: half cycle (default: ${DEFAULT-VALUE})")
    int stepSize;

    @Option(names = "--gamma", defaultValue = "0.1", paramLabel = "G", description = "decay factor of step, multistep, exponential (default: ${DEFAULT-VALUE})")
    double gamma;

    @Option(names = "--milestones", split = ",", paramLabel = "S1,S2", description = "multistep: steps at which the lr decays")
    List<Integer> milestones;

    @Option(names = "--min-lr", defaultValue = "0", paramLabel = "LR", description = "cosine floor η_min, plateau floor (default: ${DEFAULT-VALUE})")
    double minLr;

    @Option(names = "--max-lr", paramLabel = "LR", description = "onecycle and cyclic peak (default: 10 × lr)")
    Double maxLr;

    @Option(names = "--patience", defaultValue = "2", paramLabel = "N", description = "plateau: validations without improvement before halving the lr (default: ${DEFAULT-VALUE})")
    int patience;

    /** Whether no schedule is asked for (warm-up aside). */
    boolean none() {
        return schedule.equalsIgnoreCase("none");
    }

    /** The parsed schedule, or null for none or plateau. */
    Schedule build(double lr, int totalSteps) {
        String n = schedule.toLowerCase(Locale.ROOT);
        try {
            Schedule main = switch (n) {
                case "none", "plateau" -> null;
                case "step" -> new Schedule.StepLr(stepSize, gamma);
                case "multistep" -> {
                    if (milestones == null || milestones.isEmpty()) {
                        throw new BadInputException("--schedule multistep needs --milestones S1,S2,…");
                    }
                    yield new Schedule.MultiStepLr(milestones, gamma);
                }
                case "exponential" -> new Schedule.ExponentialLr(gamma == 0.1 ? 0.999 : gamma);
                case "cosine" -> new Schedule.CosineAnnealingLr(Math.max(1, totalSteps - warmupSteps), minLr);
                case "cosine-restarts" -> new Schedule.CosineAnnealingWarmRestarts(stepSize, 2, minLr);
                case "linear" -> new Schedule.LinearLr(1.0, 0.01, Math.max(1, totalSteps - warmupSteps));
                case "onecycle" -> Schedule.OneCycleLr.of(maxLr == null ? 10 * lr : maxLr, Math.max(1, totalSteps));
                case "cyclic" -> Schedule.CyclicLr.triangular(lr, maxLr == null ? 10 * lr : maxLr, stepSize);
                default -> throw new BadInputException("unknown schedule '" + schedule + "' (known: none, step, multistep, exponential, cosine, cosine-restarts, linear, onecycle, cyclic, plateau)");
            };
            if (warmupSteps < 0) {
                throw new BadInputException("--warmup-steps must be >= 0, got " + warmupSteps);
            }
            if (warmupSteps == 0) {
                return main;
            }
            Schedule warm = new Schedule.LinearLr(0.1, 1.0, warmupSteps);
            if (main == null) {
                return warm;
            }
            List<Schedule> parts = new ArrayList<>(List.of(warm, main));
            return new Schedule.SequentialLr(parts, List.of(warmupSteps));
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--schedule " + schedule + ": " + e.getMessage());
        }
    }

    /** The schedule stepped by the trainer, or null; none for a schedule-free optimizer, which warms up itself. */
    LrScheduler scheduler(Optimizer<?> opt, double lr, int totalSteps) {
        if (opt.chain().hasModes()) {
            return null;
        }
        Schedule s = build(lr, totalSteps);
        return s == null ? null : new LrScheduler(opt, s);
    }

    ReduceLrOnPlateau plateau(Optimizer<?> opt) {
        if (!schedule.equalsIgnoreCase("plateau")) {
            return null;
        }
        ReduceLrOnPlateau.Options d = ReduceLrOnPlateau.Options.defaults();
        return new ReduceLrOnPlateau(opt, new ReduceLrOnPlateau.Options(d.mode(), 0.5, patience, d.threshold(), d.thresholdMode(), 0, minLr, d.eps()));
    }
}
