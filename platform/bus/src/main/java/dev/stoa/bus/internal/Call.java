package dev.stoa.bus.internal;

import dev.stoa.api.Cancellation;
import dev.stoa.api.StoaException;
import dev.stoa.api.tracing.TraceSpan;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One call to an {@link Endpoint}, from its arrival to its one answer: what the interceptors share. A call is
 * answered exactly once, by whichever comes first of its result, its failure and its timeout ({@link #claim}).
 *
 * <p>Two kinds: {@link BusCall} (an event-bus message, answered with a reply) and {@link LocalCall} (a
 * {@link dev.stoa.api.runtime.ServiceCaller} call, answered to the thread that waits for it). Both wait for an instance
 * the same way during a hot swap ({@link Dispatch.Waiter}).
 */
abstract class Call implements Dispatch.Waiter {

    private static final AtomicIntegerFieldUpdater<Call> ANSWERED =
            AtomicIntegerFieldUpdater.newUpdater(Call.class, "answered");

    /** Where the call goes. */
    final Endpoint endpoint;
    /** The request as it came: a record, or JSON. */
    final Object input;
    /** Whether it came as JSON, and is answered as JSON. */
    final boolean json;
    /** The instance it runs on, once dispatched; held (counted in flight) until the call ends. */
    Provider provider;
    /** When it started on the instance ({@link System#nanoTime()}): latency and queue delay count from here. */
    long started;
    /** Its timeout's timer, or -1 when it has none. */
    long timer = -1;
    /** Its span while tracing is on ({@link CallSpans}). */
    TraceSpan span = TraceSpan.NONE;
    /**
     * Whether its caller still waits: cancelled by a cancel message with its token ({@link CancelRegistry}), by its
     * timeout, or when its deadline passes. Bound to the thread that runs the service ({@link Cancellation#enter()}).
     */
    final Cancellation cancellation;
    /** Whether it counts against the endpoint's in-flight bound ({@link InFlightLimit}) until {@link #release()}. */
    boolean admitted;

    @SuppressWarnings("unused") // through ANSWERED
    private volatile int answered;

    Call(Endpoint endpoint, Object input, Cancellation cancellation) {
        this.endpoint = endpoint;
        this.input = input;
        this.json = input instanceof JsonObject;
        this.cancellation = cancellation;
    }

    /** The service is done with the call (or it never started): its instance and its in-flight slot are free. */
    final void release() {
        provider.release();
        if (admitted) {
            admitted = false;
            endpoint.inFlightReleased();
        }
    }

    /** @return {@code true} for the one party that may answer this call; {@code false} once it is answered */
    final boolean claim() {
        return ANSWERED.compareAndSet(this, 0, 1);
    }

    /** @return whether the call has its answer (a batch then skips it) */
    final boolean isAnswered() {
        return answered != 0;
    }

    /** @return the address to send the pieces of a streaming service's answer to, or {@code null} */
    String streamAddress() {
        return null;
    }

    /** @return a header the call came with (a message's), or {@code null} */
    String header(String name) {
        return null;
    }

    /**
     * @return how many calls this one was sent together with ({@link dev.stoa.api.BatchingService#GROUP_HEADER}),
     *     itself included; 1 for a call on its own
     */
    int group() {
        return 1;
    }

    /** No instance will come in time (the service is gone, or the wait bound passed): the call fails. */
    @Override
    public final void refuse(StoaException failure) {
        if (claim()) {
            endpoint.refused(this, failure);
        }
    }

    /** Hands the caller its result; called once, by the party that {@linkplain #claim claimed} the answer. */
    abstract void succeed(Object output);

    /** Hands the caller its failure; called once, by the party that {@linkplain #claim claimed} the answer. */
    abstract void fail(StoaException failure);
}
