package dev.descent.tune;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One worker of a study (Optuna's {@code _optimize_sequential}): it asks for the next trial, runs the
 * objective on it, tells the result, and starts again, until the study's budget is spent. The budget
 * belongs to the study, not to the worker: it counts the trials of every worker, in every process, so
 * that any number of workers on any number of machines share one study through its storage, and the
 * study ends after the same number of trials however many there are. {@code descent tune} runs one
 * worker per {@code --jobs} thread; the Spark launcher runs {@code descent tune} in each of its tasks.
 *
 * <p>When the budget is spent and no trial waits, a worker of a study that retries failed trials and
 * sends heartbeats ({@link Study#retryFailed}, {@link Study#heartbeat}) does not leave while trials
 * of other processes still run: one of them may die, and its retry needs a worker. It polls every
 * quarter of the heartbeat timeout; the poll is the ask that would find the silent trial.
 */
public final class Worker {

    private final Study study;
    private final MultiObjective objective;
    private final StudyListener listener;
    private int ran;

    /**
     * A worker that evaluates {@code objective} for {@code study}.
     *
     * @param listener told of each trial's start and end; may be null
     */
    public Worker(Study study, MultiObjective objective, StudyListener listener) {
        this.study = study;
        this.objective = objective;
        this.listener = listener == null ? new StudyListener() { } : listener;
    }

    /**
     * Runs trials until the study's budget is spent, {@code budget.time()} has passed since
     * {@code startNanos} (a {@link System#nanoTime()}), or the study is stopped.
     *
     * @return the number of trials this worker ran
     */
    public int run(Budget budget, long startNanos) {
        while (!study.stopRequested() && !timeUp(budget, startNanos)) {
            Optional<Trial> next = study.ask(TrialOwner.current(), budget);
            if (next.isPresent()) {
                runTrial(next.get());
                continue;
            }
            if (!study.othersMayNeedARetry()) {
                break;
            }
            try {
                Thread.sleep(Math.max(25, study.heartbeatTimeout().toMillis() / 4));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return ran;
    }

    private static boolean timeUp(Budget budget, long startNanos) {
        return budget.time() != null && Duration.ofNanos(System.nanoTime() - startNanos).compareTo(budget.time()) >= 0;
    }

    private void runTrial(Trial trial) {
        List<TrialRecord> now = study.trials();
        TrialRecord record = now.get(trial.number());
        listener.onTrialStart(record, record.retryOf() >= 0);
        try {
            double[] values = objective.evaluate(trial);
            study.tell(trial.number(), values);
        } catch (TrialPrunedException e) {
            study.tellPruned(trial.number(), e.getMessage() == null ? "" : e.getMessage());
        } catch (Exception e) {
            study.tellFailed(trial.number(), e.getMessage() == null ? e.toString() : e.getMessage());
        }
        ran++;
        if (study.abandoned()) {
            return;
        }
        List<TrialRecord> after = study.trials();
        TrialRecord done = after.get(trial.number());
        if (done.state().finished()) {
            listener.onTrialEnd(done, study.header().multiObjective() ? null : Study.best(after, study.header().direction()).orElse(null));
        }
    }
}
