package dev.descent.web;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.descent.testing.Fuzz;

import static org.assertj.core.api.Assertions.assertThat;

/** The seeded mutation fuzzer over the run files the dashboard reads (see CoreFuzzTest for the contract). */
class WebFuzzTest {

    static List<Fuzz.Target> targets() {
        return WebTargets.ALL;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void mutatedRunFilesNeverBreakTheDashboard(Fuzz.Target target) {
        Fuzz.Report r = Fuzz.mutate(target, WebTargets.seeds(target), 19, Fuzz.inputs(1000));
        System.out.println("fuzz " + r);
        assertThat(r.accepted()).as("accepted").isPositive();
    }
}
