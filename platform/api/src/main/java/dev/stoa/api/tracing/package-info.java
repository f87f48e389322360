/**
 * Distributed tracing as the platform uses it, without a tracing library's types: the W3C trace context
 * ({@code traceparent}, {@code tracestate}) travels on the event bus as message headers of those names
 * ({@link dev.stoa.api.tracing.Tracing#TRACEPARENT}, {@link dev.stoa.api.tracing.Tracing#TRACESTATE}); the bus opens a
 * {@link dev.stoa.api.tracing.TraceSpan} for every service call and the pipeline engine one for every stage, through
 * the {@link dev.stoa.api.tracing.Tracing} service, which the tracing bundle registers only while tracing is on. With no
 * such service nothing is created.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package dev.stoa.api.tracing;
