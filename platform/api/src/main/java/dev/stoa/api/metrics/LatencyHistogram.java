package dev.stoa.api.metrics;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A thread-safe latency histogram with fixed buckets (0.5 ms to 30 s), cheap enough to record every call: each
 * observation increments one counter, its own bucket; the cumulative counts Prometheus wants are summed when written.
 */
public final class LatencyHistogram {

    /** Upper bounds in seconds, as Prometheus {@code le} labels. */
    static final double[] BOUNDS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
        30};

    private final AtomicLongArray counts = new AtomicLongArray(BOUNDS.length + 1);
    private final AtomicLong sumNanos = new AtomicLong();

    /** @param nanos how long one call took */
    public void record(long nanos) {
        double seconds = nanos / 1e9;
        int i = 0;
        while (i < BOUNDS.length && seconds > BOUNDS[i]) {
            i++;
        }
        counts.incrementAndGet(i);
        sumNanos.addAndGet(nanos);
    }

    /** @return the number of observations */
    public long count() {
        long n = 0;
        for (int i = 0; i < counts.length(); i++) {
            n += counts.get(i);
        }
        return n;
    }

    /**
     * Writes {@code name_bucket}, {@code name_sum} and {@code name_count} lines.
     *
     * @param out the writer
     * @param name the metric name, ending in {@code _seconds}
     * @param labels label pairs for every line, e.g. {@code "id", "shout"}
     */
    public void writeTo(PrometheusText out, String name, String... labels) {
        long cumulative = 0;
        for (int i = 0; i < BOUNDS.length; i++) {
            cumulative += counts.get(i);
            out.sample(name + "_bucket", cumulative, PrometheusText.with(labels, "le", Double.toString(BOUNDS[i])));
        }
        cumulative += counts.get(BOUNDS.length);
        out.sample(name + "_bucket", cumulative, PrometheusText.with(labels, "le", "+Inf"));
        out.sample(name + "_sum", sumNanos.get() / 1e9, labels);
        out.sample(name + "_count", cumulative, labels);
    }
}
