package dev.stoa.gateway.internal;

import dev.stoa.api.runtime.ServiceDirectory;
import dev.stoa.gateway.api.HttpRoutes;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.List;

/**
 * The gateway's call routes ({@code POST /v1/services/{id}}, {@link HttpGateway#routeCalls}) on a plain class path:
 * the same router, body handling and {@link ServiceCallHandler} as the gateway, without its OSGi-only routes
 * (bundles, health), which a call never touches. A public test fixture, shared through this module's test-jar
 * (itests/benchmarks uses it).
 */
public final class HttpFront {

    private HttpFront() {}

    /**
     * Starts an HTTP server on 127.0.0.1 and a free port.
     *
     * @param vertx the Vert.x that runs the event bus
     * @param directory the exported services, as the exporter lists them
     * @return the listening server; {@link HttpServer#actualPort()} says where
     */
    public static HttpServer start(Vertx vertx, ServiceDirectory directory) {
        return start(vertx, directory, List.of());
    }

    /**
     * Starts an HTTP server on 127.0.0.1 and a free port, with protocol front-ends mounted as the gateway mounts them
     * (each {@link HttpRoutes#router} under its {@link HttpRoutes#basePath}).
     *
     * @param vertx the Vert.x that runs the event bus
     * @param directory the exported services, as the exporter lists them
     * @param fronts front-ends to mount (the OpenAI-compatible API, Open Inference v2, ...)
     * @return the listening server; {@link HttpServer#actualPort()} says where
     */
    public static HttpServer start(Vertx vertx, ServiceDirectory directory, List<HttpRoutes> fronts) {
        Router router = Router.router(vertx);
        HttpGateway.routeCalls(router, new ServiceCallHandler(vertx, () -> directory, 30_000), 16L * 1024 * 1024);
        for (HttpRoutes front : fronts) {
            router.route(front.basePath() + "/*").subRouter(front.router(vertx));
        }
        return vertx.createHttpServer(
                        new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                .requestHandler(router)
                .listen()
                .await();
    }

    /**
     * @param body a JSON object or array
     * @return the gateway's compact answer text for it ({@link JsonAnswer}), for benchmarks of the answer's writing
     */
    public static io.vertx.core.buffer.Buffer compactAnswer(Object body) {
        return JsonAnswer.compact(body);
    }
}
