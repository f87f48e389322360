package dev.stoa.gateway.internal;

import dev.stoa.api.security.Authenticator;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServerOptions;
import io.vertx.ext.bridge.BridgeOptions;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.eventbus.bridge.tcp.TcpEventBusBridge;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP event-bus bridge (Vert.x's framed JSON protocol: a 4-byte big-endian length, then
 * {@code {"type": "send", "address": ..., "replyAddress": ..., "body": {...}}}), so services written in any language
 * can call Stoa's pipelines and services. Deny by default: it listens only when {@link Config#permitted()} names
 * addresses, and a frame to any other address is refused with {@code access_denied}. Every frame that sends,
 * publishes or registers needs an API key in its headers ({@link BridgeAccess}), as HTTP calls do.
 */
@Component(
        immediate = true,
        configurationPid = "dev.stoa.bridge",
        service = {})
@Designate(ocd = EventBusBridge.Config.class)
public final class EventBusBridge {

    private static final Logger LOG = LoggerFactory.getLogger(EventBusBridge.class);

    /** Settings of the bridge, PID {@code dev.stoa.bridge} ({@code etc/dev.stoa.bridge.cfg}). */
    @ObjectClassDefinition(name = "Stoa TCP event-bus bridge")
    public @interface Config {
        @AttributeDefinition(description = "Address to bind; 127.0.0.1 keeps the bridge on this machine")
        String host() default "127.0.0.1";

        @AttributeDefinition(description = "TCP port; 0 picks a free one")
        int port() default 7000;

        @AttributeDefinition(
                description = "Regular expressions of the addresses clients may send to, e.g."
                        + " stoa\\.pipeline\\..* ; none means the bridge is off")
        String[] permitted() default {};

        @AttributeDefinition(
                description = "Largest frame a client may send, in bytes (its JSON, without the 4-byte length);"
                        + " a frame that declares more closes the connection before any of it is buffered")
        int maxFrameBytes() default 4 * 1024 * 1024;

        @AttributeDefinition(
                description = "Seconds a connection may stay silent (nothing read, nothing written) before it is"
                        + " closed; clients keep a quiet connection open with {\"type\": \"ping\"} frames. 0 turns"
                        + " it off")
        int idleTimeoutSeconds() default 300;

        @AttributeDefinition(
                description = "PEM file of the bridge's certificate chain; with tlsKeyFile it turns TLS on."
                        + " Relative paths are read from the installation folder")
        String tlsCertFile() default "";

        @AttributeDefinition(description = "PEM file of the private key of tlsCertFile")
        String tlsKeyFile() default "";
    }

    private final TcpEventBusBridge bridge;

    @Activate
    public EventBusBridge(BundleContext context, @Reference Vertx vertx, @Reference Authenticator keys, Config config) {
        if (config.permitted().length == 0) {
            LOG.info("TCP event-bus bridge off: no address is permitted (set permitted= in etc/dev.stoa.bridge.cfg)");
            bridge = null;
            return;
        }
        BridgeOptions options = new BridgeOptions();
        for (String regex : config.permitted()) {
            try {
                Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(
                        "permitted=" + regex + " in etc/dev.stoa.bridge.cfg is not a" + " regular expression ("
                                + e.getDescription() + "); escape dots as \\\\.",
                        e);
            }
            options.addInboundPermitted(new PermittedOptions().setAddressRegex(regex));
        }
        AccessGuard.requireKeysToExpose(
                "The TCP event-bus bridge", config.host(), "host in etc/dev.stoa.bridge.cfg", keys.keysConfigured());
        NetServerOptions server = BridgeTransport.serverOptions(config, context.getProperty("stoa.home"));
        // each frame, in order: the client's stoa.* headers dropped (BridgeHeaderFilter), the socket's cancel token
        // put on its requests (a socket that closes cancels its calls still running, BridgeCancellation), then the
        // key checked and taken out (BridgeAccess), which allows or refuses the frame
        BridgeCancellation cancellation = new BridgeCancellation(vertx);
        BridgeAccess access = new BridgeAccess(() -> keys, new WriteServices(context)::writes);
        TcpEventBusBridge created = TcpEventBusBridge.create(
                BridgeSockets.limitingFrames(vertx, config.maxFrameBytes()), options, server, event -> {
                    BridgeHeaderFilter.apply(event);
                    cancellation.apply(event);
                    access.handle(event);
                });
        try {
            bridge = created.listen(config.port(), config.host()).await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            created.close();
            throw new IllegalStateException(
                    "the TCP event-bus bridge could not listen on " + config.host() + ":"
                            + config.port() + " (" + e.getMessage() + "); free the port or set port= in"
                            + " etc/dev.stoa.bridge.cfg",
                    e);
        }
        LOG.info(
                "TCP event-bus bridge on {}:{}{}, permitting {}",
                config.host(),
                config.port(),
                server.isSsl() ? " (TLS)" : "",
                String.join(", ", config.permitted()));
    }

    @Deactivate
    void deactivate() {
        if (bridge != null) {
            try {
                bridge.close().await(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("TCP event-bus bridge did not close cleanly: {}", e.getMessage());
            }
        }
    }
}
