package dev.stoa.gateway.internal;

import dev.stoa.api.Cancellation;
import dev.stoa.vertx.CallOptions;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.eventbus.bridge.tcp.BridgeEvent;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cancels a TCP bridge client's calls when its socket closes. Every request a socket sends (a {@code send} frame with
 * a {@code replyAddress}) carries that socket's cancel token in the {@link Cancellation#TOKEN_HEADER} header (a token
 * the client may have set is replaced, so no client can name another's); when the socket closes, the token is
 * published to {@code stoa.cancel} and every call of that socket still queued or running is cancelled, on any node.
 *
 * <p>The bridge's event handler: {@link #apply} does the work, {@link #handle} also completes the event (allowing
 * it), for a bridge with no other event handler.
 */
final class BridgeCancellation implements Handler<BridgeEvent> {

    private final Vertx vertx;
    /** The token of each open socket that has sent a request; a socket's events come on its own event loop. */
    private final Map<NetSocket, String> tokens = new ConcurrentHashMap<>();

    BridgeCancellation(Vertx vertx) {
        this.vertx = vertx;
    }

    @Override
    public void handle(BridgeEvent event) {
        apply(event);
        event.complete(true);
    }

    /** Puts the socket's token on a request; the first request of a socket starts watching for its close. */
    void apply(BridgeEvent event) {
        if (event.type() != BridgeEventType.SEND || event.socket() == null) {
            return;
        }
        JsonObject frame = event.getRawMessage();
        if (frame == null || frame.getString("replyAddress") == null) {
            return; // a one-way send: nobody waits for an answer to cancel
        }
        NetSocket socket = event.socket();
        String token = tokens.computeIfAbsent(socket, s -> {
            String t = CallOptions.newToken();
            // the bridge itself uses the socket's end and exception handlers, not its close handler
            s.closeHandler(closed -> {
                tokens.remove(s);
                CallOptions.cancel(vertx, t);
            });
            return t;
        });
        JsonObject headers = frame.getJsonObject("headers");
        if (headers == null) {
            headers = new JsonObject();
            frame.put("headers", headers);
        }
        headers.put(Cancellation.TOKEN_HEADER, token);
    }

    /** @return sockets watched now, for tests */
    int watched() {
        return tokens.size();
    }
}
