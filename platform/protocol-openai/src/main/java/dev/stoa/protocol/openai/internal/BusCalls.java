package dev.stoa.protocol.openai.internal;

import dev.stoa.api.BatchingService;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Sends this API's calls over the event bus, as the gateway's own calls go: to the service's address, with the call
 * timeout, and with the W3C trace context of the HTTP request ({@code traceparent}, {@code tracestate}) copied into
 * the bus headers of the same names, so a trace crosses the bus.
 */
final class BusCalls {

    /** Trace headers copied from the HTTP request to the bus, by these exact names. */
    static final List<String> TRACE_HEADERS = List.of("traceparent", "tracestate");

    /** Calls of one request in flight at once: a list of 2048 inputs must not fill a batching queue at once. */
    static final int WINDOW = 64;

    private final Vertx vertx;
    private final long timeoutMs;

    BusCalls(Vertx vertx, long timeoutMs) {
        this.vertx = vertx;
        this.timeoutMs = timeoutMs;
    }

    /**
     * @param request the HTTP request, whose trace headers the call carries
     * @return delivery options for one call
     */
    DeliveryOptions options(HttpServerRequest request) {
        DeliveryOptions options = new DeliveryOptions().setSendTimeout(timeoutMs);
        for (String name : TRACE_HEADERS) {
            String value = request.getHeader(name);
            if (value != null && !value.isEmpty()) {
                options.addHeader(name, value);
            }
        }
        return options;
    }

    /** One call; the future holds the reply's body. */
    Future<Object> call(String address, Object input, DeliveryOptions options) {
        return vertx.eventBus().request(address, input, options).map(m -> m.body());
    }

    /**
     * Several calls to one address, at most {@link #WINDOW} in flight, answered in input order; fails with the first
     * failure (the calls already sent still run; their answers are dropped).
     */
    Future<List<Object>> all(String address, List<?> inputs, DeliveryOptions options) {
        return window(inputs.size(), i -> call(address, inputs.get(i), options));
    }

    /**
     * The inputs of one request to a service that can batch (a text encoder), as one batched call: sent together in
     * groups of at most {@link #WINDOW}, each call carrying its group's size in
     * {@link BatchingService#GROUP_HEADER}, so the service's batching queue (where its operator turned batching on,
     * as the shipped configuration does for {@code all-minilm-l6-v2}) hands each group to one {@code callBatch}
     * (up to its batch size) instead of running the first input alone. Answers come in input order.
     *
     * @param options makes the delivery options of each call (timeout, trace headers)
     */
    Future<List<Object>> batched(String address, List<?> inputs, Supplier<DeliveryOptions> options) {
        List<Object> results = new ArrayList<>(inputs.size());
        Future<Void> chain = Future.succeededFuture();
        for (int from = 0; from < inputs.size(); from += WINDOW) {
            int start = from;
            int end = Math.min(inputs.size(), from + WINDOW);
            chain = chain.compose(v -> {
                List<Future<Object>> group = new ArrayList<>(end - start);
                for (int i = start; i < end; i++) {
                    DeliveryOptions o =
                            options.get().addHeader(BatchingService.GROUP_HEADER, Integer.toString(end - start));
                    group.add(call(address, inputs.get(i), o));
                }
                return Future.all(group).map(all -> {
                    for (Future<Object> f : group) {
                        results.add(f.result());
                    }
                    return null;
                });
            });
        }
        return chain.map(v -> results);
    }

    /** Runs {@code count} asynchronous steps, at most {@link #WINDOW} at once; their results in index order. */
    static Future<List<Object>> window(int count, Function<Integer, Future<Object>> step) {
        Promise<List<Object>> done = Promise.promise();
        Object[] results = new Object[count];
        int[] next = {0};
        int[] finished = {0};
        boolean[] failed = {false};
        if (count == 0) {
            return Future.succeededFuture(List.of());
        }
        // every callback runs on the request's event loop, so the counters need no lock
        Runnable[] launch = new Runnable[1];
        launch[0] = () -> {
            int i = next[0]++;
            step.apply(i).onComplete(ar -> {
                if (failed[0]) {
                    return;
                }
                if (ar.failed()) {
                    failed[0] = true;
                    done.fail(ar.cause());
                    return;
                }
                results[i] = ar.result();
                if (++finished[0] == count) {
                    done.complete(new ArrayList<>(Arrays.asList(results)));
                } else if (next[0] < count) {
                    launch[0].run();
                }
            });
        };
        for (int k = 0; k < Math.min(WINDOW, count); k++) {
            launch[0].run();
        }
        return done.future();
    }
}
