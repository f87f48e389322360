package dev.stoa.gateway.api;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A front-end that speaks another protocol on the gateway's port (the OpenAI-compatible API, the Open Inference
 * Protocol v2, the console): a bundle registers one as an OSGi service and the gateway mounts its router under
 * {@link #basePath()} while the service is registered, and removes it when the service goes. Everything the gateway
 * applies to every request (authentication, the Host and Origin checks, limits, timeouts) runs before the mounted
 * router; the router holds only its protocol's mapping.
 */
@ConsumerType
public interface HttpRoutes {

    /**
     * The routing-context key under which the gateway's checks leave the request's
     * {@link dev.stoa.api.security.Principal} (its API key's name and scopes, or the anonymous loopback client) for the
     * mounted routes: {@code Principal p = rc.get(HttpRoutes.PRINCIPAL)}, for a check finer than the gateway's own
     * (e.g. the {@code admin} scope for a management route).
     */
    String PRINCIPAL = "stoa.principal";

    /**
     * @return where the router is mounted, e.g. {@code /openai/v1}: starts with '/', no trailing '/', and not under
     *     a path of the gateway's own ({@code /v1}, {@code /health}, {@code /metrics})
     */
    String basePath();

    /**
     * @param vertx the platform's Vert.x
     * @return the routes, relative to {@link #basePath()}; called once each time the gateway mounts this front-end
     */
    Router router(Vertx vertx);
}
