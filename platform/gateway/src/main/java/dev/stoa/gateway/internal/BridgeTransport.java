package dev.stoa.gateway.internal;

import io.vertx.core.net.NetServerOptions;

/** The TCP bridge's server options from its {@link EventBusBridge.Config}: TLS from PEM files, the idle timeout. */
final class BridgeTransport {

    static final String CFG = "etc/dev.stoa.bridge.cfg";

    private BridgeTransport() {}

    /**
     * @param home the installation folder that relative PEM paths are read from
     * @throws IllegalArgumentException on a bad setting, naming it and the fix
     */
    static NetServerOptions serverOptions(EventBusBridge.Config config, String home) {
        if (config.maxFrameBytes() < 1) {
            throw new IllegalArgumentException("maxFrameBytes=" + config.maxFrameBytes() + " in " + CFG
                    + " must be at least 1; give the largest frame in bytes (default 4194304)");
        }
        if (config.idleTimeoutSeconds() < 0) {
            throw new IllegalArgumentException("idleTimeoutSeconds=" + config.idleTimeoutSeconds() + " in " + CFG
                    + " is negative; give seconds, or 0 to turn the idle timeout off");
        }
        NetServerOptions options = new NetServerOptions().setIdleTimeout(config.idleTimeoutSeconds());
        PemTls.keyCert(config.tlsCertFile(), config.tlsKeyFile(), home, CFG)
                .ifPresent(keyCert -> options.setSsl(true).setKeyCertOptions(keyCert));
        return options;
    }
}
