package dev.descent.fuzz;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.descent.testing.Fuzz;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seeded mutation fuzzer over every core parser: a few thousand mutated valid files each in the
 * default suite ({@code -Ddescent.fuzz.inputs=100000} for a full run, docs/RELIABILITY.md). Each input
 * is accepted or refused with the typed error, never another exception, within the memory bound.
 */
class CoreFuzzTest {

    @TempDir
    Path tmp;

    static List<Fuzz.Target> targets() {
        return CoreTargets.ALL;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void mutatedValidFilesAreAcceptedOrRefusedWithTheTypedError(Fuzz.Target target) {
        Fuzz.Report r = Fuzz.mutate(target, CoreTargets.seeds(target, tmp), 19, Fuzz.inputs(3000));
        System.out.println("fuzz " + r);
        // The mutations reach past the first check: some inputs parse, most are refused.
        assertThat(r.rejected()).as("refused").isPositive();
        assertThat(r.accepted()).as("accepted").isPositive();
    }
}
