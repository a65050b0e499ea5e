package dev.descent.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import dev.descent.testing.Fuzz;

/**
 * Writes the Jazzer tests' seed files from the seeds the mutation fuzzer uses, so the two start from
 * the same valid files: {@code mvn -pl descent-core test -Dtest=SeedFilesTest -Ddescent.fuzz.writeSeeds=src/test/resources}.
 */
class SeedFilesTest {

    /** Jazzer's seed directory of each method, by target. */
    static final Map<String, String> METHODS = Map.of("idx", "idx", "safetensors", "safetensors", "checkpoint", "checkpoint",
            "optimizer-state", "optimizerState", "trainer-state", "trainerState",
            "trainer-history", "trainerHistory");

    @TempDir
    Path tmp;

    @Test
    @EnabledIfSystemProperty(named = "descent.fuzz.writeSeeds", matches = ".+")
    void writeSeeds() throws IOException {
        Path root = Path.of(System.getProperty("descent.fuzz.writeSeeds")).resolve("dev/descent/fuzz/CoreJazzerTestInputs");
        for (Fuzz.Target t : CoreTargets.ALL) {
            Path d = Files.createDirectories(root.resolve(METHODS.get(t.name())));
            List<byte[]> seeds = CoreTargets.seeds(t, tmp);
            for (int i = 0; i < seeds.size(); i++) {
                Files.write(d.resolve("seed-" + i), seeds.get(i));
            }
        }
    }
}
