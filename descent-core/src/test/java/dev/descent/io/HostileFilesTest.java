package dev.descent.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.descent.nn.Mlp;
import dev.descent.optim.Adam;
import dev.descent.optim.Optimizer;
import dev.descent.tensor.F;
import dev.descent.tensor.Generator;
import dev.descent.tensor.Tensor;
import dev.descent.testing.Crafted;

import static dev.descent.testing.Limits.throwsWithin;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Files crafted to be wrong, one per way a header can lie: each is refused with a
 * {@link FormatException} naming the file and what was wrong, in well under 2 s and without
 * allocating what the header claims (the bounds of issue 19: 2 s, 512 MB; here much less).
 */
class HostileFilesTest {

    static final long MS = 2000, MB = 1 << 20;

    @TempDir
    Path dir;

    private Path write(String name, byte[] b) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, b);
        return f;
    }

    @Test
    void anIdxFileWhoseDimensionsMultiplyPastTwoToThe31IsRefusedBeforeAllocating() throws IOException {
        // 65536 × 65536 unsigned bytes: 4 GiB claimed by a 20-byte file (was NegativeArraySizeException).
        Path f = write("huge-idx3-ubyte", Crafted.idxHeader(0x08, 65536, 65536, 1));
        FormatException e = throwsWithin(MS, 4 * MB, FormatException.class, () -> Idx.read(f));
        assertThat(e).hasMessageContaining(f.toString()).hasMessageContaining("more than one array can hold");

        // A product that leaves long altogether.
        int[] dims = new int[12];
        java.util.Arrays.fill(dims, Integer.MAX_VALUE);
        Path g = write("overflow", Crafted.idxHeader(0x0D, dims));
        assertThat(throwsWithin(MS, 4 * MB, FormatException.class, () -> Idx.read(g))).hasMessageContaining("more elements than a long can count");
    }

    @Test
    void anIdxFileShorterThanItsDimensionsIsRefusedBeforeAllocating() throws IOException {
        // 1e9 doubles claimed, 100 bytes present: the length is compared first.
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(Crafted.idxHeader(0x0E, 250_000_000));
        o.write(new byte[100]);
        Path f = write("short", o.toByteArray());
        assertThat(throwsWithin(MS, 4 * MB, FormatException.class, () -> Idx.read(f))).hasMessageContaining("found only 100").hasMessageContaining("truncated");
    }

    @Test
    void aGzipIdxStreamShorterThanItsHeaderCostsOnlyWhatItHolds() throws IOException {
        // 2 GB claimed inside a gzip stream of a few bytes: memory grows only with what arrives.
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(o)) {
            gz.write(Crafted.idxHeader(0x08, 2_000_000_000));
            gz.write(new byte[1000]);
        }
        Path f = write("bomb.gz", o.toByteArray());
        assertThat(throwsWithin(MS, 4 * MB, FormatException.class, () -> Idx.read(f))).hasMessageContaining("(gzip)").hasMessageContaining("found only 1000");
    }

    /** A safetensors file with the given JSON header and {@code data} bytes after it. */
    private Path safetensors(String name, String header, int data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        return write(name, b.array());
    }

    @Test
    void safetensorsHeadersThatLieAreNamed() throws IOException {
        String[][] cases = {
                // header, expected message part
                {"{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,16]}}", "dimension 0 of the shape"},
                {"{\"w\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647,2147483647,8],\"data_offsets\":[0,16]}}", "more elements than a long can count"},
                {"{\"w\":{\"dtype\":\"F32\",\"shape\":[65536,65536],\"data_offsets\":[0,16]}}", "do not hold shape"},
                {"{\"w\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,16]}}", "expected a whole number"},
                {"{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[\"0\",\"16\"]}}", "are not two whole numbers"},
                {"{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,17179869184]}}", "outside the 16 data bytes"},
                {"{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[-8,8]}}", "outside the 16 data bytes"},
                {"{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"v\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", "overlaps"},
                {"{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", "Duplicate field 'w'"},
                {"{\"w\":[1,2,3]}", "expected an object"},
                {"{\"__metadata__\":{\"in_dim\":784}}", "is not a string"},
                {"{\"w\":{\"dtype\":\"BF16\",\"shape\":[4],\"data_offsets\":[0,8]}}", "unsupported dtype 'BF16'"},
                {"[" .repeat(5000) + "]".repeat(5000), "expected a JSON header"},
                {"{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}} trailing", "expected a JSON header"},
        };
        for (int i = 0; i < cases.length; i++) {
            Path f = safetensors("case" + i + ".safetensors", cases[i][0], 16);
            assertThat(throwsWithin(MS, 8 * MB, FormatException.class, () -> Safetensors.read(f)))
                    .as(cases[i][0].length() > 200 ? "deep nesting" : cases[i][0]).hasMessageContaining(f.toString()).hasMessageContaining(cases[i][1]);
        }
        // A header length larger than the file.
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE);
        Path f = write("len.safetensors", b.array());
        assertThat(throwsWithin(MS, MB, FormatException.class, () -> Safetensors.read(f))).hasMessageContaining("does not fit a file of 16 bytes");
    }

    @Test
    void aSmallCheckpointWhoseMetadataDescribesAHugeModelIsRefusedBeforeTheModelIsBuilt() throws IOException {
        // The file: 30 KB, metadata claiming in_dim=30000, hidden=30000,30000 (3.7 GB of weights).
        Path f = Crafted.hugeMetadataCheckpoint(dir.resolve("model.safetensors"));
        assertThat(Files.size(f)).isLessThan(40_000);
        FormatException e = throwsWithin(MS, 8 * MB, FormatException.class, () -> Checkpoint.load(f));
        assertThat(e).hasMessageContaining(f.toString()).hasMessageContaining("'main.0.weight' has shape [100, 70]")
                .hasMessageContaining("MLP 30000-30000-30000-10 needs [30000, 30000]");
    }

    @Test
    void checkpointMetadataIsCheckedEntryByEntry() throws IOException {
        Mlp m = Mlp.of(6, List.of(4), 3, 1);
        String[][] cases = {
                {"in_dim", "six", "'in_dim' is 'six'"},
                {"hidden", "4,-2", "hidden sizes must be positive"},
                {"hidden", "4,4", "'main.2.weight' has shape [3, 4], the metadata's MLP 6-4-4-3 needs [4, 4]"},
                {"hidden", "", "'main.0.weight' has shape [4, 6], the metadata's MLP 6-3 needs [3, 6]"},
                {"bias", "maybe", "bias is 'maybe'"},
                {"out_dim", "99999999999", "'out_dim' is '99999999999'"},
                {"activation", "swish", "bad checkpoint metadata"},
        };
        for (String[] c : cases) {
            Path f = dir.resolve(c[0] + ".safetensors");
            Checkpoint.save(f, m, Map.of());
            Safetensors.Contents read = Safetensors.read(f);
            Map<String, String> meta = new LinkedHashMap<>(read.metadata());
            meta.put(c[0], c[1]);
            Safetensors.write(f, read.tensors(), meta);
            assertThat(throwsWithin(MS, 8 * MB, FormatException.class, () -> Checkpoint.load(f))).as(c[0] + "=" + c[1]).hasMessageContaining(c[2]);
        }
        // A PyTorch-style file (no metadata) whose layer index does not fit an int.
        Map<String, Safetensors.Entry> t = new LinkedHashMap<>();
        t.put("main.99999999999.weight", Safetensors.Entry.f32(new float[4], 2, 2));
        Path f = dir.resolve("index.safetensors");
        Safetensors.write(f, t, Map.of());
        assertThat(throwsWithin(MS, 8 * MB, FormatException.class, () -> Checkpoint.load(f))).hasMessageContaining("is not a parameter of the tutorial MLP");
    }

    private Optimizer<Adam.Options> trainedAdam(Mlp model) {
        Optimizer<Adam.Options> opt = Adam.adam(model.parameters(), 0.01, 0, Adam.Options.defaults());
        Tensor x = Tensor.randn(new Generator(2), 5, 6);
        for (int i = 0; i < 2; i++) {
            opt.zeroGrad();
            F.nllLoss(model.forward(x), new int[] {0, 1, 2, 0, 1}).backward();
            opt.step();
        }
        return opt;
    }

    @Test
    void aDamagedOptimizerStateNamesTheBrokenEntry() {
        Path f = dir.resolve("optimizer.safetensors");
        OptimizerCheckpoint.save(f, trainedAdam(Mlp.of(6, List.of(4), 3, 1)));
        Safetensors.Contents good = Safetensors.read(f);
        record Damage(String what, java.util.function.Consumer<Map<String, Safetensors.Entry>> tensors, java.util.function.Consumer<Map<String, String>> meta) {
        }
        List<Damage> damages = List.of(
                new Damage("tensor 'state.2.exp_avg' is missing", t -> t.remove("state.2.exp_avg"), m -> { }),
                new Damage("tensor 'state.0.exp_avg_sq' is F32 [3]", t -> t.put("state.0.exp_avg_sq", Safetensors.Entry.f32(new float[3], 3)), m -> { }),
                new Damage("tensor 'state.1.step' is F32", t -> t.put("state.1.step", Safetensors.Entry.f32(new float[1], 1)), m -> { }),
                new Damage("tensor 'state.1.step' is I64 [0]", t -> t.put("state.1.step", Safetensors.Entry.i64(new long[0], 0)), m -> { }),
                new Damage("tensor 'state.3.scalars' is missing", t -> t.remove("state.3.scalars"), m -> { }),
                new Damage("metadata 'params' is 7", t -> { }, m -> m.put("params", "7")),
                new Damage("metadata 'steps' is 'many'", t -> { }, m -> m.put("steps", "many")),
                new Damage("metadata 'groups' is missing", t -> { }, m -> m.remove("groups")),
                new Damage("metadata 'groups': not valid JSON", t -> { }, m -> m.put("groups", "[{")),
                new Damage("metadata 'groups' entry 0: expected size", t -> { }, m -> m.put("groups", "[{\"size\":4}]")),
                new Damage("entry 0: options do not fit", t -> { }, m -> m.put("groups", m.get("groups").replace("\"options\":{", "\"options\":{\"bogus\":1,"))),
                new Damage("the state of SGD", t -> { }, m -> m.put("algorithm", "SGD")),
                new Damage("not a Descent optimizer state", t -> { }, m -> m.remove("format")));
        for (Damage d : damages) {
            Map<String, Safetensors.Entry> t = new LinkedHashMap<>(good.tensors());
            Map<String, String> m = new LinkedHashMap<>(good.metadata());
            d.tensors().accept(t);
            d.meta().accept(m);
            Path g = dir.resolve("damaged.safetensors");
            Safetensors.write(g, t, m);
            Optimizer<Adam.Options> fresh = Adam.adam(Mlp.of(6, List.of(4), 3, 1).parameters(), 0.5, 0, Adam.Options.defaults());
            assertThat(throwsWithin(MS, 8 * MB, FormatException.class, () -> OptimizerCheckpoint.load(g, fresh))).as(d.what())
                    .hasMessageContaining(g.toString()).hasMessageContaining(d.what());
        }
    }
}
