package dev.descent.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.descent.testing.Fuzz;

/**
 * Coverage-guided fuzzing of every core parser with Jazzer. In the default suite each method replays
 * its seed files (src/test/resources/dev/descent/fuzz/CoreJazzerTestInputs/METHOD) and any finding
 * kept there; with {@code JAZZER_FUZZ=1} one method at a time fuzzes for up to
 * {@value #EXECUTIONS} inputs (scripts/fuzz runs them all; docs/RELIABILITY.md has the figures).
 * The contract is {@link Fuzz#check}: accepted or the typed error, within the memory bound.
 */
class CoreJazzerTest {

    @org.junit.jupiter.api.AfterAll
    static void counts() {
        Fuzz.printCounts();
    }

    /** The full run's inputs per parser. */
    static final long EXECUTIONS = 100_000;

    @FuzzTest(maxExecutions = EXECUTIONS, maxDuration = "30m")
    void idx(byte[] input) {
        Fuzz.check(CoreTargets.IDX, input);
    }

    @FuzzTest(maxExecutions = EXECUTIONS, maxDuration = "30m")
    void safetensors(byte[] input) {
        Fuzz.check(CoreTargets.SAFETENSORS, input);
    }

    @FuzzTest(maxExecutions = EXECUTIONS, maxDuration = "30m")
    void checkpoint(byte[] input) {
        Fuzz.check(CoreTargets.CHECKPOINT, input);
    }

    @FuzzTest(maxExecutions = EXECUTIONS, maxDuration = "30m")
    void optimizerState(byte[] input) {
        Fuzz.check(CoreTargets.OPTIMIZER, input);
    }

    @FuzzTest(maxExecutions = EXECUTIONS, maxDuration = "30m")
    void trainerState(byte[] input) {
        Fuzz.check(CoreTargets.TRAINER_STATE, input);
    }

    @FuzzTest(maxExecutions = EXECUTIONS, maxDuration = "30m")
    void trainerHistory(byte[] input) {
        Fuzz.check(CoreTargets.TRAINER_HISTORY, input);
    }
}
