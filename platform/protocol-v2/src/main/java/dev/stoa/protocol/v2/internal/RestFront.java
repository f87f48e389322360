package dev.stoa.protocol.v2.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.model.ModelRepository;
import dev.stoa.api.runtime.ServiceDirectory;
import dev.stoa.api.tensor.TensorSignature;
import dev.stoa.gateway.api.HttpRoutes;
import dev.stoa.vertx.BusFailures;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The Open Inference Protocol v2 (KServe / Triton) over REST, mounted by the gateway at {@code /v2} on its port (so
 * the gateway's own checks run first):
 *
 * <ul>
 *   <li>{@code GET /v2}: server metadata (name, version, extensions); {@code GET /v2/health/live},
 *       {@code /v2/health/ready};</li>
 *   <li>{@code GET /v2/models/{name}[/versions/{v}]}: the model's metadata (versions, platform, inputs and outputs
 *       with datatype and shape); {@code GET /v2/models/{name}[/versions/{v}]/ready};</li>
 *   <li>{@code POST /v2/models/{name}[/versions/{v}]/infer}: JSON tensors, or Triton's binary tensor data extension
 *       ({@code Inference-Header-Content-Length}, {@code binary_data_size}, the {@code binary_data} output
 *       parameter);</li>
 *   <li>the model repository extension ({@link RepositoryEndpoints}): {@code POST /v2/repository/index},
 *       {@code /v2/repository/models/{name}/load} and {@code /unload}, with an API key of the admin scope.</li>
 * </ul>
 *
 * A model is a Stoa service that describes its tensors ({@link ModelCatalog}). Errors are the protocol's
 * {@code {"error": "<CODE>: <message>"}} with the HTTP status of the platform's failure code: bad input is 400,
 * an unknown model 404, never 5xx.
 */
@Component(service = HttpRoutes.class, configurationPid = "dev.stoa.v2")
@Designate(ocd = V2Config.class)
public final class RestFront implements HttpRoutes {

    /** Where the gateway mounts this front. */
    static final String BASE_PATH = "/v2";

    /** The extensions of the protocol this server has, as server metadata lists them. */
    static final List<String> EXTENSIONS = List.of("binary_tensor_data", "model_repository");

    private final ModelCatalog catalog;
    private final V2Config config;
    private final String serverVersion;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ServiceDirectory directory;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ModelRepository repository;

    @Activate
    public RestFront(BundleContext context, V2Config config) {
        this.config = config;
        this.catalog = new ModelCatalog(context, () -> directory, () -> repository);
        this.serverVersion = context.getBundle().getVersion().toString();
    }

    @Override
    public String basePath() {
        return BASE_PATH;
    }

    @Override
    public Router router(Vertx vertx) {
        return routes(vertx, catalog, () -> directory != null, () -> repository, config, serverVersion);
    }

