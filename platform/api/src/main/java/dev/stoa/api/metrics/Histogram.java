package dev.stoa.api.metrics;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * A thread-safe histogram with fixed upper bounds, cheap enough to record every call: each observation increments
 * one counter, its own bucket; the cumulative counts Prometheus wants are summed when written. For latencies in
 * seconds use {@link LatencyHistogram}; this one takes any unit (a batch size, a queue delay).
 */
public final class Histogram {

    private final double[] bounds;
    private final AtomicLongArray counts;
    private final DoubleAdder sum = new DoubleAdder();

    /**
     * @param bounds the buckets' upper bounds (Prometheus {@code le}), ascending; a last {@code +Inf} bucket is added
     * @throws IllegalArgumentException when the bounds are empty or not strictly ascending
     */
    public Histogram(double... bounds) {
        if (bounds.length == 0) {
            throw new IllegalArgumentException("a histogram needs at least one bucket bound");
        }
        for (int i = 1; i < bounds.length; i++) {
            if (!(bounds[i] > bounds[i - 1])) {
                throw new IllegalArgumentException(
                        "bucket bounds must ascend, but " + bounds[i] + " follows " + bounds[i - 1]);
            }
        }
        this.bounds = bounds.clone();
        this.counts = new AtomicLongArray(bounds.length + 1);
    }

    /** @param value one observation, in the unit of the bounds */
    public void record(double value) {
        int i = Arrays.binarySearch(bounds, value);
        // an exact bound belongs to its own bucket (le = less or equal); otherwise the first bound above it
        counts.incrementAndGet(i >= 0 ? i : -i - 1);
        sum.add(value);
    }

    /** @return the number of observations */
    public long count() {
        long n = 0;
        for (int i = 0; i < counts.length(); i++) {
            n += counts.get(i);
        }
        return n;
    }

    /** @return the sum of all observations */
    public double sum() {
        return sum.sum();
    }

    /**
     * Writes {@code name_bucket}, {@code name_sum} and {@code name_count} lines.
     *
     * @param out the writer
     * @param name the metric name, ending in its unit ({@code _seconds}) where it has one
     * @param labels label pairs for every line, e.g. {@code "id", "shout"}
     */
    public void writeTo(PrometheusText out, String name, String... labels) {
        long cumulative = 0;
        for (int i = 0; i < bounds.length; i++) {
            cumulative += counts.get(i);
            out.sample(name + "_bucket", cumulative, PrometheusText.with(labels, "le", Double.toString(bounds[i])));
        }
        cumulative += counts.get(bounds.length);
        out.sample(name + "_bucket", cumulative, PrometheusText.with(labels, "le", "+Inf"));
        out.sample(name + "_sum", sum(), labels);
        out.sample(name + "_count", cumulative, labels);
    }
}
