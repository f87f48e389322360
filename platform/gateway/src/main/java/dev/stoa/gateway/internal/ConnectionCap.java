package dev.stoa.gateway.internal;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps the connections an HTTP server holds. Vert.x has no such option; its server calls a connection handler for
 * every connection as it is established (after the TLS handshake, before any request is read): this one counts them,
 * closes at once a connection that would go over the cap, and counts down when one closes. A refused client sees
 * its connection closed without an answer, the cheapest refusal there is; the connections already open keep being
 * served.
 */
final class ConnectionCap implements Handler<HttpConnection> {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionCap.class);

    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();

    ConnectionCap(int max) {
        this.max = max;
    }

    @Override
    public void handle(HttpConnection connection) {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            if (refused.getAndIncrement() % 1000 == 0) {
                // once per thousand refusals: a flood must not flood the log too
                LOG.warn(
                        "HTTP connection from {} refused: {} connections are open, the most maxConnections in {}"
                                + " allows ({} refused so far)",
                        connection.remoteAddress(),
                        max,
                        GatewayTransport.CFG,
                        refused.get());
            }
            connection.close();
            return;
        }
        connection.closeHandler(v -> open.decrementAndGet());
    }

    /** @return the connections open now */
    int open() {
        return open.get();
    }

    /** @return the connections refused since the server started */
    long refused() {
        return refused.get();
    }
}
