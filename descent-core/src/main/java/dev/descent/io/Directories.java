package dev.descent.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Directory trees the toolkit makes for itself and removes again (downloads unpacked, scratch runs). */
public final class Directories {

    private Directories() {
    }

    /**
     * Deletes {@code dir} and everything under it as far as it can, quietly: for temporary trees,
     * where an error being reported, or the run going on, matters more than a leftover, which the
     * system's cleaner of temporary files removes. Does nothing when {@code dir} is null or absent.
     */
    public static void deleteTreeQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        List<Path> deepestFirst;
        try (Stream<Path> s = Files.walk(dir)) {
            deepestFirst = s.sorted(Comparator.reverseOrder()).toList();
        } catch (IOException | UncheckedIOException unreadable) {
            return; // left for the system's cleaner of temporary files
        }
        for (Path p : deepestFirst) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException stays) {
                // this one stays (and so do the directories above it); the rest still goes
            }
        }
    }
}
