package dev.descent.io;

/**
 * Input from outside the program cannot be used: a file that is missing, unreadable or not in its
 * format, a directory that cannot be written, a data set that cannot be had, a value out of range.
 * The message is one line for the person who gave the input; the command line answers it with exit
 * code 2. Code that finds such a defect at an edge (a file reader, an option parser) throws this type
 * or a subtype; an {@code IllegalArgumentException} from inside the library stays a program error.
 */
public class InputException extends RuntimeException {

    /** An error whose message is the line shown to the user. */
    public InputException(String message) {
        super(message);
    }

    /** An error with its cause kept for {@code --debug}. */
    public InputException(String message, Throwable cause) {
        super(message, cause);
    }
}
