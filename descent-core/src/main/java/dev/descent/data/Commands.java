package dev.descent.data;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Running the package managers' ordinary clients (npm, apt-get, dpkg-deb) for the offline fallbacks. */
final class Commands {

    private Commands() {
    }

    /** The executable {@code name} in a directory of the PATH, or null. */
    static Path onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * Runs {@code cmd} in {@code dir}, its output to {@code dir/<log>}.
     *
     * @throws IOException if it cannot start, outlives {@code timeoutSeconds} or exits non-zero (the
     *                     message ends with its last line of output)
     */
    static void run(List<String> cmd, Path dir, String log, long timeoutSeconds) throws IOException {
        String what = String.join(" ", cmd.subList(0, Math.min(3, cmd.size())));
        Path logFile = dir.resolve(log);
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(what + " did not finish within " + timeoutSeconds + " s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + what, e);
        }
        if (p.exitValue() != 0) {
            String out = Files.readString(logFile, StandardCharsets.UTF_8).strip();
            String last = out.isEmpty() ? "" : out.lines().reduce((a, b) -> b).orElse("");
            throw new IOException(what + " failed (exit " + p.exitValue() + ")" + (last.isEmpty() ? "" : ": " + last));
        }
    }

    /** The first file in {@code dir} whose name ends with {@code suffix}. */
    static Path find(Path dir, String suffix, String what) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().endsWith(suffix)).findFirst()
                    .orElseThrow(() -> new IOException(what + " produced no " + suffix + " file"));
        }
    }
}
