package dev.stoa.vertx;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The platform's one failure table: how a failure becomes a {@link StoaException} with a {@link FailureCode}, on
 * either side of the event bus. The gateway, the pipeline engine, the bus's endpoints and {@code ServiceCaller} all
 * read failures through it, so a failure has the same code whichever door it is seen through; the code's HTTP status
 * is {@link FailureCode#httpStatus()}.
 *
 * <table>
 *   <caption>What a failure becomes</caption>
 *   <tr><th>failure</th><th>code</th></tr>
 *   <tr><td>{@link StoaException} thrown by a service, or replied as {@code message.fail(code, text)}
 *       ({@code RECIPIENT_FAILURE})</td><td>its own code, text kept</td></tr>
 *   <tr><td>{@code RECIPIENT_FAILURE} with a number Stoa does not define</td><td>{@code INTERNAL}</td></tr>
 *   <tr><td>{@code ReplyException} {@code TIMEOUT} (no reply within the send timeout)</td>
 *       <td>{@code TIMEOUT}</td></tr>
 *   <tr><td>{@code ReplyException} {@code NO_HANDLERS}</td><td>{@code SERVICE_GONE}: see below</td></tr>
 *   <tr><td>{@code ReplyException} {@code ERROR} (the bus could not deliver)</td><td>{@code UNAVAILABLE}</td></tr>
 *   <tr><td>any other exception (a bug, an engine error)</td><td>{@code INTERNAL}, its class and message in the
 *       text</td></tr>
 * </table>
 *
 * <p>{@code NO_HANDLERS} means {@code SERVICE_GONE}. Stoa callers resolve a service's address from the service
 * directory before they send, and an id that no node serves fails there, with {@code UNKNOWN_SERVICE}; the bus
 * exporter keeps its consumer on every address it ever exported (a service whose bundle is gone answers
 * {@code SERVICE_GONE} itself). So nothing consuming an address the caller found listed means the consumer went away
 * between the lookup and the send: the cluster node that served it left, or the exporter stopped.
 */
public final class BusFailures {

    private BusFailures() {}

    /**
     * @param failure why a request failed, on the caller's side, or what a service threw
     * @return its code, as the table above gives it
     */
    public static FailureCode codeOf(Throwable failure) {
        Throwable f = unwrap(failure);
        if (f instanceof ReplyException re) {
            return switch (re.failureType()) {
                case RECIPIENT_FAILURE -> FailureCode.of(re.failureCode());
                case TIMEOUT -> FailureCode.TIMEOUT;
                case NO_HANDLERS -> FailureCode.SERVICE_GONE;
                case ERROR -> FailureCode.UNAVAILABLE;
            };
        }
        return f instanceof StoaException se ? se.code() : FailureCode.INTERNAL;
    }

    /**
     * The caller's side: a failed request to a service, as the failure a caller reports on.
     *
     * @param failure why the request failed (a {@link ReplyException}, or anything else)
     * @param id the service's id, named in the messages the table writes
     * @return the service's own failure with its code and text, or one the table writes naming the service and fix
     */
    public static StoaException toStoaException(Throwable failure, String id) {
        Throwable f = unwrap(failure);
        if (f instanceof StoaException se) {
            return se;
        }
        FailureCode code = codeOf(f);
        if (f instanceof ReplyException re) {
            String message = switch (re.failureType()) {
                case RECIPIENT_FAILURE -> re.getMessage();
                case TIMEOUT ->
                    "service '" + id + "' did not answer in time (" + re.getMessage() + "); "
                            + FailureCode.TIMEOUT.fix();
                case NO_HANDLERS ->
                    "no node serves service '" + id + "' now (nothing consumes its address): the"
                            + " cluster node that served it left, or its bundle was removed; "
                            + FailureCode.SERVICE_GONE.fix();
                case ERROR ->
                    "service '" + id + "' could not be reached (" + re.getMessage() + "); "
                            + FailureCode.UNAVAILABLE.fix();
            };
            return new StoaException(code, message, re);
        }
        return internal(f, id);
    }

    /**
     * The service's side: what a service threw (or failed a future with), as the failure its caller gets.
     *
     * @param thrown the exception
     * @param id the service's id
     * @return a {@link StoaException} as it is, else {@link FailureCode#INTERNAL} naming the service, the exception
     *     and where the stack trace is
     */
    public static StoaException fromThrown(Throwable thrown, String id) {
        Throwable t = unwrap(thrown);
        return t instanceof StoaException se ? se : internal(t, id);
    }

    /**
     * Answers a message with a failure: {@code message.fail(code.code(), text)}, which the caller's side reads back
     * with {@link #toStoaException}.
     *
     * @param message the request
     * @param failure the failure, with its code
     */
    public static void fail(Message<?> message, StoaException failure) {
        message.fail(failure.code().code(), failure.getMessage());
    }

    /**
     * Whether trying the same request again may succeed: the service did not answer in time, is overloaded or
     * unavailable for now, or nothing consumed its address (a cluster node left; another may take over). A
     * {@code SERVICE_GONE} the service's own endpoint answered is final and not retried.
     *
     * @param failure why a request failed
     * @return whether a retry may succeed
     */
    public static boolean retryable(Throwable failure) {
        Throwable f = unwrap(failure);
        if (f instanceof ReplyException re && re.failureType() == io.vertx.core.eventbus.ReplyFailure.NO_HANDLERS) {
            return true;
        }
        FailureCode c = codeOf(f);
        return c == FailureCode.UNAVAILABLE || c == FailureCode.TIMEOUT || c == FailureCode.OVERLOADED;
    }

    private static Throwable unwrap(Throwable t) {
        Throwable f = t;
        while ((f instanceof CompletionException || f instanceof ExecutionException) && f.getCause() != null) {
            f = f.getCause();
        }
        return f;
    }

    private static StoaException internal(Throwable t, String id) {
        return new StoaException(
                FailureCode.INTERNAL,
                "service '" + id + "' failed: " + t.getClass().getSimpleName() + ": " + t.getMessage() + "; "
                        + FailureCode.INTERNAL.fix(),
                t);
    }
}