    /** The routes, also built by the tests around a catalog of their own. */
    static Router routes(
            Vertx vertx,
            ModelCatalog catalog,
            java.util.function.BooleanSupplier serverReady,
            java.util.function.Supplier<ModelRepository> repository,
            V2Config config,
            String serverVersion) {
        Inference inference = new Inference(vertx, catalog, config.callTimeoutMs());
        Router router = Router.router(vertx);
        JsonObject metadata = new JsonObject()
                .put("name", "stoa")
                .put("version", serverVersion)
                .put("extensions", new JsonArray(EXTENSIONS));
        // GET /v2 reaches this router with an empty path, GET /v2/ with "/"
        router.getWithRegex("^/?$").handler(rc -> json(rc, 200, metadata));
        router.get("/health/live").handler(rc -> json(rc, 200, new JsonObject().put("live", true)));
        // the protocol's health answers are booleans as statuses: 200 for true, a 4xx for false
        router.get("/health/ready").handler(rc -> {
            boolean ready = serverReady.getAsBoolean();
            json(rc, ready ? 200 : 400, new JsonObject().put("ready", ready));
        });
        for (String model : new String[] {"/models/:name", "/models/:name/versions/:version"}) {
            router.get(model).handler(rc -> handle(rc, () -> json(rc, 200, metadata(model(rc, catalog)))));
            router.get(model + "/ready")
                    .handler(rc -> handle(rc, () -> {
                        ServedModel m = model(rc, catalog);
                        json(
                                rc,
                                m.ready() ? 200 : 400,
                                new JsonObject().put("name", m.name()).put("ready", m.ready()));
                    }));
            // a route of its own: Vert.x Web allows no handler before a body handler on one route
            router.post(model + "/infer").handler(RestFront::rawBody);
            router.post(model + "/infer")
                    .handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()))
                    .handler(rc -> handle(rc, () -> infer(rc, inference)));
        }
        RepositoryEndpoints.route(router, new RepositoryEndpoints(vertx, catalog, repository));
        router.route()
                .last()
                .handler(rc -> error(
                        rc,
                        new StoaException(
                                FailureCode.UNKNOWN_SERVICE,
                                "no v2 route for " + rc.request().method() + " "
                                        + rc.request().path()
                                        + "; the protocol has GET /v2, /v2/health/live, /v2/health/ready,"
                                        + " /v2/models/{name}[/versions/{v}][/ready], POST"
                                        + " /v2/models/{name}[/versions/{v}]/infer and POST /v2/repository/index,"
                                        + " /v2/repository/models/{name}/load, /unload")));
        router.route().failureHandler(rc -> {
            if (rc.statusCode() == 413) {
                error(
                        rc,
                        new StoaException(
                                FailureCode.TOO_LARGE,
                                "the request body is over " + config.maxBodyBytes() + " bytes; send less, or raise"
                                        + " maxBodyBytes in etc/dev.stoa.v2.cfg"));
            } else {
                error(
                        rc,
                        BusFailures.fromThrown(
                                rc.failure() == null
                                        ? new IllegalStateException("HTTP " + rc.statusCode())
                                        : rc.failure(),
                                "v2"));
            }
        });
        return router;
    }

    private static ServedModel model(RoutingContext rc, ModelCatalog catalog) {
        return catalog.find(rc.pathParam("name"), rc.pathParam("version"));
    }

    /** @return the protocol's model metadata */
    static JsonObject metadata(ServedModel m) {
        return new JsonObject()
                .put("name", m.name())
                .put("versions", new JsonArray().add(m.version()))
                .put("platform", m.platform())
                .put("inputs", tensors(m.inputs()))
                .put("outputs", tensors(m.outputs()));
    }

    private static JsonArray tensors(List<TensorSignature.Tensor> tensors) {
        JsonArray out = new JsonArray();
        for (TensorSignature.Tensor t : tensors) {
            JsonArray shape = new JsonArray();
            for (long d : t.shape()) {
                shape.add(d);
            }
            out.add(new JsonObject()
                    .put("name", t.name())
                    .put("datatype", t.datatype())
                    .put("shape", shape));
        }
        return out;
    }

    private static void infer(RoutingContext rc, Inference inference) {
        InferRequest request =
                InferRequest.parse(rc.body().buffer(), rc.request().getHeader(InferRequest.HEADER_LENGTH));
        List<String> names = new ArrayList<>();
        request.outputs().forEach(o -> names.add(o.name()));
        Map<String, String> trace = new HashMap<>();
        for (String header : Inference.TRACE_HEADERS) {
            trace.put(header, rc.request().getHeader(header));
        }
        inference
                .run(rc.pathParam("name"), rc.pathParam("version"), request.inputs(), names, trace)
                .onComplete(ar -> {
                    if (rc.response().closed()) {
                        return;
                    }
                    if (ar.failed()) {
                        error(rc, BusFailures.toStoaException(ar.cause(), rc.pathParam("name")));
                        return;
                    }
                    Inference.Result result = ar.result();
                    List<Boolean> binary = new ArrayList<>();
                    for (int i = 0; i < result.outputs().size(); i++) {
                        binary.add(
                                request.outputs().isEmpty()
                                        ? request.binaryOutputs()
                                        : request.outputs().get(i).binary());
                    }
                    InferResponse response = InferResponse.of(
                            result.model().name(), result.model().version(), request.id(), result.outputs(), binary);
                    if (response.binary()) {
                        rc.response()
                                .putHeader("content-type", "application/octet-stream")
                                .putHeader(InferRequest.HEADER_LENGTH, Integer.toString(response.headerLength()));
                    } else {
                        rc.response().putHeader("content-type", "application/json");
                    }
                    rc.response().end(response.body());
                });
    }

    /**
     * A v2 body is JSON or JSON followed by binary tensor data, whatever its Content-Type says: {@code curl -d} sends
     * {@code application/x-www-form-urlencoded}, which would make the body handler decode it as a form.
     */
    static void rawBody(RoutingContext rc) {
        rc.request().headers().set("Content-Type", "application/octet-stream");
        rc.next();
    }

    /** Runs a handler, answering a {@link StoaException} it throws as the protocol's error. */
    static void handle(RoutingContext rc, Runnable handler) {
        try {
            handler.run();
        } catch (StoaException e) {
            error(rc, e);
        }
    }

    static void json(RoutingContext rc, int status, JsonObject body) {
        rc.response()
                .setStatusCode(status)
                .putHeader("content-type", "application/json")
                .end(body.toBuffer());
    }

    /** Answers {@code {"error": "<CODE>: <message>"}} with the code's HTTP status. */
    static void error(RoutingContext rc, StoaException e) {
        if (rc.response().ended()) {
            return;
        }
        json(rc, e.code().httpStatus(), new JsonObject().put("error", e.code().name() + ": " + e.getMessage()));
    }
}
