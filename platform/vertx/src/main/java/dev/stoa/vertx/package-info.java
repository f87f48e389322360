/**
 * Vert.x glue shared by every Stoa bundle: {@link dev.stoa.vertx.Payloads} converts the data records of
 * {@code dev.stoa.api.data} to and from JSON for external callers, and {@link dev.stoa.vertx.LocalCodecs} lets the
 * records travel the event bus by reference inside one JVM (and as that JSON between cluster nodes);
 * {@link dev.stoa.vertx.BusFailures} is the platform's one failure table (event-bus failures and thrown exceptions to
 * a {@link dev.stoa.api.FailureCode}); {@link dev.stoa.vertx.RequestFields} reads the fields of multi-field JSON requests with the same messages, for
 * services that take and answer JSON ({@link dev.stoa.vertx.JsonService}, {@link dev.stoa.vertx.AsyncJsonService});
 * {@link dev.stoa.vertx.CallOptions} puts a caller's cancel token and deadline on a call.
 *
 * {@link dev.stoa.vertx.TraceHeaders} carries the W3C trace context on the bus.
 *
 * <p>The bundle that holds this package also wraps Vert.x itself (core, web and their common modules) and
 * registers the platform's one {@link io.vertx.core.Vertx} as an OSGi service.
 */
@org.osgi.annotation.versioning.Version("0.5.0")
package dev.stoa.vertx;
