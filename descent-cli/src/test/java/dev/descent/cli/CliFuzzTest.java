package dev.descent.cli;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.descent.testing.Fuzz;

import static org.assertj.core.api.Assertions.assertThat;

/** The seeded mutation fuzzer over the search-space files of {@code tune} (see CoreFuzzTest for the contract). */
class CliFuzzTest {

    static List<Fuzz.Target> targets() {
        return CliTargets.ALL;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void mutatedValidSpacesAreAcceptedOrRefusedWithTheTypedError(Fuzz.Target target) {
        Fuzz.Report r = Fuzz.mutate(target, CliTargets.seeds(target), 19, Fuzz.inputs(3000));
        System.out.println("fuzz " + r);
        assertThat(r.rejected()).as("refused").isPositive();
        assertThat(r.accepted()).as("accepted").isPositive();
    }
}
