package dev.stoa.gateway.internal;

import dev.stoa.vertx.CallOptions;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * Cancels a call when its HTTP client goes away: the call is sent with a fresh cancel token
 * ({@link CallOptions#of}), and if the connection (an HTTP/2 stream: the stream) closes before the response has
 * ended, the token is published to {@code stoa.cancel}, which reaches the call wherever it runs: it leaves its queue
 * unstarted, a generator stops within one token, a pipeline starts no further stage.
 */
final class ClientCancellation {

    private ClientCancellation() {}

    /**
     * Watches the request's connection.
     *
     * @param vertx the event bus the cancel goes on
     * @param rc the HTTP call
     * @return the call's cancel token, to send with the call
     */
    static String watch(Vertx vertx, RoutingContext rc) {
        String token = CallOptions.newToken();
        HttpServerResponse response = rc.response();
        response.closeHandler(closed -> {
            if (!response.ended()) {
                CallOptions.cancel(vertx, token);
            }
        });
        return token;
    }
}
