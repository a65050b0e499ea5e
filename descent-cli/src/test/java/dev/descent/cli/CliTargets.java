package dev.descent.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.descent.io.InputException;
import dev.descent.testing.Fuzz;

/**
 * The command line's parser of outside bytes as fuzz targets: a {@code --space} file, JSON or YAML,
 * read exactly as {@code tune} reads it (bounded, then checked as a search space). It may throw only
 * {@link InputException} ({@code BadInputException} and the format error).
 */
final class CliTargets {

    private CliTargets() {
    }

    private static final Path DIR = Fuzz.scratchDirectory("descent-fuzz-space");

    private static void space(byte[] b, String name) throws IOException {
        Path f = DIR.resolve(name);
        Files.write(f, b);
        SpaceOptions o = new SpaceOptions();
        o.file = f;
        o.space();
    }

    static final Fuzz.Target SPACE_JSON = new Fuzz.Target("search-space-json", InputException.class, b -> space(b, "space.json"));
    static final Fuzz.Target SPACE_YAML = new Fuzz.Target("search-space-yaml", InputException.class, b -> space(b, "space.yaml"));

    static final List<Fuzz.Target> ALL = List.of(SPACE_JSON, SPACE_YAML);

    static List<byte[]> seeds(Fuzz.Target t) {
        List<String> s = t == SPACE_JSON ? List.of(
                "{\"lr\": {\"type\": \"float\", \"low\": 1e-4, \"high\": 0.1, \"log\": true}}",
                "{\"optimizer\": {\"type\": \"categorical\", \"choices\": [\"sgd\", \"adam\"]},\n"
                        + " \"momentum\": {\"type\": \"float\", \"low\": 0.5, \"high\": 0.99, \"when\": {\"optimizer\": [\"sgd\"]}},\n"
                        + " \"batch-size\": {\"type\": \"int\", \"low\": 16, \"high\": 256, \"log\": true},\n"
                        + " \"hidden\": {\"type\": \"categorical\", \"choices\": [[200, 100, 50], [512, 256], []]}}",
                "{\"epochs\": {\"type\": \"int\", \"low\": 1, \"high\": 3}, \"amsgrad\": {\"type\": \"categorical\", \"choices\": [true, false]}}")
                : List.of(
                "lr: {type: float, low: 1.0e-4, high: 0.1, log: true}\n",
                "optimizer:\n  type: categorical\n  choices: [sgd, adam]\nmomentum:\n  type: float\n  low: 0.5\n  high: 0.99\n  when: {optimizer: [sgd]}\n"
                        + "batch-size: {type: int, low: 16, high: 256, log: true}\nhidden:\n  type: categorical\n  choices:\n    - [200, 100, 50]\n    - [512, 256]\n",
                "# a grid\nepochs: {type: int, low: 1, high: 3}\nactivation: {type: categorical, choices: [relu, tanh]}\n");
        return s.stream().map(x -> x.getBytes(StandardCharsets.UTF_8)).toList();
    }
}
