package dev.stoa.gateway.internal;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The first handler of the gateway's router: a request whose body has not fully arrived {@code timeoutMs} after its
 * headers is answered 408 and its connection closed, so a client that stalls mid-body (or trickles it) cannot hold a
 * connection, a buffer and a handler forever. Only the body's arrival is timed: once the body is in, the call's own
 * time is bounded by {@code callTimeoutMs}. Vert.x Web's {@code TimeoutHandler} would time the whole exchange,
 * service included, and answer without closing the connection, on which the stalled body would still be expected.
 *
 * <p>The answer, {@code {"error": "REQUEST_TIMEOUT", "code": 408, ...}}, is the transport's own, like the router's
 * 404 {@code NOT_FOUND}: it never crosses the bus, so it has no {@code FailureCode}.
 */
final class RequestTimeout implements Handler<RoutingContext> {

    private final Vertx vertx;
    private final long timeoutMs;

    RequestTimeout(Vertx vertx, long timeoutMs) {
        if (timeoutMs < 0) {
            throw new IllegalArgumentException("requestTimeoutMs=" + timeoutMs + " in " + GatewayTransport.CFG
                    + " is negative; give milliseconds, or 0 to turn the request timeout off");
        }
        this.vertx = vertx;
        this.timeoutMs = timeoutMs;
    }

    @Override
    public void handle(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        if (timeoutMs > 0 && !request.isEnded()) {
            long timer = vertx.setTimer(timeoutMs, t -> expire(request));
            rc.addEndHandler(v -> vertx.cancelTimer(timer));
        }
        rc.next();
    }

    private void expire(HttpServerRequest request) {
        if (request.isEnded()) {
            return; // the body is in; the call itself is bounded by callTimeoutMs
        }
        HttpServerResponse response = request.response();
        if (response.ended() || response.closed()) {
            return;
        }
        String message = "the request's body did not arrive within " + timeoutMs + " ms of its headers; send the"
                + " whole body without pausing, or raise requestTimeoutMs in " + GatewayTransport.CFG;
        if (response.headWritten()) {
            request.connection().close();
            return;
        }
        boolean http1 = request.version() != HttpVersion.HTTP_2;
        response.setStatusCode(408).putHeader("content-type", "application/json");
        if (http1) {
            // the rest of the body would be read as the next request: this connection is done
            response.putHeader("connection", "close");
        }
        response.end(new JsonObject()
                        .put("error", "REQUEST_TIMEOUT")
                        .put("code", 408)
                        .put("message", message)
                        .encodePrettily())
                .onComplete(done -> {
                    if (http1) {
                        request.connection().close();
                    } else {
                        response.reset();
                    }
                });
    }
}
