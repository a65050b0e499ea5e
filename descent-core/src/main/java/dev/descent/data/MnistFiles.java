package dev.descent.data;

import java.nio.file.Path;
import java.util.Map;

import dev.descent.data.RemoteDataset.FileRole;

/** The four verified files of a data set, raw or gzip, by role. */
public record MnistFiles(Map<FileRole, Path> paths) {

    /** Checks that all four roles are present. */
    public MnistFiles {
        paths = Map.copyOf(paths);
        for (FileRole r : FileRole.values()) {
            if (!paths.containsKey(r)) {
                throw new IllegalArgumentException("MnistFiles: no file for " + r);
            }
        }
    }

    /** The file of this role. */
    public Path get(FileRole role) {
        return paths.get(role);
    }
}
