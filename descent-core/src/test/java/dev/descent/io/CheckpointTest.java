package dev.descent.io;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.descent.nn.Mlp;
import dev.descent.optim.Adam;
import dev.descent.optim.Optimizer;
import dev.descent.tensor.F;
import dev.descent.tensor.Generator;
import dev.descent.tensor.Tensor;
import dev.descent.testing.Golden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Safetensors against PyTorch's files, checkpoints both ways, optimizer state, and every defect. */
class CheckpointTest {

    @TempDir
    Path dir;

    @Test
    void readsPyTorchsMixedDtypes() {
        Safetensors.Contents c = Safetensors.read(Golden.dir().resolve("io/mixed_dtypes.safetensors"));
        JsonNode expected = Golden.read(Golden.dir().resolve("io/mixed_dtypes.json"));
        Golden.assertMapped("mixed_dtypes.json", expected, "doubles", "longs");
        assertThat(c.tensors().keySet()).containsExactly("doubles", "longs");
        for (String name : List.of("doubles", "longs")) {
            JsonNode t = expected.get(name);
            Golden.assertMapped(name, t, "dtype", "shape", "data");
            Safetensors.Entry e = c.tensors().get(name);
            assertThat(e.dtype().name()).as(name).isEqualTo(t.get("dtype").asText());
            assertThat(e.shape()).as(name).containsExactly(Golden.ints(t.get("shape")));
        }
        assertThat(c.tensors().get("doubles").toDoubles()).containsExactly(Golden.doubles(expected.get("doubles").get("data")));
        JsonNode l = expected.get("longs").get("data");
        long[] want = new long[l.size()];
        for (int i = 0; i < want.length; i++) {
            want[i] = l.get(i).asLong();
        }
        assertThat(c.tensors().get("longs").toLongs()).containsExactly(want).contains(1L << 40);
    }

    @Test
    void aPyTorchStateDictLoadsWithoutMetadataAndRoundTrips() {
        Path pt = Golden.dir().resolve("io/tiny_mlp.safetensors");
        JsonNode expected = Golden.read(Golden.dir().resolve("io/tiny_mlp.json"));
        Golden.assertMapped("tiny_mlp.json", expected, "tensors", "metadata", "note");
        java.util.Map<String, String> meta = new java.util.LinkedHashMap<>();
        expected.get("metadata").fields().forEachRemaining(e -> meta.put(e.getKey(), e.getValue().asText()));
        assertThat(Safetensors.read(pt).metadata()).isEqualTo(meta).containsEntry("format", "pt");
        assertThat(Safetensors.read(pt).tensors().keySet()).containsExactlyElementsOf(() -> expected.get("tensors").fieldNames());
        Mlp model = Checkpoint.load(pt);
        expected.get("tensors").fields().forEachRemaining(e ->
                Golden.assertClose(e.getKey(), model.namedParameters().get(e.getKey()).toArray(), Golden.doubles(e.getValue().get("data")), 0, 0));

        Path ours = dir.resolve("model.safetensors");
        Checkpoint.save(ours, model);
        Safetensors.Contents c = Safetensors.read(ours);
        assertThat(c.metadata()).containsEntry("format", "descent").containsEntry("model", "mlp").containsEntry("bias", "true");
        assertThat(c.tensors().keySet()).containsExactlyElementsOf(Safetensors.read(pt).tensors().keySet());
        c.tensors().forEach((n, e) -> assertThat(e).isEqualTo(Safetensors.read(pt).tensors().get(n)));
        Mlp again = Checkpoint.load(ours);
        assertThat(again.spec()).isEqualTo(model.spec());
    }

    @Test
    void optimizerStateRoundTripsForExactResume() {
        Mlp model = Mlp.of(6, List.of(4), 3, 1);
        Optimizer<Adam.Options> opt = Adam.adam(model.parameters(), 0.01, 0.001, Adam.Options.defaults());
        Tensor x = Tensor.randn(new Generator(2), 5, 6);
        int[] y = {0, 1, 2, 0, 1};
        for (int i = 0; i < 3; i++) {
            opt.zeroGrad();
            F.nllLoss(model.forward(x), y).backward();
            opt.step();
        }
        Path f = dir.resolve("optimizer.safetensors");
        OptimizerCheckpoint.save(f, opt);
        Optimizer<Adam.Options> fresh = Adam.adam(Mlp.of(6, List.of(4), 3, 1).parameters(), 0.5, 0, Adam.Options.defaults());
        OptimizerCheckpoint.load(f, fresh);
        assertThat(fresh.steps()).isEqualTo(3);
        assertThat(fresh.paramGroups().get(0).lr()).isEqualTo(0.01);
        assertThat(fresh.stateDict().params()).isEqualTo(opt.stateDict().params());
    }

    @Test
    void defectsAreNamed() throws Exception {
        Path empty = dir.resolve("empty.safetensors");
        Files.write(empty, new byte[3]);
        assertThatThrownBy(() -> Checkpoint.load(empty)).isInstanceOf(FormatException.class).hasMessageContaining("8-byte");

        Path good = dir.resolve("good.safetensors");
        Checkpoint.save(good, Mlp.of(6, List.of(4), 3, 1));
        byte[] all = Files.readAllBytes(good);
        Path cut = dir.resolve("cut.safetensors");
        Files.write(cut, java.util.Arrays.copyOf(all, all.length - 20));
        assertThatThrownBy(() -> Checkpoint.load(cut)).isInstanceOf(FormatException.class).hasMessageContaining("outside the");

        Path garbage = dir.resolve("garbage.safetensors");
        Files.writeString(garbage, "this is not a checkpoint at all");
        assertThatThrownBy(() -> Checkpoint.load(garbage)).isInstanceOf(FormatException.class).hasMessageContaining("header length");

        Map<String, Safetensors.Entry> odd = new LinkedHashMap<>();
        odd.put("encoder.weight", Safetensors.Entry.f32(new float[4], 2, 2));
        Path other = dir.resolve("other.safetensors");
        Safetensors.write(other, odd, Map.of());
        assertThatThrownBy(() -> Checkpoint.load(other)).hasMessageContaining("'encoder.weight' is not a parameter of the tutorial MLP");

        assertThatThrownBy(() -> Checkpoint.load(dir.resolve("missing.safetensors"))).isInstanceOf(InputException.class)
                .hasMessageContaining("no such file");
    }
}
