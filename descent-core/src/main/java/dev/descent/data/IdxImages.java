package dev.descent.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import dev.descent.data.RemoteDataset.FileRole;
import dev.descent.io.FormatException;
import dev.descent.io.Idx;
import dev.descent.io.IdxArray;
import dev.descent.io.IdxType;
import dev.descent.tensor.Tensor;

/**
 * Loads MNIST-shaped IDX data: images as float32 (unsigned bytes scaled to [0, 1], the tutorial's
 * {@code ToTensor}; other types as stored) of shape [N, 1, rows, cols], labels as ints.
 */
public final class IdxImages {

    /** A training set and a test set. */
    public record TrainTest(TensorDataset train, TensorDataset test) {
    }

    private IdxImages() {
    }

    /**
     * The four files of a directory with MNIST's names ({@code train-images-idx3-ubyte} …, raw or
     * .gz): any image size and class count.
     *
     * @throws DataUnavailableException naming the files that are missing
     */
    public static MnistFiles locate(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new DataUnavailableException("data directory " + dir + " does not exist");
        }
        Map<FileRole, Path> found = new EnumMap<>(FileRole.class);
        List<String> missing = new java.util.ArrayList<>();
        for (RemoteDataset.DataFile f : MnistFamily.MNIST.remote().files()) {
            Path raw = dir.resolve(f.name()), gz = dir.resolve(f.name() + ".gz");
            if (Files.isRegularFile(raw)) {
                found.put(f.role(), raw);
            } else if (Files.isRegularFile(gz)) {
                found.put(f.role(), gz);
            } else {
                missing.add(f.name());
            }
        }
        if (!missing.isEmpty()) {
            throw new DataUnavailableException("data directory " + dir + " lacks " + missing + " (raw or .gz)");
        }
        return new MnistFiles(found);
    }

    /**
     * Loads the four files.
     *
     * @param numClasses the class count, or 0 to use the largest label + 1
     */
    public static TrainTest load(MnistFiles files, int numClasses) {
        int[] trainY = Idx.readLabels(files.get(FileRole.TRAIN_LABELS), numClasses);
        int[] testY = Idx.readLabels(files.get(FileRole.TEST_LABELS), numClasses);
        int classes = numClasses;
        if (classes == 0) {
            for (int y : trainY) {
                classes = Math.max(classes, y + 1);
            }
            for (int y : testY) {
                classes = Math.max(classes, y + 1);
            }
        }
        Tensor trainX = images(files.get(FileRole.TRAIN_IMAGES), trainY.length, files.get(FileRole.TRAIN_LABELS));
        Tensor testX = images(files.get(FileRole.TEST_IMAGES), testY.length, files.get(FileRole.TEST_LABELS));
        if (!java.util.Arrays.equals(java.util.Arrays.copyOfRange(trainX.shape(), 1, trainX.dim()), java.util.Arrays.copyOfRange(testX.shape(), 1, testX.dim()))) {
            throw new FormatException("training images " + java.util.Arrays.toString(trainX.shape()) + " and test images " + java.util.Arrays.toString(testX.shape()) + " differ in shape");
        }
        return new TrainTest(new TensorDataset(trainX, trainY, classes), new TensorDataset(testX, testY, classes));
    }

    /**
     * Loads the test set alone (what {@code eval} needs): the training labels are read only for the
     * class count when it is not given, the training images not at all.
     *
     * @param numClasses the class count, or 0 to use the largest label of either set + 1
     */
    public static TensorDataset loadTest(MnistFiles files, int numClasses) {
        int[] testY = Idx.readLabels(files.get(FileRole.TEST_LABELS), numClasses);
        int classes = numClasses;
        if (classes == 0) {
            for (int y : Idx.readLabels(files.get(FileRole.TRAIN_LABELS), 0)) {
                classes = Math.max(classes, y + 1);
            }
            for (int y : testY) {
                classes = Math.max(classes, y + 1);
            }
        }
        return new TensorDataset(images(files.get(FileRole.TEST_IMAGES), testY.length, files.get(FileRole.TEST_LABELS)), testY, classes);
    }

    private static Tensor images(Path file, int expected, Path labels) {
        IdxArray a = Idx.read(file);
        int[] d = a.dims();
        if (d.length < 2) {
            throw FormatException.at(file.toString(), 3, "expected an image file with at least 2 dimensions [N, …], found " + d.length);
        }
        if (d[0] != expected) {
            throw new FormatException(file + " holds " + d[0] + " images but " + labels + " holds " + expected + " labels");
        }
        float[] x = a.toFloats(a.type() == IdxType.UBYTE ? 1f / 255f : 1f);
        int[] shape = d.length == 3 ? new int[] {d[0], 1, d[1], d[2]} : d;
        return Tensor.of(x, shape);
    }
}
