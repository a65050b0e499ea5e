package dev.descent.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A package manager that can hand over a data set's files when no mirror answers (npm, Debian's
 * apt). The package is never trusted as it is: {@link MnistStore} checks every file it yields against
 * the checksums the data set's authors publish.
 */
public interface PackageFallback {

    /** What the package is called in messages ("npm package", "Debian package"). */
    String kind();

    /**
     * Fetches the package {@code spec} and writes the uncompressed content of the files
     * {@code dir + name} (or {@code dir + name + ".gz"}) to the temporary files in {@code wanted}
     * (name → file).
     *
     * @return how many of the wanted files the package held
     * @throws IOException if the client fails, times out or yields no package
     */
    int fetch(String spec, String dir, Map<String, Path> wanted) throws IOException;
}
