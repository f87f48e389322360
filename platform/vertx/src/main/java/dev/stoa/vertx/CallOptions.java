package dev.stoa.vertx;

import dev.stoa.api.Cancellation;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.UUID;

/**
 * What a caller puts on a call so that the bus can tell when it gives up: its cancel token
 * ({@link Cancellation#TOKEN_HEADER}) and how long it waits ({@link Cancellation#TIMEOUT_HEADER}). The doors (HTTP,
 * server-sent events, the TCP bridge) start a call with a fresh token and cancel it when their client goes away
 * ({@link #cancel}); a service that calls other services on a call's behalf passes the call's token and remaining
 * time on ({@link #onBehalfOf}), so a cancel reaches them too.
 */
public final class CallOptions {

    private CallOptions() {}

    /** @return a new cancel token, unique enough to name one caller across a cluster */
    public static String newToken() {
        return UUID.randomUUID().toString();
    }

    /**
     * The delivery options of a call a door starts.
     *
     * @param token the caller's cancel token ({@link #newToken()}), or {@code null}
     * @param timeoutMs how long the caller waits: the send timeout, and the deadline the bus honours
     * @return options with both headers and the send timeout
     */
    public static DeliveryOptions of(String token, long timeoutMs) {
        DeliveryOptions options = new DeliveryOptions().setSendTimeout(Math.max(1, timeoutMs));
        options.addHeader(Cancellation.TIMEOUT_HEADER, Long.toString(timeoutMs));
        if (token != null) {
            options.addHeader(Cancellation.TOKEN_HEADER, token);
        }
        return options;
    }

    /**
     * The delivery options of a call made on behalf of another (a pipeline's stage, a service calling a service):
     * the same token, and no more time than the outer call has left.
     *
     * @param outer the outer call's cancellation ({@link Cancellation#current()} while it runs)
     * @param timeoutMs this call's own timeout, or {@code 0} for none but the outer call's (and the bus's default)
     * @return options carrying the outer call's token and the shorter of the two times
     */
    public static DeliveryOptions onBehalfOf(Cancellation outer, long timeoutMs) {
        long left = outer.remainingMs();
        long ms = timeoutMs > 0 ? Math.min(timeoutMs, left) : left;
        DeliveryOptions options = new DeliveryOptions();
        if (ms != Long.MAX_VALUE) {
            options.setSendTimeout(Math.max(1, ms)).addHeader(Cancellation.TIMEOUT_HEADER, Long.toString(ms));
        }
        if (outer.token() != null) {
            options.addHeader(Cancellation.TOKEN_HEADER, outer.token());
        }
        return options;
    }

    /** {@link #onBehalfOf(Cancellation, long)} with no timeout of its own. */
    public static DeliveryOptions onBehalfOf(Cancellation outer) {
        return onBehalfOf(outer, 0);
    }

    /**
     * Cancels every call that carries the token, on every node: publishes it to {@link Cancellation#CANCEL_ADDRESS}.
     * A call already answered is not affected.
     *
     * @param vertx the event bus
     * @param token the caller's token
     */
    public static void cancel(Vertx vertx, String token) {
        vertx.eventBus().publish(Cancellation.CANCEL_ADDRESS, token);
    }
}
