package dev.descent.tune.storage;

/**
 * A storage could not do what it was asked, for a reason outside the study's rules: the database
 * went away, refused a statement, or ran out of room. The message names the storage and the study.
 */
public final class StorageException extends RuntimeException {

    /** A failure with its cause (the driver's exception). */
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
