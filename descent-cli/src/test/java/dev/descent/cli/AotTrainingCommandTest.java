package dev.descent.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The hidden run the launcher records the AOT cache from: it trains without any download and leaves nothing behind. */
class AotTrainingCommandTest {

    @Test
    void trainsOnSyntheticDigitsAndRemovesItsDirectory() throws IOException {
        List<Path> before = leftovers();
        MainTest.Result r = MainTest.run("aot-training");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(leftovers()).containsExactlyInAnyOrderElementsOf(before);
    }

    private static List<Path> leftovers() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("descent-aot-")).toList();
        }
    }
}
