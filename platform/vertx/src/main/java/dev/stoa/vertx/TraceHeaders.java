package dev.stoa.vertx;

import dev.stoa.api.tracing.TraceSpan;
import dev.stoa.api.tracing.Tracing;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;

/**
 * Carries the W3C trace context on the event bus: every front (HTTP, OpenAI, v2, gRPC, the bridge) copies an incoming
 * {@code traceparent} and {@code tracestate} into the message's headers of the same names, and every caller that has
 * a span sends its context there, so the receiving endpoint's span is a child, on this node or another.
 */
public final class TraceHeaders {

    private TraceHeaders() {}

    /**
     * Copies the trace context of an incoming request (HTTP headers, a bridge frame's headers) to a message.
     *
     * @param from the request's headers; names are matched as the map matches them (case-insensitively for HTTP)
     * @param to the message's options
     * @return {@code to}
     */
    public static DeliveryOptions copy(MultiMap from, DeliveryOptions to) {
        String parent = from.get(Tracing.TRACEPARENT);
        if (parent != null) {
            to.addHeader(Tracing.TRACEPARENT, parent);
            String state = from.get(Tracing.TRACESTATE);
            if (state != null) {
                to.addHeader(Tracing.TRACESTATE, state);
            }
        }
        return to;
    }

    /**
     * Sends a span's context with a message, so that the receiver's span is its child.
     *
     * @param span the caller's span; {@link TraceSpan#NONE} adds nothing
     * @param to the message's options
     * @return {@code to}
     */
    public static DeliveryOptions of(TraceSpan span, DeliveryOptions to) {
        String parent = span.traceparent();
        if (parent != null) {
            to.addHeader(Tracing.TRACEPARENT, parent);
            String state = span.tracestate();
            if (state != null && !state.isEmpty()) {
                to.addHeader(Tracing.TRACESTATE, state);
            }
        }
        return to;
    }
}
