package dev.stoa.tracing.internal;

import dev.stoa.api.tracing.TraceSpan;
import dev.stoa.api.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;

/** A {@link TraceSpan} that is an OpenTelemetry span, with the context that holds it (for children and scopes). */
final class OtelSpan implements TraceSpan {

    private final Span span;
    private final Context context;

    OtelSpan(Span span, Context context) {
        this.span = span;
        this.context = context;
    }

    Context context() {
        return context;
    }

    @Override
    public TraceSpan attribute(String key, String value) {
        span.setAttribute(key, value);
        return this;
    }

    @Override
    public TraceSpan attribute(String key, long value) {
        span.setAttribute(key, value);
        return this;
    }

    @Override
    public void fail(String code, String message) {
        span.setAttribute(Tracing.OUTCOME, code);
        span.setStatus(StatusCode.ERROR, message == null ? code : message);
    }

    @Override
    public void end() {
        span.end();
    }

    /** The W3C form, {@code 00-<trace id>-<span id>-<flags>}, as OpenTelemetry's propagator writes it. */
    @Override
    public String traceparent() {
        SpanContext c = span.getSpanContext();
        if (!c.isValid()) {
            return null;
        }
        return "00-" + c.getTraceId() + "-" + c.getSpanId() + "-"
                + c.getTraceFlags().asHex();
    }

    @Override
    public String tracestate() {
        TraceState state = span.getSpanContext().getTraceState();
        if (state.isEmpty()) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        state.forEach((k, v) -> {
            if (out.length() > 0) {
                out.append(',');
            }
            out.append(k).append('=').append(v);
        });
        return out.toString();
    }

    @Override
    public Scope makeCurrent() {
        io.opentelemetry.context.Scope scope = context.makeCurrent();
        return scope::close;
    }
}
