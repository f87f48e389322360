package dev.stoa.api.tracing;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Starts spans of a distributed trace. Registered as an OSGi service only while tracing is on
 * ({@code etc/dev.stoa.tracing.cfg}); callers hold it as an optional reference and create nothing without it, so
 * tracing off costs one null check a call.
 */
@ProviderType
public interface Tracing {

    /** The event-bus header (and HTTP header) that carries the W3C trace context's {@code traceparent}. */
    String TRACEPARENT = "traceparent";

    /** The event-bus header (and HTTP header) that carries the W3C trace context's {@code tracestate}. */
    String TRACESTATE = "tracestate";

    /** Span attribute: the service id a span calls or serves. */
    String SERVICE_ID = "stoa.service.id";

    /** Span attribute: the service's kind ({@code encoder}, {@code pipeline}, ...). */
    String SERVICE_KIND = "stoa.service.kind";

    /** Span attribute: how many calls ran together in the batch this call was part of. */
    String BATCH_SIZE = "stoa.batch.size";

    /** Span attribute: {@code ok}, {@code skipped}, or the failure code ({@code TIMEOUT}, {@code BAD_INPUT}, ...). */
    String OUTCOME = "stoa.outcome";

    /** Span attribute: the pipeline a stage span belongs to. */
    String PIPELINE = "stoa.pipeline";

    /** Span attribute: the stage's id in its pipeline file. */
    String STAGE = "stoa.stage";

    /**
     * Starts a span as the child of a remote parent, such as a message's headers name.
     *
     * @param name the span's name, e.g. {@code encoder all-minilm-l6-v2}
     * @param traceparent the parent's W3C {@code traceparent}, or {@code null}: then the span current on this thread
     *     is the parent, or, with none, the span starts a new trace
     * @param tracestate the parent's {@code tracestate}, or {@code null}
     * @return the started span; end it with {@link TraceSpan#end()}
     */
    TraceSpan start(String name, String traceparent, String tracestate);

    /**
     * Starts a span as the child of a span of this JVM.
     *
     * @param name the span's name
     * @param parent the parent span; {@link TraceSpan#NONE} starts a new trace
     * @return the started span
     */
    TraceSpan startChild(String name, TraceSpan parent);

    /** @return the span {@linkplain TraceSpan#makeCurrent() current} on this thread, or {@link TraceSpan#NONE} */
    TraceSpan current();
}
