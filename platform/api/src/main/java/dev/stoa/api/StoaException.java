package dev.stoa.api;

import java.util.Objects;

/**
 * A failure with a {@link FailureCode}. Its message names the field or setting at fault and how to fix it;
 * the bus turns it into {@code message.fail(code.code(), message)} and the gateway into an HTTP error.
 */
public class StoaException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final FailureCode code;

    /**
     * @param code what kind of failure this is
     * @param message what went wrong, naming the field and the fix
     */
    public StoaException(FailureCode code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    /**
     * @param code what kind of failure this is
     * @param message what went wrong, naming the field and the fix
     * @param cause the underlying error
     */
    public StoaException(FailureCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** @return the failure code */
    public FailureCode code() {
        return code;
    }

    /** Shorthand for a {@link FailureCode#BAD_INPUT} failure. */
    public static StoaException badInput(String field, String problem) {
        return new StoaException(FailureCode.BAD_INPUT, "'" + field + "': " + problem);
    }
}
