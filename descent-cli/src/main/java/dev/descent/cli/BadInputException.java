package dev.descent.cli;

import dev.descent.io.InputException;

/** A bad option value or combination found by the command line: exit code 2, one line. */
public final class BadInputException extends InputException {

    /** An error whose message is the line shown to the user. */
    public BadInputException(String message) {
        super(message);
    }

    /** An error with its cause kept for {@code --debug}. */
    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
