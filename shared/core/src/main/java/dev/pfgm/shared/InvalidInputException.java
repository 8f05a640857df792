package dev.pfgm.shared;

/**
 * Input the engine refuses: a file it cannot read, a wrong shape or dtype, a non-finite value, a
 * setting out of range, a model/data mismatch. The message is one line that names the input and
 * the problem, fit to show a user as is.
 */
public class InvalidInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
