package dev.descent.train;

import dev.descent.optim.schedule.ReduceLrOnPlateau;

/**
 * Where a run stands, to resume it exactly: steps taken, the epoch and batch within it, the
 * shuffling generator's state at the start of that epoch, the schedule's step, the plateau and
 * early-stopping counters, and the time spent so far.
 */
public record TrainerState(int step, int epoch, int batchInEpoch, long[] epochStartGenerator, long schedulerEpoch,
                           ReduceLrOnPlateau.State plateau, double bestValLoss, int badValidations,
                           double trainSeconds, long examples) {
}
