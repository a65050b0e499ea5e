package dev.descent.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.descent.tensor.Generator;
import dev.descent.tensor.Tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Splits, loaders and the tutorial's IID minibatch sampling on a small synthetic data set. */
class DataLoaderTest {

    /** Example i has every value equal to i and label i mod 3. */
    static TensorDataset numbered(int n) {
        float[] x = new float[n * 4];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            Arrays.fill(x, i * 4, i * 4 + 4, i);
            y[i] = i % 3;
        }
        return new TensorDataset(Tensor.of(x, n, 2, 2), y, 3);
    }

    private static List<Integer> ids(Batch b) {
        List<Integer> ids = new ArrayList<>();
        for (int k = 0; k < b.size(); k++) {
            ids.add((int) b.x().data()[k * 4]);
            assertThat(b.y()[k]).isEqualTo(ids.get(k) % 3);
        }
        return ids;
    }

    @Test
    void splitIsDisjointCompleteAndSeeded() {
        TensorDataset ds = numbered(100);
        List<Dataset> a = Datasets.split(ds, 2021, 70, 30);
        List<Dataset> b = Datasets.split(ds, 2021, 70, 30);
        List<Dataset> c = Datasets.split(ds, 7, 70, 30);
        Set<Integer> all = new HashSet<>();
        for (int i : ((Subset) a.get(0)).indices()) {
            all.add(i);
        }
        for (int i : ((Subset) a.get(1)).indices()) {
            assertThat(all.add(i)).as("index %d in both parts", i).isTrue();
        }
        assertThat(all).hasSize(100);
        assertThat(((Subset) b.get(0)).indices()).containsExactly(((Subset) a.get(0)).indices());
        assertThat(((Subset) c.get(0)).indices()).isNotEqualTo(((Subset) a.get(0)).indices());
        assertThatThrownBy(() -> Datasets.split(ds, 1, 50, 40)).hasMessageContaining("add up to 90");
    }

    @Test
    void loaderCoversEveryExampleOncePerEpochAndReshufflesEachEpoch() {
        DataLoader loader = DataLoader.shuffled(numbered(10), 4, 5);
        assertThat(loader.numBatches()).isEqualTo(3);
        List<Integer> epoch1 = new ArrayList<>(), epoch2 = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        for (Batch b : loader) {
            epoch1.addAll(ids(b));
            sizes.add(b.size());
            assertThat(b.x().shape()).containsExactly(b.size(), 2, 2);
        }
        for (Batch b : loader) {
            epoch2.addAll(ids(b));
        }
        assertThat(sizes).containsExactly(4, 4, 2);
        assertThat(epoch1).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(epoch2).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(epoch2).isNotEqualTo(epoch1);

        DataLoader again = DataLoader.shuffled(numbered(10), 4, 5);
        List<Integer> replay = new ArrayList<>();
        for (Batch b : again) {
            replay.addAll(ids(b));
        }
        assertThat(replay).isEqualTo(epoch1);
    }

    @Test
    void dropLastAndOrderedAndReusedBuffers() {
        DataLoader loader = new DataLoader(numbered(14), 4, false, true, true, null);
        List<Batch> batches = new ArrayList<>();
        List<List<Integer>> seen = new ArrayList<>();
        java.util.Iterator<Batch> it = loader.iterator();
        Batch previous = null;
        while (it.hasNext()) {
            Batch b = it.next();
            if (previous != null) {
                // Drawing a batch leaves the one before it intact (a trainer draws the next during a step).
                assertThat(ids(previous)).isEqualTo(seen.get(seen.size() - 1));
            }
            batches.add(b);
            seen.add(ids(b));
            previous = b;
        }
        assertThat(batches).hasSize(3);
        assertThat(seen).containsExactly(List.of(0, 1, 2, 3), List.of(4, 5, 6, 7), List.of(8, 9, 10, 11));
        assertThat(batches.get(1).x().data()).as("the other set of buffers").isNotSameAs(batches.get(0).x().data());
        assertThat(batches.get(2).x().data()).as("reused buffer").isSameAs(batches.get(0).x().data());
        assertThat(batches.get(2).y()).as("reused labels").isSameAs(batches.get(0).y());
        assertThatThrownBy(() -> DataLoader.ordered(numbered(3), 0)).hasMessageContaining("batch_size=0");
    }

    @Test
    void minibatchSamplingIsIidWithReplacement() {
        TensorDataset ds = numbered(5);
        Generator g = new Generator(3);
        int[] counts = new int[5];
        for (int t = 0; t < 2000; t++) {
            Batch b = Minibatch.sample(ds.inputs(), ds.labels(), 8, g);
            for (int id : ids(b)) {
                counts[id]++;
            }
        }
        // 16,000 draws: each index ~3,200; with replacement, duplicates appear within batches.
        for (int c : counts) {
            assertThat(c).isBetween(2900, 3500);
        }
        Batch big = Minibatch.sample(ds, 20, new Generator(1));
        assertThat(new HashSet<>(ids(big)).size()).isLessThan(20);
    }

    @Test
    void normalisationAndFlattening() {
        TensorDataset ds = numbered(3).normalized(1f, 2f);
        assertThat(ds.inputs().get(2, 0, 0)).isEqualTo(0.5f);
        assertThat(ds.flattened().exampleShape()).containsExactly(4);
        assertThat(Datasets.classCounts(numbered(7))).containsExactly(3, 2, 2);
    }

    /** A sparse data set: 50 examples of 64 values, about a fifth non-zero, the first value the example's number. */
    private static TensorDataset sparse() {
        Generator g = new Generator(3);
        float[] x = new float[50 * 64];
        int[] y = new int[50];
        for (int i = 0; i < 50; i++) {
            y[i] = i % 3;
            x[i * 64] = i;
            for (int f = 1; f < 64; f++) {
                x[i * 64 + f] = g.nextDouble() < 0.15 ? (float) g.nextGaussian() : 0f;
            }
        }
        return new TensorDataset(Tensor.of(x, 50, 64), y, 3);
    }

    @Test
    void batchesDrawnWithListedRowsCarryTheirRowsAndGatherOnlyWhenAsked() {
        TensorDataset data = sparse();
        Subset sub = new Subset(data, new int[] {49, 3, 17, 8, 30, 31, 0, 22, 5, 41, 12});
        for (Dataset d : List.<Dataset>of(data, sub)) {
            DataLoader plain = new DataLoader(d, 4, true, false, false, new Generator(7));
            DataLoader listed = new DataLoader(d, 4, true, false, false, new Generator(7));
            var a = plain.iterator(0);
            var b = listed.iterator(0, true);
            while (a.hasNext()) {
                Batch want = a.next(), got = b.next();
                assertThat(got.y()).isEqualTo(want.y());
                assertThat(got.rows().isPresent()).isEqualTo(d.sparseRows().isPresent());
                got.rows().ifPresent(r -> {
                    assertThat(r.rows()).isEqualTo(want.size());
                    assertThat(r.nonZeros()).isEqualTo(IntStream.range(0, want.x().numel()).filter(i -> want.x().data()[i] != 0f).count());
                });
                assertThat(got.x().data()).as("gathered on first use").isEqualTo(want.x().data());
                assertThat(got.x().shape()).isEqualTo(want.x().shape());
            }
            assertThat(b.hasNext()).isFalse();
        }
        // Without asking for them, batches are dense as before.
        assertThat(DataLoader.ordered(data, 8).iterator().next().rows()).isEmpty();
    }

    @Test
    void aBatchWithListedRowsInReusedBuffersStaysIntactWhileTheNextIsDrawn() {
        TensorDataset data = sparse();
        List<int[]> labels = new ArrayList<>();
        List<float[]> inputs = new ArrayList<>();
        for (Batch b : new DataLoader(data, 4, true, false, false, new Generator(7))) {
            labels.add(b.y().clone());
            inputs.add(b.x().data().clone());
        }
        var it = new DataLoader(data, 4, true, false, true, new Generator(7)).iterator(0, true);
        Batch previous = null;
        for (int i = 0; it.hasNext(); i++) {
            Batch b = it.next();
            if (previous != null) {
                float[] want = inputs.get(i - 1);
                assertThat(previous.y()).isEqualTo(labels.get(i - 1));
                // Listed where the kernels list (AVX-512); elsewhere the batches are dense.
                assertThat(previous.rows().isPresent()).isEqualTo(data.sparseRows().isPresent());
                previous.rows().ifPresent(r -> assertThat(r.nonZeros())
                        .isEqualTo(IntStream.range(0, want.length).filter(j -> want[j] != 0f).count()));
                assertThat(previous.x().data()).isEqualTo(want);
            }
            previous = b;
        }
    }

    /**
     * Reused buffers are the loader's, kept from pass to pass: passes after the first two make no new
     * arrays (the short last batch's included), and the last batch of a pass stays intact while the next
     * pass draws its first, an odd number of batches a pass notwithstanding (5 of 4, 4, 4, 4 and 2 examples).
     */
    @Test
    void reusedBuffersAreKeptFromPassToPassAndAPasssLastBatchOutlivesTheNextsFirst() {
        DataLoader loader = new DataLoader(numbered(18), 4, true, false, true, new Generator(3));
        Set<float[]> arrays = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        Batch last = null;
        List<Integer> lastIds = null;
        for (int pass = 0; pass < 6; pass++) {
            java.util.Iterator<Batch> it = loader.iterator();
            for (int k = 0; it.hasNext(); k++) {
                Batch b = it.next();
                if (k == 0 && last != null) {
                    assertThat(ids(last)).as("pass %d's last batch after the next pass's first is drawn", pass - 1).isEqualTo(lastIds);
                }
                lastIds = ids(b);
                last = b;
                arrays.add(b.x().data());
            }
            // The odd count of batches puts the short one in the other set each pass: both sets meet both
            // lengths in the first two passes, and then no pass adds an array.
            assertThat(arrays).as("arrays after pass %d", pass).hasSize(pass == 0 ? 3 : 4);
        }
    }
}
