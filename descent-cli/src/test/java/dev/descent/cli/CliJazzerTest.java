package dev.descent.cli;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.descent.testing.Fuzz;

/** Coverage-guided fuzzing of the search-space files with Jazzer (see CoreJazzerTest for how it runs). */
class CliJazzerTest {

    @org.junit.jupiter.api.AfterAll
    static void counts() {
        Fuzz.printCounts();
    }

    @FuzzTest(maxExecutions = 100_000, maxDuration = "30m")
    void spaceJson(byte[] input) {
        Fuzz.check(CliTargets.SPACE_JSON, input);
    }

    @FuzzTest(maxExecutions = 100_000, maxDuration = "30m")
    void spaceYaml(byte[] input) {
        Fuzz.check(CliTargets.SPACE_YAML, input);
    }
}
