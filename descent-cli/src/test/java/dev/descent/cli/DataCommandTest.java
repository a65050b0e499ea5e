package dev.descent.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.descent.data.Batch;
import dev.descent.data.DataCache;
import dev.descent.data.DataLoader;
import dev.descent.data.Dataset;
import dev.descent.data.Datasets;
import dev.descent.data.IdxImages;
import dev.descent.data.MnistFamily;
import dev.descent.data.MnistStore;
import dev.descent.data.Subset;
import dev.descent.data.FetchListener;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real MNIST, fetched the way a user fetches it ({@code descent data fetch mnist}, into the default
 * cache): sizes, label histograms against MNIST's published counts, and the tutorial's seeded split.
 */
class DataCommandTest {

    static IdxImages.TrainTest mnist;

    @BeforeAll
    static void fetch() {
        MainTest.Result r = MainTest.run("data", "fetch", "mnist");
        assertThat(r.code()).as(r.err() + r.out()).isZero();
        assertThat(r.out()).contains("all 4 files verified").contains(DataCache.root().resolve("mnist").toString());
        mnist = IdxImages.load(MnistStore.defaults(DataCache.root()).ensure(MnistFamily.MNIST.remote(), FetchListener.SILENT), 10);
    }

    @Test
    void sizesAndLabelHistogramsAreMnists() {
        assertThat(mnist.train().size()).isEqualTo(60_000);
        assertThat(mnist.test().size()).isEqualTo(10_000);
        assertThat(mnist.train().exampleShape()).containsExactly(1, 28, 28);
        assertThat(Datasets.classCounts(mnist.train())).containsExactly(5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949);
        assertThat(Datasets.classCounts(mnist.test())).containsExactly(980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009);
        float[] x = mnist.train().inputs().data();
        float min = 1, max = 0;
        for (float v : x) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertThat(min).isZero();
        assertThat(max).isEqualTo(1f);
    }

    @Test
    void theTutorialsSplitIsDisjointAndSeeded() {
        List<Dataset> a = Datasets.split(mnist.train(), 2021, 50_000, 10_000);
        assertThat(a.get(0).size()).isEqualTo(50_000);
        assertThat(a.get(1).size()).isEqualTo(10_000);
        Set<Integer> train = new HashSet<>();
        for (int i : ((Subset) a.get(0)).indices()) {
            train.add(i);
        }
        for (int i : ((Subset) a.get(1)).indices()) {
            assertThat(train).doesNotContain(i);
        }
        List<Dataset> same = Datasets.split(mnist.train(), 2021, 50_000, 10_000);
        List<Dataset> other = Datasets.split(mnist.train(), 2022, 50_000, 10_000);
        assertThat(((Subset) same.get(1)).indices()).containsExactly(((Subset) a.get(1)).indices());
        assertThat(Arrays.equals(((Subset) other.get(1)).indices(), ((Subset) a.get(1)).indices())).isFalse();

        Batch first = DataLoader.shuffled(a.get(0), 64, 2021).iterator().next();
        Batch again = DataLoader.shuffled(same.get(0), 64, 2021).iterator().next();
        Batch differs = DataLoader.shuffled(a.get(0), 64, 7).iterator().next();
        assertThat(again.y()).containsExactly(first.y());
        assertThat(again.x().data()).containsExactly(first.x().data());
        assertThat(differs.x().data()).isNotEqualTo(first.x().data());
    }

    @Test
    void listShowsTheVerifiedFiles() {
        MainTest.Result r = MainTest.run("data", "list");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("mnist          ready (4/4 files verified)");
    }

    @Test
    void anUnknownDataSetExitsTwo() {
        MainTest.Result r = MainTest.run("data", "fetch", "cifar");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("descent: unknown data set 'cifar' (known: mnist, fashion-mnist)" + System.lineSeparator());
    }

    @Test
    void aCacheDirectoryThatCannotBeCreatedExitsTwo(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("not-a-dir");
        java.nio.file.Files.writeString(file, "x");
        MainTest.Result r = MainTest.run("data", "fetch", "fashion-mnist", "--data-dir", file.resolve("sub").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip().lines()).hasSize(1);
    }
}
