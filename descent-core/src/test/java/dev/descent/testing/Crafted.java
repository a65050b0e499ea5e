package dev.descent.testing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.descent.io.Safetensors;

/** Files crafted to be wrong, the cases of issue 19, for the tests of every module. */
public final class Crafted {

    private Crafted() {
    }

    /**
     * The checkpoint: about 30 KB of small tensors under the names of a 3-layer MLP, with
     * metadata claiming {@code in_dim=30000, hidden=30000,30000} (3.7 GB of weights if believed).
     */
    public static Path hugeMetadataCheckpoint(Path file) {
        Map<String, Safetensors.Entry> t = new LinkedHashMap<>();
        t.put("main.0.weight", Safetensors.Entry.f32(new float[7000], 100, 70));
        for (String n : List.of("main.0.bias", "main.2.weight", "main.2.bias", "main.4.weight", "main.4.bias")) {
            t.put(n, Safetensors.Entry.f32(new float[100], 100));
        }
        Safetensors.write(file, t, Map.of("format", "descent", "model", "mlp", "in_dim", "30000", "hidden", "30000,30000", "out_dim", "10", "bias", "true"));
        return file;
    }

    /** An IDX header alone: magic, element type, and the given dimensions (no payload). */
    public static byte[] idxHeader(int type, int... dims) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length).order(ByteOrder.BIG_ENDIAN);
        b.put((byte) 0).put((byte) 0).put((byte) type).put((byte) dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        return b.array();
    }
}
