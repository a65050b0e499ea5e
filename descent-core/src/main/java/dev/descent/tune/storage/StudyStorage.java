package dev.descent.tune.storage;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import dev.descent.tune.Distribution;
import dev.descent.tune.StudyHeader;
import dev.descent.tune.TrialRecord;
import dev.descent.tune.TrialState;

/**
 * Where one study's history is kept, and the contract every implementation honours (held by
 * {@code StudyStorageContract} in the tests; Optuna's storages promise the same "process safety"):
 *
 * <ul>
 * <li>Every change is atomic and durable once the call returns, and changes by any number of
 * threads or processes are applied in one order that every reader sees.</li>
 * <li>{@link #startTrial} runs its decision and records what it decided as one step: two callers never
 * take the same waiting trial, trial numbers are 0, 1, 2, … with no gap or repeat, and a decision
 * sees every trial started before it.</li>
 * <li>{@link #finish} is conditional: it returns false, and changes nothing, for a trial already
 * finished, so that of two processes that both saw a crashed trial only one re-queues it.</li>
 * <li>{@link #read} never changes the storage (no repair, no truncation): a partial record at the end
 * is left out and flagged.</li>
 * <li>A heartbeat says that the worker running a trial is alive and when to expect the next one;
 * {@link #silentTrials} lists the running trials whose worker missed that moment, judged by the
 * storage's one clock (a database server's, so that the machines' clocks need not agree).</li>
 * <li>Calls that break the study's rules (a report for an unknown trial, a parameter whose
 * distribution conflicts with the study's, a value outside its distribution) throw
 * {@link IllegalArgumentException} and change nothing.</li>
 * </ul>
 * A journal on a local disk ({@link JournalStorage}), memory ({@link InMemoryStorage}) and a
 * PostgreSQL database shared by many machines ({@link PostgresStorage}) implement it.
 */
public interface StudyStorage extends AutoCloseable {

    /** Where the study lives, for messages: a file, a database and study name. */
    String location();

    /** Whether a study exists there. */
    boolean exists();

    /**
     * Creates the study.
     *
     * @throws IllegalArgumentException if a study exists there already (a {@link dev.descent.io.InputException}
     *                                  when the place was named by the user, as a journal's directory is)
     */
    void create(StudyHeader header);

    /**
     * The study as it is now.
     *
     * @throws RuntimeException an {@link IllegalArgumentException} or {@link dev.descent.io.InputException} if there is no study
     * @throws dev.descent.io.FormatException if what is stored is corrupt
     */
    StudySnapshot read();

    /**
     * Atomically: reads the study, calls {@code decide} with it, and records the trial it returns
     * (empty when it returns null).
     */
    Optional<TrialRecord> startTrial(Function<StudySnapshot, TrialStart> decide);

    /** Records a parameter that running trial {@code number} suggested. */
    void setParam(int number, String name, Distribution distribution, double internal);

    /** Records an intermediate value of running trial {@code number}. */
    void report(int number, int step, double value);

    /**
     * Finishes running trial {@code number}.
     *
     * @param values one per objective when {@code state} is complete, else empty
     * @return false, with nothing changed, if the trial was already finished
     */
    boolean finish(int number, TrialState state, List<Double> values, double seconds, String message);

    /**
     * Records that the worker running trial {@code number} is alive now, and that it will beat again
     * within {@code timeout}: past that, {@link #silentTrials} lists the trial. Each trial keeps its own
     * worker's timeout, so workers started with different timeouts are each judged by their own. A beat
     * for a trial that is no longer running is harmless.
     */
    void heartbeat(int number, Duration timeout);

    /**
     * The running trials whose worker has beaten at least once and then missed the moment it promised
     * for its next beat, by number. A trial that never beat (one handed to another program by
     * {@code study ask}) is never listed.
     */
    List<Integer> silentTrials();

    /** Removes the study and everything recorded about it; nothing happens if there is none. */
    void delete();

    @Override
    void close();
}
