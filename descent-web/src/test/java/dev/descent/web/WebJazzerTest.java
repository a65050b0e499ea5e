package dev.descent.web;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.descent.testing.Fuzz;

/** Coverage-guided fuzzing of the run files the dashboard reads with Jazzer (see CoreJazzerTest for how it runs). */
class WebJazzerTest {

    @org.junit.jupiter.api.AfterAll
    static void counts() {
        Fuzz.printCounts();
    }

    @FuzzTest(maxExecutions = 100_000, maxDuration = "30m")
    void config(byte[] input) {
        Fuzz.check(WebTargets.CONFIG, input);
    }

    @FuzzTest(maxExecutions = 100_000, maxDuration = "30m")
    void summary(byte[] input) {
        Fuzz.check(WebTargets.SUMMARY, input);
    }

    @FuzzTest(maxExecutions = 100_000, maxDuration = "30m")
    void metrics(byte[] input) {
        Fuzz.check(WebTargets.METRICS, input);
    }
}
