package dev.descent.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import dev.descent.io.Directories;

/**
 * Fetches a Debian package with the ordinary clients: {@code apt-get download NAME} (no root needed;
 * it downloads from whatever archive apt is configured for, into a temporary directory) and
 * {@code dpkg-deb -x} to unpack it there. Debian ships Fashion-MNIST's genuine files in
 * {@code dataset-fashion-mnist}, recompressed (so the .gz differs from the authors' .gz, and the
 * caller checks the uncompressed files against the authors' checksums).
 */
public final class DebianFallback implements PackageFallback {

    private final List<String> aptGet;
    private final List<String> dpkgDeb;
    private final long timeoutSeconds;

    /** Uses the two commands (e.g. {@code ["apt-get"]}, {@code ["dpkg-deb"]}) with a time-out for each. */
    public DebianFallback(List<String> aptGet, List<String> dpkgDeb, long timeoutSeconds) {
        this.aptGet = List.copyOf(aptGet);
        this.dpkgDeb = List.copyOf(dpkgDeb);
        this.timeoutSeconds = timeoutSeconds;
    }

    /** {@code apt-get} and {@code dpkg-deb} from the PATH, or null when either is missing. */
    public static DebianFallback onPath() {
        Path apt = Commands.onPath("apt-get"), dpkg = Commands.onPath("dpkg-deb");
        return apt == null || dpkg == null ? null : new DebianFallback(List.of(apt.toString()), List.of(dpkg.toString()), 600);
    }

    @Override
    public String kind() {
        return "Debian package";
    }

    @Override
    public int fetch(String spec, String dir, Map<String, Path> wanted) throws IOException {
        Path work = Files.createTempDirectory("descent-deb-");
        try {
            List<String> download = new ArrayList<>(aptGet);
            download.add("download");
            download.add(spec);
            Commands.run(download, work, "apt.log", timeoutSeconds);
            Path deb = Commands.find(work, ".deb", "apt-get download " + spec);
            Path root = work.resolve("root");
            List<String> unpack = new ArrayList<>(dpkgDeb);
            unpack.addAll(List.of("-x", deb.toString(), root.toString()));
            Commands.run(unpack, work, "dpkg.log", timeoutSeconds);
            int found = 0;
            for (var e : wanted.entrySet()) {
                Path raw = root.resolve(dir + e.getKey()), gz = root.resolve(dir + e.getKey() + ".gz");
                if (Files.isRegularFile(raw)) {
                    Files.copy(raw, e.getValue(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    found++;
                } else if (Files.isRegularFile(gz)) {
                    try (InputStream in = new GZIPInputStream(Files.newInputStream(gz), 1 << 16); OutputStream out = Files.newOutputStream(e.getValue())) {
                        in.transferTo(out);
                    }
                    found++;
                }
            }
            return found;
        } finally {
            Directories.deleteTreeQuietly(work);
        }
    }
}
