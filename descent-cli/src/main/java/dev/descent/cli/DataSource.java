package dev.descent.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.descent.data.DataCache;
import dev.descent.data.FetchListener;
import dev.descent.data.IdxImages;
import dev.descent.data.MnistFamily;
import dev.descent.data.MnistFiles;
import dev.descent.data.MnistStore;
import dev.descent.data.TensorDataset;
import picocli.CommandLine.Option;

/**
 * The data options every training command shares, and how they become data sets: a named member of
 * the MNIST family (fetched into the cache when missing) or a directory of MNIST-named IDX files.
 */
public final class DataSource {

    @Option(names = "--dataset", defaultValue = "mnist", paramLabel = "NAME|DIR",
            description = "mnist, fashion-mnist, or a directory holding MNIST-named IDX files of any image size and class count (default: ${DEFAULT-VALUE})")
    String dataset;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "where data sets are cached and looked for (default: $DESCENT_DATA, else $XDG_CACHE_HOME/descent, else ~/.cache/descent)")
    Path dataDir;

    /** The cache root in effect. */
    public Path root() {
        return rootOf(dataDir);
    }

    /** {@code dataDir}, or the default cache root when it is null. */
    static Path rootOf(Path dataDir) {
        return dataDir != null ? dataDir : DataCache.root();
    }

    /** The named family, or null when {@code --dataset} is a directory. */
    public MnistFamily family() {
        return MnistFamily.byId(dataset);
    }

    /** A short name for configs and reports. */
    public String name() {
        return dataset;
    }

    /** Loads the training and test sets, fetching a named data set if it is not cached. */
    public IdxImages.TrainTest load(PrintWriter log) {
        return load(files(log));
    }

    /** Loads the training and test sets from files {@link #files} gave. */
    public IdxImages.TrainTest load(MnistFiles files) {
        MnistFamily fam = family();
        return fam != null ? fam.load(files) : IdxImages.load(files, 0);
    }

    /** Loads the test set alone ({@code eval}), fetching a named data set if it is not cached. */
    public TensorDataset loadTest(PrintWriter log) {
        MnistFamily fam = family();
        return IdxImages.loadTest(files(log), fam != null ? fam.numClasses() : 0);
    }

    /** The four IDX files, fetched into the cache first when a named data set is missing. */
    public MnistFiles files(PrintWriter log) {
        MnistFamily fam = family();
        if (fam != null) {
            FetchListener l = log::println;
            return MnistStore.defaults(root()).ensure(fam.remote(), l);
        }
        Path dir = Path.of(dataset);
        if (!Files.isDirectory(dir)) {
            throw new BadInputException("--dataset: '" + dataset + "' is neither mnist, fashion-mnist nor a directory");
        }
        return IdxImages.locate(dir);
    }
}
