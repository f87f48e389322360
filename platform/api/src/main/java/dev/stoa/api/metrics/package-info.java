/**
 * Metrics in the Prometheus text format: a bundle that measures something registers a
 * {@link dev.stoa.api.metrics.MetricsSource}, and the gateway's {@code GET /metrics} concatenates them.
 */
@org.osgi.annotation.versioning.Version("0.2.0")
package dev.stoa.api.metrics;
