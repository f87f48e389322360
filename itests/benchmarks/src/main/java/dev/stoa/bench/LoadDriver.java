package dev.stoa.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Closed-loop load: {@code C} callers, each sending its next request as soon as the previous one is answered, for a
 * warm-up and then a measured window. Throughput counts the answers inside the window; latencies are those of the
 * requests answered inside it.
 */
final class LoadDriver {

    /**
     * One measured load level.
     *
     * @param concurrency callers
     * @param throughput answers per second
     * @param p50Ms median latency
     * @param p99Ms 99th percentile latency
     * @param errors failed requests in the window
     * @param answered answers in the window
     */
    record Point(int concurrency, double throughput, double p50Ms, double p99Ms, long errors, long answered) {
        JsonObject toJson() {
            return new JsonObject()
                    .put("concurrency", concurrency)
                    .put("throughput_per_s", Report.round(throughput))
                    .put("p50_ms", Report.round(p50Ms))
                    .put("p99_ms", Report.round(p99Ms))
                    .put("errors", errors)
                    .put("answered", answered);
        }
    }

    /** A blocking call, for the thread-per-caller driver. */
    interface Call {
        void run(int i) throws Exception;
    }

    private LoadDriver() {}

    /**
     * Load over the event bus.
     *
     * @param body the i-th request's body
     */
    static Point bus(
            Vertx vertx, String address, IntFunction<Object> body, int concurrency, long warmMs, long measureMs)
            throws InterruptedException {
        Window w = new Window(warmMs, measureMs);
        CountDownLatch finished = new CountDownLatch(concurrency);
        AtomicLong counter = new AtomicLong();
        for (int c = 0; c < concurrency; c++) {
            vertx.runOnContext(v -> next(vertx, address, body, counter, w, finished));
        }
        if (!finished.await(warmMs + measureMs + 120_000, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("load on " + address + " did not finish");
        }
        return w.point(concurrency);
    }

    private static void next(
            Vertx vertx,
            String address,
            IntFunction<Object> body,
            AtomicLong counter,
            Window w,
            CountDownLatch finished) {
        long sent = System.nanoTime();
        vertx.eventBus()
                .request(address, body.apply((int) counter.getAndIncrement()))
                .onComplete(ar -> {
                    long now = System.nanoTime();
                    w.record(sent, now, ar.succeeded());
                    if (now < w.end) {
                        next(vertx, address, body, counter, w, finished);
                    } else {
                        finished.countDown();
                    }
                });
    }

    /** Load from {@code concurrency} threads, each calling {@code call} in a loop (an in-process library). */
    static Point threads(int concurrency, long warmMs, long measureMs, Call call) throws InterruptedException {
        Window w = new Window(warmMs, measureMs);
        AtomicLong counter = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < concurrency; c++) {
            Thread t = new Thread(
                    () -> {
                        long now = System.nanoTime();
                        while (now < w.end) {
                            long sent = now;
                            boolean ok = true;
                            try {
                                call.run((int) counter.getAndIncrement());
                            } catch (Exception e) {
                                ok = false;
                            }
                            now = System.nanoTime();
                            w.record(sent, now, ok);
                        }
                    },
                    "load-" + c);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        return w.point(concurrency);
    }

    /**
     * Calls every path once per turn, {@code n} turns, recording each latency: on a machine whose load changes from
     * second to second, every path meets the same load (blocks of calls per path, as before, let a busy second
     * fall on one path and move its median by hundreds of microseconds).
     *
     * @param offset the index of the first turn, so that successive runs go on through the inputs
     */
    static void interleaved(Map<String, Call> paths, Map<String, Samples> samples, int n, int offset) throws Exception {
        for (int i = 0; i < n; i++) {
            for (Map.Entry<String, Call> path : paths.entrySet()) {
                long start = System.nanoTime();
                path.getValue().run(offset + i);
                samples.get(path.getKey()).add(System.nanoTime() - start);
            }
        }
    }

    /** The measured window of one load level. */
    private static final class Window {
        final long from;
        final long end;
        final long measureMs;
        final Samples samples = new Samples();
        final AtomicLong errors = new AtomicLong();

        Window(long warmMs, long measureMs) {
            this.from = System.nanoTime() + warmMs * 1_000_000;
            this.end = from + measureMs * 1_000_000;
            this.measureMs = measureMs;
        }

        void record(long sent, long answered, boolean ok) {
            if (answered < from || answered >= end) {
                return;
            }
            if (ok) {
                samples.add(answered - sent);
            } else {
                errors.incrementAndGet();
            }
        }

        Point point(int concurrency) {
            return new Point(
                    concurrency,
                    samples.count() / (measureMs / 1000.0),
                    samples.percentileMicros(50) / 1e3,
                    samples.percentileMicros(99) / 1e3,
                    errors.get(),
                    samples.count());
        }
    }
}
