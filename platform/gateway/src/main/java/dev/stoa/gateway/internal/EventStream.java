package dev.stoa.gateway.internal;

import dev.stoa.api.FailureCode;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/events}: the {@link ConsoleEvents} as server-sent events, one client per response. The first event
 * is {@code hello}; a {@code : heartbeat} comment comes whenever nothing was written for {@code heartbeatMs}.
 *
 * <p>Each client has its own bounded queue: events are written on the connection's event loop as fast as the
 * connection takes them; when the connection's write queue is full they wait in the queue, and when the queue is
 * full too the client is too slow: its connection is closed (it reconnects with {@code since}), so it never holds
 * more than {@code maxQueued} events and the connection's own buffer, and never slows a publisher. When the client
 * goes, its subscription and timer go with it.
 */
final class EventStream {

    private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);

    private final ConsoleEvents events;
    private final int maxQueued;
    private final long heartbeatMs;
    private final AtomicLong dropped = new AtomicLong();

    /**
     * @param events the events
     * @param maxQueued the most events one client may have waiting
     * @param heartbeatMs how long the stream may stay silent before a heartbeat comment
     */
    EventStream(ConsoleEvents events, int maxQueued, long heartbeatMs) {
        this.events = events;
        this.maxQueued = maxQueued;
        this.heartbeatMs = heartbeatMs;
    }

    /** @return how many clients were dropped for reading too slowly */
    long dropped() {
        return dropped.get();
    }

    void handle(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        Set<String> kinds = new LinkedHashSet<>();
        String asked = request.getParam("kinds");
        if (asked == null || asked.isBlank()) {
            kinds.addAll(ConsoleEvents.KINDS);
        } else {
            for (String k : asked.split(",")) {
                String kind = k.trim();
                if (kind.isEmpty()) {
                    continue;
                }
                if (!ConsoleEvents.KINDS.contains(kind)) {
                    HttpGateway.error(
                            rc,
                            FailureCode.BAD_INPUT,
                            "'kinds': '" + kind + "' is not an event kind; use a comma-separated list of "
                                    + String.join(", ", ConsoleEvents.KINDS) + ", or leave it out for all");
                    return;
                }
                kinds.add(kind);
            }
        }
        String sinceText = request.getParam("since");
        String sinceFrom = "'since'";
        if (sinceText == null) {
            sinceText = request.getHeader("Last-Event-ID");
            sinceFrom = "the Last-Event-ID header";
        }
        long since = -1;
        if (sinceText != null && !sinceText.isBlank()) {
            try {
                since = Long.parseLong(sinceText.trim());
            } catch (NumberFormatException e) {
                since = -2;
            }
            if (since < 0) {
                HttpGateway.error(
                        rc,
                        FailureCode.BAD_INPUT,
                        sinceFrom + ": '" + sinceText + "' is not an event id; give the id of the last event"
                                + " received (a whole number, 0 for every event still held), or leave it out");
                return;
            }
        }
        HttpServerResponse response = rc.response();
        response.setStatusCode(200)
                .setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                // a reverse proxy must pass each event on as it comes
                .putHeader("X-Accel-Buffering", "no");
        Client client = new Client(rc.vertx().getOrCreateContext(), request, response);
        response.closeHandler(v -> client.close());
        response.exceptionHandler(e -> client.close());
        long lastId = events.subscribe(since, kinds, client);
        // the hello goes first: the queued events are drained by a task that runs after this handler returns
        client.write("event: hello\ndata: "
                + new JsonObject()
                        .put("time", Instant.now().toString())
                        .put("lastId", lastId)
                        .put("kinds", new JsonArray(kinds.stream().toList()))
                        .put("heartbeatMs", heartbeatMs)
                        .encode()
                + "\n\n");
        client.heartbeat = rc.vertx().setPeriodic(heartbeatMs, t -> client.beat());
        client.schedule();
    }

    /** One client's subscription, bounded queue and writes, on its connection's context. */
    private final class Client implements Consumer<ConsoleEvents.Event> {
        private final Context context;
        private final HttpServerRequest request;
        private final HttpServerResponse response;
        private final ArrayBlockingQueue<ConsoleEvents.Event> queue = new ArrayBlockingQueue<>(maxQueued);
        private final AtomicBoolean scheduled = new AtomicBoolean();
        private volatile boolean closed;
        private long heartbeat = -1;
        private long lastWrite = System.nanoTime();

        Client(Context context, HttpServerRequest request, HttpServerResponse response) {
            this.context = context;
            this.request = request;
            this.response = response;
        }

        @Override
        public void accept(ConsoleEvents.Event e) {
            if (closed) {
                return;
            }
            if (!queue.offer(e)) {
                dropped.incrementAndGet();
                LOG.info(
                        "GET /v1/events: a client at {} read too slowly ({} events waiting); its stream is closed",
                        request.remoteAddress(),
                        maxQueued);
                closed = true;
                events.unsubscribe(this);
                context.runOnContext(v -> disconnect());
                return;
            }
            schedule();
        }

        void schedule() {
            if (scheduled.compareAndSet(false, true)) {
                context.runOnContext(v -> drain());
            }
        }

        private void drain() {
            scheduled.set(false);
            if (closed) {
                return;
            }
            ConsoleEvents.Event e;
            while (!response.writeQueueFull() && (e = queue.poll()) != null) {
                write(e.wire());
            }
            if (!queue.isEmpty()) {
                response.drainHandler(v -> schedule());
            }
        }

        void write(String text) {
            if (!closed && !response.closed() && !response.ended()) {
                response.write(text);
                lastWrite = System.nanoTime();
            }
        }

        void beat() {
            if (closed) {
                close();
            } else if (System.nanoTime() - lastWrite >= heartbeatMs * 500_000L) {
                write(": heartbeat\n\n");
            }
        }

        void close() {
            closed = true;
            events.unsubscribe(this);
            queue.clear();
            if (heartbeat >= 0) {
                context.owner().cancelTimer(heartbeat);
                heartbeat = -1;
            }
        }

        private void disconnect() {
            close();
            if (response.closed()) {
                return;
            }
            if (request.version() == HttpVersion.HTTP_2) {
                response.reset();
            } else {
                request.connection().close();
            }
        }
    }
}
