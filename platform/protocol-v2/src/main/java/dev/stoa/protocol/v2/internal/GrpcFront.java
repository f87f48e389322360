package dev.stoa.protocol.v2.internal;

import dev.stoa.api.model.ModelRepository;
import dev.stoa.api.runtime.ServiceDirectory;
import dev.stoa.api.security.Authenticator;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC server of the Open Inference Protocol v2 ({@link GrpcInferenceService}) on a port of its own, when
 * {@code grpcEnabled=true} in {@code etc/dev.stoa.v2.cfg} (off by default; bound to 127.0.0.1 by default).
 *
 * <p>grpc-java with its shaded Netty, inlined in this bundle: its own event loops (two threads), apart from Vert.x's.
 * The calls it receives go onto the Vert.x event bus like every other door's. It takes the gateway's API keys
 * ({@link GrpcKeys}: {@code authorization: Bearer <key>} metadata) and, like the gateway, refuses to listen on an
 * address other than loopback while no key is configured. It speaks no TLS: beyond this machine, put it behind a
 * proxy that terminates TLS.
 */
@Component(
        immediate = true,
        service = {},
        configurationPid = "dev.stoa.v2")
public final class GrpcFront {

    private static final Logger LOG = LoggerFactory.getLogger(GrpcFront.class);

    private final Server server;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ServiceDirectory directory;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ModelRepository repository;

    @Activate
    public GrpcFront(BundleContext context, @Reference Vertx vertx, @Reference Authenticator keys, V2Config config)
            throws IOException {
        if (!config.grpcEnabled()) {
            this.server = null;
            LOG.info("Open Inference Protocol v2 over gRPC is off (grpcEnabled=false in etc/dev.stoa.v2.cfg)");
            return;
        }
        if (!isLoopback(config.grpcHost()) && !keys.keysConfigured()) {
            throw new IllegalStateException("the v2 gRPC server refuses to listen on " + config.grpcHost()
                    + ": that opens it to the network, and no API key is configured. Add a key (bin/stoa key add"
                    + " <name> --scopes call), or set grpcHost = 127.0.0.1 in etc/dev.stoa.v2.cfg");
        }
        ModelCatalog catalog = new ModelCatalog(context, () -> directory, () -> repository);
        GrpcInferenceService service = new GrpcInferenceService(
                catalog,
                new Inference(vertx, catalog, config.callTimeoutMs()),
                () -> directory != null,
                context.getBundle().getVersion().toString());
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        // gRPC looks its providers up through the context class loader too: make it this bundle's
        Thread.currentThread().setContextClassLoader(GrpcFront.class.getClassLoader());
        try {
            this.server = NettyServerBuilder.forAddress(new InetSocketAddress(config.grpcHost(), config.grpcPort()))
                    .maxInboundMessageSize((int) Math.min(Integer.MAX_VALUE, config.maxBodyBytes()))
                    .addService(
                            ServerInterceptors.intercept(service, GrpcInferenceService.TRACE, new GrpcKeys(() -> keys)))
                    .build()
                    .start();
        } catch (IOException e) {
            throw new IOException(
                    "the v2 gRPC server could not listen on " + config.grpcHost() + ":" + config.grpcPort() + " ("
                            + e.getMessage() + "); free the port or set grpcPort in etc/dev.stoa.v2.cfg",
                    e);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
        LOG.info("Open Inference Protocol v2 over gRPC on {}:{}", config.grpcHost(), server.getPort());
    }

    static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
    }

    /** @return the port the server listens on, or -1 when it is off */
    int port() {
        return server == null ? -1 : server.getPort();
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        if (server != null) {
            server.shutdown();
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        }
    }
}
