package dev.descent.data;

/** A data set could not be found or fetched; the message says what was tried. */
public final class DataUnavailableException extends dev.descent.io.InputException {

    /** An error whose message is shown to the user. */
    public DataUnavailableException(String message) {
        super(message);
    }
}
