package dev.stoa.tracing.internal;

import dev.stoa.api.tracing.TraceSpan;
import dev.stoa.api.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.util.List;

/**
 * Stoa's {@link Tracing} on the OpenTelemetry SDK: a span of a service call or a pipeline stage is an OpenTelemetry
 * span, its parent read from the W3C {@code traceparent}/{@code tracestate} with OpenTelemetry's own propagator.
 * Spans started from a message's headers are {@link SpanKind#SERVER} spans (a call that arrived), the others
 * {@link SpanKind#INTERNAL}.
 */
public final class OtelTracing implements Tracing {

    /** The instrumentation scope's name on every span. */
    static final String SCOPE = "dev.stoa";

    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();

    private static final TextMapGetter<String[]> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String[] carrier) {
            return List.of(TRACEPARENT, TRACESTATE);
        }

        @Override
        public String get(String[] carrier, String key) {
            if (carrier == null) {
                return null;
            }
            return TRACEPARENT.equals(key) ? carrier[0] : TRACESTATE.equals(key) ? carrier[1] : null;
        }
    };

    private final Tracer tracer;

    /** @param provider the SDK's tracer provider, with its sampler and exporter; closed by its owner */
    public OtelTracing(SdkTracerProvider provider) {
        this.tracer = provider.get(SCOPE);
    }

    @Override
    public TraceSpan start(String name, String traceparent, String tracestate) {
        Context parent = traceparent == null
                ? Context.current()
                : W3C.extract(Context.root(), new String[] {traceparent, tracestate}, HEADERS);
        Span span = tracer.spanBuilder(name)
                .setParent(parent)
                .setSpanKind(SpanKind.SERVER)
                .startSpan();
        return new OtelSpan(span, parent.with(span));
    }

    @Override
    public TraceSpan startChild(String name, TraceSpan parent) {
        Context context = parent instanceof OtelSpan p ? p.context() : Context.root();
        Span span = tracer.spanBuilder(name)
                .setParent(context)
                .setSpanKind(SpanKind.INTERNAL)
                .startSpan();
        return new OtelSpan(span, context.with(span));
    }

    @Override
    public TraceSpan current() {
        Context context = Context.current();
        Span span = Span.fromContextOrNull(context);
        return span == null || !span.getSpanContext().isValid() ? TraceSpan.NONE : new OtelSpan(span, context);
    }
}
