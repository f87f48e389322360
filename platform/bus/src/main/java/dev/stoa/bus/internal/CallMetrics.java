package dev.stoa.bus.internal;

import dev.stoa.api.metrics.LatencyHistogram;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The metrics interceptor of an {@link Endpoint}: calls answered, calls failed (refused ones included) and the
 * latency of every call that started on an instance, from the start to its answer. {@code /metrics} reads them.
 */
final class CallMetrics {

    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong overloaded = new AtomicLong();
    private final AtomicLong cancelled = new AtomicLong();
    private final AtomicLong notStarted = new AtomicLong();
    private final LatencyHistogram latency = new LatencyHistogram();

    /** @param startedNanos when the call started on an instance ({@link System#nanoTime()}) */
    void ran(long startedNanos) {
        latency.record(System.nanoTime() - startedNanos);
    }

    void answered() {
        calls.incrementAndGet();
    }

    void failed() {
        failures.incrementAndGet();
    }

    /** A call refused over the in-flight bound (also counted as failed). */
    void overloaded() {
        overloaded.incrementAndGet();
    }

    /** A call cancelled by its caller (also counted as failed). */
    void cancelled() {
        cancelled.incrementAndGet();
    }

    /** A call dropped without running because its caller had given up before it started. */
    void notStarted() {
        notStarted.incrementAndGet();
    }

    long overloadedCount() {
        return overloaded.get();
    }

    long cancelledCount() {
        return cancelled.get();
    }

    long notStartedCount() {
        return notStarted.get();
    }

    long calls() {
        return calls.get();
    }

    long failures() {
        return failures.get();
    }

    LatencyHistogram latency() {
        return latency;
    }
}
