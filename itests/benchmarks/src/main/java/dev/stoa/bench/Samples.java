package dev.stoa.bench;

import io.vertx.core.json.JsonObject;
import java.util.Arrays;

/** Latencies of one measured path, in nanoseconds; thread-safe to add to. */
final class Samples {

    private long[] data = new long[1024];
    private int size;

    synchronized void add(long nanos) {
        if (size == data.length) {
            data = Arrays.copyOf(data, size * 2);
        }
        data[size++] = nanos;
    }

    synchronized int count() {
        return size;
    }

    /**
     * @param p the percentile, in [0, 100]
     * @return that percentile in microseconds (nearest rank), or NaN with no samples
     */
    synchronized double percentileMicros(double p) {
        if (size == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(data, size);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100 * size) - 1;
        return sorted[Math.max(0, Math.min(size - 1, rank))] / 1e3;
    }

    synchronized double meanMicros() {
        if (size == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < size; i++) {
            sum += data[i];
        }
        return sum / size / 1e3;
    }

    /** @return {@code {n, mean_us, p50_us, p90_us, p99_us}} */
    JsonObject toJson() {
        return new JsonObject()
                .put("n", count())
                .put("mean_us", Report.round(meanMicros()))
                .put("p50_us", Report.round(percentileMicros(50)))
                .put("p90_us", Report.round(percentileMicros(90)))
                .put("p99_us", Report.round(percentileMicros(99)));
    }
}
