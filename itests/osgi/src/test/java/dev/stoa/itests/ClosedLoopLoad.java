package dev.stoa.itests;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Closed-loop clients on the event bus: each sends its next call as soon as the previous one is answered, and
 * counts what was sent, answered and failed. Each answer's text up to its first ':' is tallied as the "version"
 * that served it.
 */
final class ClosedLoopLoad {

    final AtomicLong sent = new AtomicLong();
    final AtomicLong ok = new AtomicLong();
    final AtomicLong maxLatencyMs = new AtomicLong();
    final Map<String, Long> versions = new ConcurrentHashMap<>();
    final ConcurrentLinkedQueue<String> failed = new ConcurrentLinkedQueue<>();
    /** Latencies in microseconds since the last {@link #takeLatencies()}. */
    private final ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();

    private final Vertx vertx;
    private final String address;
    private final Function<String, Object> body;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger outstanding = new AtomicInteger();

    /**
     * @param body makes the request from a unique text (a record, or JSON)
     */
    ClosedLoopLoad(Vertx vertx, String address, Function<String, Object> body) {
        this.vertx = vertx;
        this.address = address;
        this.body = body;
    }

    void start(int clients) {
        for (int c = 0; c < clients; c++) {
            int client = c;
            vertx.runOnContext(v -> next(client));
        }
    }

    private void next(int client) {
        if (!running.get()) {
            return;
        }
        long n = sent.incrementAndGet();
        outstanding.incrementAndGet();
        long start = System.nanoTime();
        vertx.eventBus()
                .request(address, body.apply(client + "-" + n), new DeliveryOptions().setSendTimeout(30_000))
                .onComplete(ar -> {
                    long nanos = System.nanoTime() - start;
                    maxLatencyMs.accumulateAndGet(nanos / 1_000_000, Math::max);
                    latencies.add(nanos / 1_000);
                    if (ar.succeeded()) {
                        String answer = text(ar.result().body());
                        versions.merge(answer.substring(0, Math.max(0, answer.indexOf(':'))), 1L, Long::sum);
                        ok.incrementAndGet();
                    } else {
                        failed.add(ar.cause().toString());
                    }
                    outstanding.decrementAndGet();
                    next(client);
                });
    }

    private static String text(Object body) {
        if (body instanceof dev.stoa.api.data.Text t) {
            return t.value();
        }
        return ((JsonObject) body).getString("text", "");
    }

    /** @return the latencies (microseconds) recorded since the last call, sorted; the record starts afresh */
    java.util.List<Long> takeLatencies() {
        java.util.List<Long> out = new java.util.ArrayList<>();
        Long l;
        while ((l = latencies.poll()) != null) {
            out.add(l);
        }
        out.sort(Long::compare);
        return out;
    }

    /**
     * @param sorted latencies, sorted
     * @param q the quantile, 0 to 1
     * @return the nearest-rank quantile
     */
    static long quantile(java.util.List<Long> sorted, double q) {
        return sorted.isEmpty() ? 0 : sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1));
    }

    void stopAndWait() throws InterruptedException {
        running.set(false);
        StoaTestSupport.await("outstanding calls answered", () -> outstanding.get() == 0);
    }
}
