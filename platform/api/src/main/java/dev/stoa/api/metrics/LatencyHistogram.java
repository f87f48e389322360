package dev.stoa.api.metrics;

/**
 * A thread-safe latency histogram with fixed buckets (0.5 ms to 30 s), cheap enough to record every call: each
 * observation increments one counter, its own bucket; the cumulative counts Prometheus wants are summed when written.
 */
public final class LatencyHistogram {

    /** Upper bounds in seconds, as Prometheus {@code le} labels. */
    static final double[] BOUNDS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

    private final Histogram seconds = new Histogram(BOUNDS);

    /** @param nanos how long one call took */
    public void record(long nanos) {
        seconds.record(nanos / 1e9);
    }

    /** @return the number of observations */
    public long count() {
        return seconds.count();
    }

    /**
     * Writes {@code name_bucket}, {@code name_sum} and {@code name_count} lines.
     *
     * @param out the writer
     * @param name the metric name, ending in {@code _seconds}
     * @param labels label pairs for every line, e.g. {@code "id", "shout"}
     */
    public void writeTo(PrometheusText out, String name, String... labels) {
        seconds.writeTo(out, name, labels);
    }
}
