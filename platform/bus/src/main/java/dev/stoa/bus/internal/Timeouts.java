package dev.stoa.bus.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The timeout interceptor of an {@link Endpoint}: a call not answered within its timeout
 * ({@link BusConfig#callTimeoutMs()}, or the service property {@value #PROPERTY}) is answered with
 * {@link FailureCode#TIMEOUT}, and so is one whose caller's deadline ({@code stoa.timeout-ms} header) comes first; if
 * it still waits in a batching queue it leaves the queue, and if it waits for a worker thread it is not run. A running
 * call cannot be stopped from outside (Java cannot stop a thread safely): its {@link dev.stoa.api.Cancellation} is set,
 * which a service that works in steps (a generator) checks per step, and its late result is dropped.
 */
final class Timeouts {

    /** The service property that sets a service's own call timeout, in ms. */
    static final String PROPERTY = "stoa.timeout.ms";

    private static final Logger LOG = LoggerFactory.getLogger(Timeouts.class);

    private final Vertx vertx;
    private final BusConfig config;
    private final String id;

    Timeouts(Vertx vertx, BusConfig config, String id) {
        this.vertx = vertx;
        this.config = config;
        this.id = id;
    }

    /**
     * Starts the call's timer, at its own timeout or its caller's deadline, whichever comes first; {@link #disarm}
     * stops it.
     */
    void arm(Call call) {
        long timeoutMs = timeoutMs(call.provider);
        long callerMs = call.cancellation.remainingMs();
        boolean callers = callerMs < timeoutMs;
        long ms = Math.max(1, Math.min(timeoutMs, callerMs));
        call.timer = vertx.setTimer(ms, t -> expired(call, ms, callers));
    }

    void disarm(Call call) {
        if (call.timer >= 0) {
            vertx.cancelTimer(call.timer);
        }
    }

    private void expired(Call call, long timeoutMs, boolean callers) {
        if (!call.claim()) {
            return;
        }
        // the service, if it runs, stops at its next step: nobody will read its answer
        call.cancellation.cancel("it timed out after " + timeoutMs + " ms");
        Batcher queue = call.provider.batcher();
        if (queue != null) {
            queue.withdraw(call);
        }
        call.endpoint.refused(
                call,
                new StoaException(
                        FailureCode.TIMEOUT,
                        callers
                                ? "service '" + id + "' did not answer within the " + timeoutMs
                                        + " ms its caller waits (the " + dev.stoa.api.Cancellation.TIMEOUT_HEADER
                                        + " header); retry, or give the call more time"
                                : "service '" + id + "' did not answer"
                                        + " within " + timeoutMs
                                        + " ms; retry, or raise callTimeoutMs in etc/dev.stoa.bus.cfg (or the"
                                        + " service property " + PROPERTY + ")"));
    }

    private long timeoutMs(Provider provider) {
        Object v = provider.reference.getProperty(PROPERTY);
        if (v != null) {
            try {
                return Long.parseLong(v.toString().trim());
            } catch (NumberFormatException e) {
                LOG.warn(
                        "Service '{}' has {}={} which is not a number; using {}",
                        id,
                        PROPERTY,
                        v,
                        config.callTimeoutMs());
            }
        }
        return config.callTimeoutMs();
    }
}
