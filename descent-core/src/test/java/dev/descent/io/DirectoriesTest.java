package dev.descent.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/** Quiet deletion of the toolkit's temporary trees. */
class DirectoriesTest {

    @Test
    void deletesATreeDeepestFirst(@TempDir Path tmp) throws IOException {
        Path root = tmp.resolve("scratch");
        Files.createDirectories(root.resolve("a/b/c"));
        Files.writeString(root.resolve("a/b/c/file.txt"), "x");
        Files.writeString(root.resolve("a/top.txt"), "y");
        Directories.deleteTreeQuietly(root);
        assertThat(root).doesNotExist();
        assertThat(tmp).exists();
    }

    @Test
    void aMissingOrNullTreeIsNothingToDo(@TempDir Path tmp) {
        assertThatCode(() -> Directories.deleteTreeQuietly(tmp.resolve("never-made"))).doesNotThrowAnyException();
        assertThatCode(() -> Directories.deleteTreeQuietly(null)).doesNotThrowAnyException();
    }
}
