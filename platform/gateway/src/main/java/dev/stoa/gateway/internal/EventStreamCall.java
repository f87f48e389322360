package dev.stoa.gateway.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StreamingService;
import dev.stoa.vertx.CallOptions;
import dev.stoa.vertx.TraceHeaders;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * A service call answered as server-sent events ({@code POST /v1/services/{id}?stream=true}, or
 * {@code Accept: text/event-stream}): each piece a {@link StreamingService} produces (a text generator's text, any
 * other streaming service's records) is one event as soon as the bus delivers it, then the whole result:
 *
 * <pre>
 * event: token
 * data: {"index": 0, "text": "a"}
 *
 * event: done
 * data: {"text": "a red circle", "tokens": 12, "finish_reason": "stop", ...}
 * </pre>
 *
 * A failure after the first event is an {@code event: error} with the JSON error body; before it, the call answers
 * with the ordinary HTTP error, status included. Services that do not stream send only the {@code done} event.
 *
 * <p>The pieces come over a one-time event-bus address named in the call's {@link StreamingService#STREAM_HEADER}
 * header, registered before the call is sent (a clustered consumer, so a generator on another node can reach it) and
 * removed when the call ends.
 */
final class EventStreamCall {

    private final Vertx vertx;
    private final RoutingContext rc;
    private final String id;
    private boolean started;

    private EventStreamCall(Vertx vertx, RoutingContext rc, String id) {
        this.vertx = vertx;
        this.rc = rc;
        this.id = id;
    }

    /** @return whether the caller asked for server-sent events */
    static boolean requested(RoutingContext rc) {
        String stream = rc.request().getParam("stream");
        String accept = rc.request().getHeader("Accept");
        return "true".equalsIgnoreCase(stream)
                || stream != null && stream.isEmpty()
                || accept != null && accept.contains("text/event-stream");
    }

    /**
     * Sends the call and streams its answer.
     *
     * @param vertx the event bus
     * @param rc the HTTP call
     * @param id the service's id, for messages
     * @param address the service's bus address
     * @param body the JSON request
     * @param timeoutMs how long the whole call may take
     */
    static void start(Vertx vertx, RoutingContext rc, String id, String address, JsonObject body, long timeoutMs) {
        new EventStreamCall(vertx, rc, id).send(address, body, timeoutMs);
    }

    private void send(String address, JsonObject body, long timeoutMs) {
        String streamAddress = "stoa.stream." + UUID.randomUUID();
        MessageConsumer<JsonObject> pieces = vertx.eventBus().consumer(streamAddress, m -> event("token", m.body()));
        pieces.completion().onComplete(registered -> {
            if (registered.failed()) {
                HttpGateway.error(
                        rc,
                        FailureCode.INTERNAL,
                        "cannot open a stream for service '" + id + "': " + registered.cause());
                return;
            }
            // a client that disconnects cancels the call: the generator stops within one token
            DeliveryOptions options = TraceHeaders.copy(
                            rc.request().headers(), CallOptions.of(ClientCancellation.watch(vertx, rc), timeoutMs))
                    .addHeader(StreamingService.STREAM_HEADER, streamAddress);
            vertx.eventBus().<Object>request(address, body, options).onComplete(ar -> {
                pieces.unregister();
                if (rc.response().closed()) {
                    return;
                }
                if (ar.succeeded()) {
                    Object reply = ar.result().body();
                    event(
                            "done",
                            reply instanceof JsonObject o ? o : new JsonObject().put("result", String.valueOf(reply)));
                    rc.response().end();
                } else if (!started) {
                    ServiceCallHandler.fail(rc, id, ar.cause());
                } else {
                    // the status line is sent: the failure travels as an event with the usual error body
                    JsonObject error = ServiceCallHandler.errorBody(id, ar.cause());
                    event("error", error);
                    rc.response().end();
                }
            });
        });
    }

    private void event(String name, JsonObject data) {
        HttpServerResponse response = rc.response();
        if (response.closed() || response.ended()) {
            return;
        }
        if (!started) {
            started = true;
            response.setStatusCode(200)
                    .setChunked(true)
                    .putHeader("Content-Type", "text/event-stream")
                    .putHeader("Cache-Control", "no-cache");
        }
        response.write("event: " + name + "\ndata: " + data.encode() + "\n\n");
    }
}
