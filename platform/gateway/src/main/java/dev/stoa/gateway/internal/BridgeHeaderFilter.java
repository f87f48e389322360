package dev.stoa.gateway.internal;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.eventbus.bridge.tcp.BridgeEvent;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP bridge's event handler: removes every {@code stoa.*} header from a client's {@code send} and
 * {@code publish} frames before the bridge puts the message on the bus. Those headers steer the platform (e.g.
 * {@code stoa.stream} names the address a generator sends its pieces to, which need not be in {@code permitted}), so
 * they are the platform's to set, never a remote client's. Other headers ({@code traceparent}, {@code tracestate},
 * the client's own) pass. A {@code headers} value that is not a JSON object is dropped. Every other event is
 * allowed, as the bridge would without a handler.
 */
final class BridgeHeaderFilter implements Handler<BridgeEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(BridgeHeaderFilter.class);

    /** The prefix of the headers only the platform sets. */
    static final String RESERVED_PREFIX = "stoa.";

    @Override
    public void handle(BridgeEvent event) {
        apply(event);
        event.complete(true);
    }

    /** Strips a send or publish frame's reserved headers, without completing the event (for a chain of handlers). */
    static void apply(BridgeEvent event) {
        if (event.type() == BridgeEventType.SEND || event.type() == BridgeEventType.PUBLISH) {
            JsonObject raw = event.getRawMessage();
            if (raw != null && strip(raw)) {
                // the bridge reads the same object; set it too, as the API asks
                event.setRawMessage(raw);
            }
        }
    }

    /**
     * Removes the reserved headers from a frame, in place.
     *
     * @return whether the frame changed
     */
    static boolean strip(JsonObject frame) {
        Object headers = frame.getValue("headers");
        if (headers == null) {
            return false;
        }
        if (!(headers instanceof JsonObject given)) {
            frame.remove("headers");
            return true;
        }
        JsonObject kept = new JsonObject();
        boolean changed = false;
        for (Map.Entry<String, Object> header : given) {
            if (header.getKey().toLowerCase(Locale.ROOT).startsWith(RESERVED_PREFIX)) {
                changed = true;
                LOG.debug("TCP bridge: header {} of a client's frame removed", header.getKey());
            } else {
                kept.put(header.getKey(), header.getValue());
            }
        }
        if (changed) {
            frame.put("headers", kept);
        }
        return changed;
    }
}
