package dev.stoa.api.metrics;

/** Something that reports metrics; register it as an OSGi service and {@code GET /metrics} includes it. */
public interface MetricsSource {

    /**
     * Writes the current values.
     *
     * @param out where to write them
     */
    void writeTo(PrometheusText out);
}
