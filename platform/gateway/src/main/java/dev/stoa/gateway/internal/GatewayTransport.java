package dev.stoa.gateway.internal;

import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemKeyCertOptions;
import java.util.List;
import java.util.Optional;

/**
 * The connection side of the gateway, from {@link GatewayConfig}: TLS from PEM files, the idle timeout, HTTP/2 (off
 * unless configured: Vert.x accepts h2c upgrades by default, and with them the HTTP/2 floods of its Netty) and the
 * connection cap ({@link ConnectionCap}). The request timeout lives in the router ({@link RequestTimeout}).
 */
final class GatewayTransport {

    static final String CFG = "etc/dev.stoa.gateway.cfg";

    private final Optional<PemKeyCertOptions> tls;
    private final int idleTimeoutSeconds;
    private final boolean http2;
    private final int maxConnections;

    /**
     * @param home the installation folder that relative PEM paths are read from
     * @throws IllegalArgumentException on a bad setting, naming it and the fix
     */
    GatewayTransport(GatewayConfig config, String home) {
        this(
                PemTls.keyCert(config.tlsCertFile(), config.tlsKeyFile(), home, CFG),
                config.idleTimeoutSeconds(),
                config.http2(),
                config.maxConnections());
    }

    GatewayTransport(Optional<PemKeyCertOptions> tls, int idleTimeoutSeconds, boolean http2, int maxConnections) {
        if (idleTimeoutSeconds < 0) {
            throw new IllegalArgumentException("idleTimeoutSeconds=" + idleTimeoutSeconds + " in " + CFG
                    + " is negative; give seconds, or 0 to turn the idle timeout off");
        }
        if (maxConnections < 0) {
            throw new IllegalArgumentException("maxConnections=" + maxConnections + " in " + CFG
                    + " is negative; give a count, or 0 to turn the cap off");
        }
        this.tls = tls;
        this.idleTimeoutSeconds = idleTimeoutSeconds;
        this.http2 = http2;
        this.maxConnections = maxConnections;
    }

    /** @return whether the server speaks https */
    boolean tls() {
        return tls.isPresent();
    }

    /** @return {@code http} or {@code https} */
    String scheme() {
        return tls() ? "https" : "http";
    }

    /** @return the options set on top of {@code options}: TLS, idle timeout, HTTP/2 */
    HttpServerOptions apply(HttpServerOptions options) {
        options.setIdleTimeout(idleTimeoutSeconds);
        options.setHttp2ClearTextEnabled(http2);
        if (tls.isPresent()) {
            options.setSsl(true).setKeyCertOptions(tls.get());
            options.setUseAlpn(http2);
            options.setAlpnVersions(
                    http2 ? List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1) : List.of(HttpVersion.HTTP_1_1));
        }
        return options;
    }

    /** Caps the server's connections, when a cap is set. Call before {@code listen}. */
    void attach(HttpServer server) {
        if (maxConnections > 0) {
            server.connectionHandler(new ConnectionCap(maxConnections));
        }
    }
}
