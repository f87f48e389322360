package dev.stoa.bus.internal;

import dev.stoa.api.StoaException;
import dev.stoa.api.tracing.TraceSpan;
import dev.stoa.api.tracing.Tracing;
import java.util.function.Supplier;

/**
 * The tracing interceptor of an {@link Endpoint}: while a {@link Tracing} service is registered, each call gets a
 * span named {@code <kind> <id>} from its start on an instance to its answer, the child of the {@code traceparent}
 * its message carries (or, for a {@link dev.stoa.api.runtime.ServiceCaller} call, of the span current on the calling
 * thread), with the service's id and kind, the batch it ran in and its outcome. Without the service a call costs one
 * null check.
 */
final class CallSpans {

    private final Supplier<Tracing> tracing;
    private final String name;
    private final String kind;
    private final String id;

    /** @param tracing the tracing service while one is registered, else {@code null} */
    CallSpans(Supplier<Tracing> tracing, String kind, String id) {
        this.tracing = tracing;
        this.kind = kind;
        this.id = id;
        this.name = kind + " " + id;
    }

    /** Starts the call's span, if tracing is on. */
    void start(Call call) {
        Tracing t = tracing.get();
        if (t == null || call.span != TraceSpan.NONE) {
            return;
        }
        call.span = t.start(name, call.header(Tracing.TRACEPARENT), call.header(Tracing.TRACESTATE))
                .attribute(Tracing.SERVICE_ID, id)
                .attribute(Tracing.SERVICE_KIND, kind);
    }

    /** Ends the call's span with its outcome; called once, by the party that answers the call. */
    void end(Call call, StoaException failure) {
        TraceSpan span = call.span;
        if (span == TraceSpan.NONE) {
            return;
        }
        if (failure == null) {
            span.attribute(Tracing.OUTCOME, "ok");
        } else {
            span.fail(failure.code().name(), failure.getMessage());
        }
        span.end();
    }
}
