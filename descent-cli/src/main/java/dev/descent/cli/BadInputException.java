package dev.descent.cli;

/** Bad input found while running a command (a missing file, a corrupt checkpoint): exit code 2, one line. */
public final class BadInputException extends RuntimeException {

    /** An error whose message is the line shown to the user. */
    public BadInputException(String message) {
        super(message);
    }

    /** An error with its cause kept for debugging. */
    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
