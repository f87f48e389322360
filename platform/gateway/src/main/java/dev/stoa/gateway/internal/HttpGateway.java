package dev.stoa.gateway.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.metrics.MetricsSource;
import dev.stoa.api.metrics.PrometheusText;
import dev.stoa.api.model.ModelRepository;
import dev.stoa.api.runtime.DeploymentReport;
import dev.stoa.api.runtime.ExportedService;
import dev.stoa.api.runtime.PipelineDirectory;
import dev.stoa.api.runtime.PipelineInfo;
import dev.stoa.api.runtime.ServiceDirectory;
import dev.stoa.api.security.Authenticator;
import dev.stoa.api.train.TrainingService;
import dev.stoa.gateway.api.HttpRoutes;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform's HTTP API on Vert.x Web:
 * <ul>
 *   <li>{@code GET /health/live}: 200 while the process serves HTTP;</li>
 *   <li>{@code GET /health/ready}: 200 when the platform and its required services are up, else 503 with the
 *       checks that are down and why;</li>
 *   <li>{@code GET /v1/services}: every service exported on the bus (id, kind, version, bundle, state, address) and,
 *       for a model's service, the model and its status;</li>
 *   <li>{@code GET /v1/models}, {@code GET /v1/models/{id}}: the model repository (status, versions, policy,
 *       services); {@code POST /v1/models/{id}/load?version=N} and {@code POST /v1/models/{id}/unload?version=N} with
 *       the management token ({@link ModelEndpoints});</li>
 *   <li>{@code GET /v1/bundles}: every bundle (symbolic name, version, state) and, for a broken one, the reason;</li>
 *   <li>{@code GET /v1/pipelines}: every pipeline file, whether it serves, and what is wrong with it;</li>
 *   <li>{@code POST /v1/services/{id}} and {@code POST /v1/pipelines/{name}}: call a service or a pipeline with a
 *       JSON body, or a multipart form with image, audio and text parts ({@link MultipartInput}), and answer its JSON
 *       result;</li>
 *   <li>{@code POST /v1/bundles?file=F}, {@code PUT /v1/bundles/{file}}, {@code DELETE /v1/bundles/{file}}: bundle
 *       management through deploy/, with a bearer token ({@link BundleManagement});</li>
 *   <li>{@code GET /metrics}: every {@link MetricsSource} (calls, failures, latency per service and per pipeline
 *       stage, each model's status) in the Prometheus text format;</li>
 *   <li>{@code GET /openapi.json}: the OpenAPI 3 description of all of the above.</li>
 * </ul>
 * Errors are JSON: {@code {"error": "<FailureCode>", "code": n, "message": "..."}}.
 */
@Component(
        immediate = true,
        configurationPid = "dev.stoa.gateway",
        service = {})
@Designate(ocd = GatewayConfig.class)
public final class HttpGateway {

    static final String PORT_ENV = "STOA_HTTP_PORT";
    static final String PORT_PROPERTY = "stoa.http.port";
    static final int DEFAULT_PORT = 8080;
    private static final int BIND_ATTEMPTS = 10;
    private static final long BIND_RETRY_MS = 200;
    private static final Logger LOG = LoggerFactory.getLogger(HttpGateway.class);

    private final HttpServer server;
    private final Vertx vertx;
    private final Router router;
    /** The mounted front-ends ({@link HttpRoutes}) and their routes, to remove when a front-end goes. */
    private final Map<HttpRoutes, Route> fronts = new ConcurrentHashMap<>();

    private final BundleInspector bundles;
    private final Readiness readiness;
    private final ConsoleData console;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ServiceDirectory directory;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile DeploymentReport deploymentReport;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ServiceComponentRuntime scr;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile PipelineDirectory pipelines;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile TrainingService trainer;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ModelRepository models;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    private final List<MetricsSource> metrics = new CopyOnWriteArrayList<>();

    @Activate
    public HttpGateway(
            BundleContext context, @Reference Vertx vertx, @Reference Authenticator keys, GatewayConfig config) {
        AccessGuard.requireKeysToExpose(
                "The HTTP gateway", config.host(), "host in etc/dev.stoa.gateway.cfg", keys.keysConfigured());
        this.vertx = vertx;
        this.bundles = new BundleInspector(context);
        this.readiness = new Readiness(context, requiredServices(config.requiredServices()));
        int port = port(System.getenv(PORT_ENV), context.getProperty(PORT_PROPERTY), config.port());
        GatewayTransport transport = new GatewayTransport(config, context.getProperty("stoa.home"));
        Router router = Router.router(vertx);
        this.router = router;
        // first: a body that stalls is answered 408 before any other handler waits on it
        router.route().handler(new RequestTimeout(vertx, config.requestTimeoutMs()));
        // before every route, mounted front-ends included: Host, Origin, Content-Type, API key and scope
        router.route()
                .handler(new AccessGuard(
                        () -> keys,
                        config.managementToken(),
                        AccessGuard.allowedHosts(config.host(), requiredServices(config.allowedHosts())),
                        java.util.Set.copyOf(requiredServices(config.corsOrigins())),
                        new WriteServices(context)::writes));
        this.console = ConsoleData.mount(
                router,
                vertx,
                context,
                new PlatformWatcher.Sources(
                        this::servicesJson,
                        () -> pipelines,
                        () -> deploymentReport,
                        () -> models,
                        this::bundlesJson,
                        this::readyJson),
                () -> trainer,
                () -> pipelines,
                () -> metrics,
                context.getProperty("stoa.home"));
        router.get("/health/live").handler(rc -> json(rc, 200, new JsonObject().put("status", "UP")));
        router.get("/health/ready").handler(this::ready);
        router.get("/v1/services").handler(this::services);
        router.get("/v1/bundles").handler(this::bundles);
        router.get("/v1/pipelines").handler(this::pipelines);
        router.get("/metrics").handler(this::metrics);
        String openApi = openApiDocument();
        router.get("/openapi.json")
                .handler(rc -> rc.response()
                        .putHeader("content-type", "application/json")
                        .end(openApi));
        ServiceCallHandler calls = new ServiceCallHandler(vertx, () -> directory, config.callTimeoutMs());
        BundleManagement management = new BundleManagement(vertx, config.managementToken(), () -> deploymentReport);
        router.post("/v1/bundles").handler(rc -> {
            if (management.authorised(rc)) {
                management.upload(rc, false);
            }
        });
        router.put("/v1/bundles/:file").handler(rc -> {
            if (management.authorised(rc)) {
                management.upload(rc, true);
            }
        });
        router.delete("/v1/bundles/:file").handler(rc -> {
            if (management.authorised(rc)) {
                management.delete(rc);
            }
        });
        ManagementAccess access =
                new ManagementAccess(management, !config.managementToken().isEmpty());
        TrainingEndpoints trainings =
                new TrainingEndpoints(vertx, () -> trainer, access, context.getProperty("stoa.home"));
        router.get("/v1/trainings").handler(trainings::list);
        router.get("/v1/trainings/:id").handler(trainings::get);
        router.post("/v1/trainings")
                .handler(BodyHandler.create(false).setBodyLimit(64 * 1024))
                .handler(trainings::start);
        router.delete("/v1/trainings/:id").handler(trainings::cancel);
        CommandEndpoints.route(router, new CommandEndpoints(vertx, () -> CommandDirectory.commands(context), access));
        ModelEndpoints repository = new ModelEndpoints(vertx, () -> models, management);
        router.get("/v1/models").handler(repository::list);
        router.get("/v1/models/:id").handler(repository::get);
        router.post("/v1/models/:id/load").handler(repository::load);
        router.post("/v1/models/:id/unload").handler(repository::unload);
        routeCalls(router, calls, config.maxBodyBytes());
        router.route()
                .last()
                .handler(rc -> error(
                        rc,
                        404,
                        "NOT_FOUND",
                        "no route for " + rc.request().method() + " "
                                + rc.request().path()
                                + "; the API has GET /health/live, /health/ready, /v1/services, /v1/bundles,"
                                + " /v1/pipelines, /v1/pipelines/{name}, /v1/models, /v1/models/{id}, /v1/commands,"
                                + " /v1/events, /v1/errors, /v1/metrics/summary, /v1/trainings/{id}/metrics; POST /v1/services/{id},"
                                + " /v1/pipelines/{name}; and, with the management token, POST /v1/bundles?file=F, PUT and DELETE"
                                + " /v1/bundles/{file}, POST /v1/models/{id}/load and /unload; GET, POST /v1/trainings, GET and DELETE"
                                + " /v1/trainings/{id}; POST /v1/commands/{name}; GET /openapi.json describes them"));
        router.route().failureHandler(rc -> RoutingFailures.handle(rc, config.maxBodyBytes()));

        this.server = listen(vertx, router, config.host(), port, config.maxBodyBytes(), transport);
        console.start();
        LOG.info("HTTP API on {}://{}:{}", transport.scheme(), config.host(), server.actualPort());
    }

    /**
     * Mounts a protocol front-end under its base path while its service is registered. Declarative Services binds
     * method references after the constructor has run, so the router exists here.
     */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, unbind = "removeFront")
    void addFront(HttpRoutes front) {
        synchronized (fronts) {
            mount(front);
        }
    }

    void removeFront(HttpRoutes front) {
        synchronized (fronts) {
            Route route = fronts.remove(front);
            if (route != null) {
                route.remove();
                LOG.info("HTTP front-end at {} removed", front.basePath());
            }
        }
    }

    private void mount(HttpRoutes front) {
        String base = front.basePath();
        if (!base.startsWith("/") || base.endsWith("/") || isOwnPath(base)) {
            LOG.error(
                    "HTTP front-end {} not mounted: its basePath '{}' must start with '/', not end with '/', and"
                            + " not lie under the gateway's own paths (/v1, /health, /metrics, /openapi.json)",
                    front.getClass().getName(),
                    base);
            return;
        }
        try {
            fronts.put(front, router.route(base + "/*").subRouter(front.router(vertx)));
            LOG.info("HTTP front-end {} mounted at {}", front.getClass().getName(), base);
        } catch (RuntimeException e) {
            LOG.error(
                    "HTTP front-end {} at {} failed to mount", front.getClass().getName(), base, e);
        }
    }

    private static boolean isOwnPath(String base) {
        for (String own : new String[] {"/v1", "/health", "/metrics", "/openapi.json"}) {
            if (base.equals(own) || base.startsWith(own + "/")) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param configured the configured entries: an array, or (as a .cfg file writes it) one comma-separated string
     * @return the service ids, trimmed, without empty entries
     */
    static List<String> requiredServices(String[] configured) {
        return Arrays.stream(configured)
                .flatMap(entry -> Arrays.stream(entry.split(",")))
                .map(String::trim)
                .filter(id -> !id.isEmpty())
                .toList();
    }

    /**
     * Routes {@code POST /v1/services/{id}} and {@code POST /v1/pipelines/{name}} to the call handler, JSON or
     * multipart; also used by itests/benchmarks to serve calls exactly as the gateway does.
     */
    static void routeCalls(Router router, ServiceCallHandler calls, long maxBodyBytes) {
        for (String path : new String[] {"/v1/services/:id", "/v1/pipelines/:id"}) {
            // a route of its own: Vert.x Web allows no handler before a body handler on one route
            router.post(path).handler(rc -> {
                if (MultipartInput.isMultipart(rc.request().getHeader("Content-Type"))) {
                    calls.handleMultipart(rc, maxBodyBytes);
                } else {
                    bodyIsJson(rc);
                }
            });
            router.post(path)
                    .handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes))
                    .handler(calls::handle);
        }
    }

    /**
     * A call's body must say it is JSON (or be a multipart form): a {@code text/plain} body is what a web page can
     * send without a CORS preflight, so it is refused with 415 rather than read as JSON ({@link AccessGuard} refuses
     * it first on the gateway; this holds where the call routes are served without it).
     */
    private static void bodyIsJson(RoutingContext rc) {
        String type = rc.request().getHeader("Content-Type");
        if (AccessGuard.hasBody(rc.request()) && !AccessGuard.readable(type)) {
            rc.response().putHeader("Connection", "close");
            error(
                    rc,
                    FailureCode.UNSUPPORTED_MEDIA_TYPE,
                    (type == null ? "the body has no Content-Type" : "the body's Content-Type is '" + type + "'")
                            + "; send JSON with 'Content-Type: application/json' (curl: -H 'Content-Type:"
                            + " application/json')");
            return;
        }
        rc.next();
    }

    /** The hand-written OpenAPI 3 description of this API; PlatformIT checks it lists every route. */
    private static String openApiDocument() {
        try (java.io.InputStream in = HttpGateway.class.getResourceAsStream("/dev/stoa/gateway/openapi.json")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException | NullPointerException e) {
            throw new IllegalStateException("the bundle lacks dev/stoa/gateway/openapi.json", e);
        }
    }

    /**
     * Binds the server. When the component is re-created (its configuration changed) the previous instance may still
     * hold the port for a moment, so a bind failure is retried briefly before it is reported.
     */
    private static HttpServer listen(
            Vertx vertx, Router router, String host, int port, long maxBodyBytes, GatewayTransport transport) {
        Exception last = null;
        for (int attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
            HttpServer created = vertx.createHttpServer(transport.apply(
                            formOptions(new HttpServerOptions().setHost(host).setPort(port), maxBodyBytes)))
                    .requestHandler(router);
            transport.attach(created);
            try {
                return created.listen().await(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                created.close();
                last = e;
                if (!(e instanceof java.net.BindException || e.getCause() instanceof java.net.BindException)) {
                    break;
                }
                try {
                    Thread.sleep(BIND_RETRY_MS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        throw new IllegalStateException(
                "the HTTP gateway could not listen on " + host + ":" + port + " ("
                        + (last == null ? "interrupted" : last.getMessage())
                        + "); free the port, or set another with port= in"
                        + " etc/dev.stoa.gateway.cfg or the environment variable " + PORT_ENV,
                last);
    }

    /**
     * Lets a multipart form's text fields be as large as the body limit (Vert.x allows 8 KB a field by default, too
     * little for a prompt or a JSON field); {@link MultipartInput} bounds the whole body.
     */
    static HttpServerOptions formOptions(HttpServerOptions options, long maxBodyBytes) {
        int max = (int) Math.min(Integer.MAX_VALUE, maxBodyBytes);
        return options.setMaxFormAttributeSize(max).setMaxFormBufferedBytes(max);
    }

    @Deactivate
    void deactivate() {
        console.close();
        try {
            server.close().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("HTTP server did not close cleanly: {}", e.getMessage());
        }
    }

    /**
     * Chooses the port: the environment variable {@code STOA_HTTP_PORT}, else the framework property
     * {@code stoa.http.port} (etc/config.properties or -D), else {@code port=} of etc/dev.stoa.gateway.cfg, else 8080.
     * The environment wins so that one distribution folder can run several times side by side.
     */
    static int port(String env, String frameworkProperty, int configured) {
        if (env != null && !env.isBlank()) {
            return parsePort(env, "environment variable " + PORT_ENV);
        }
        if (frameworkProperty != null && !frameworkProperty.isBlank()) {
            return parsePort(frameworkProperty, "property " + PORT_PROPERTY);
        }
        return configured >= 0 ? configured : DEFAULT_PORT;
    }

    private static int parsePort(String value, String source) {
        try {
            int p = Integer.parseInt(value.trim());
            if (p >= 0 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(source + " is '" + value + "'; set it to a port number between 0 and"
                + " 65535 (0 picks a free one), or remove it to use etc/dev.stoa.gateway.cfg");
    }

    private void ready(RoutingContext rc) {
        JsonObject result = readyJson();
        json(rc, "UP".equals(result.getString("status")) ? 200 : 503, result);
    }

    private JsonObject readyJson() {
        DeploymentReport report = deploymentReport;
        String deployPrefix = report == null ? null : report.directory().toUri().toString();
        return readiness.check(directory, deployPrefix, models);
    }

    private void services(RoutingContext rc) {
        ServiceDirectory d = directory;
        if (d == null) {
            error(
                    rc,
                    FailureCode.UNAVAILABLE,
                    "the event-bus exporter (dev.stoa.bus) is not running; " + FailureCode.UNAVAILABLE.fix());
            return;
        }
        json(rc, 200, servicesJson());
    }

    /** @return {@code GET /v1/services}'s answer, {@code null} without the bus */
    private JsonArray servicesJson() {
        ServiceDirectory d = directory;
        if (d == null) {
            return null;
        }
        JsonArray out = new JsonArray();
        ModelRepository repository = models;
        for (ExportedService s : d.services()) {
            // built by hand: JsonObject.mapFrom needs jackson-databind, which the platform does not ship
            JsonObject o = new JsonObject()
                    .put("id", s.id())
                    .put("kind", s.kind())
                    .put("version", s.version())
                    .put("address", s.address())
                    .put("inputType", s.inputType())
                    .put("outputType", s.outputType())
                    .put("bundle", s.bundle())
                    .put("bundleId", s.bundleId())
                    .put("state", s.state())
                    .put("inFlight", s.inFlight())
                    .put("calls", s.calls())
                    .put("failures", s.failures())
                    .put("node", s.node());
            // a model's service: the model and its status (UNTRAINED, TRAINING with the run's progress, READY, ...)
            if (repository != null && !s.remote()) {
                repository
                        .modelOfService(s.id())
                        .ifPresent(m -> o.put("model", m.id()).put("modelStatus", ModelJson.status(m.status())));
            }
            out.add(o);
        }
        return out;
    }

    private void metrics(RoutingContext rc) {
        PrometheusText out = new PrometheusText();
        for (MetricsSource source : metrics) {
            source.writeTo(out);
        }
        rc.response()
                .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
                .end(out.toString());
    }

    private void pipelines(RoutingContext rc) {
        PipelineDirectory p = pipelines;
        JsonArray out = new JsonArray();
        if (p != null) {
            for (PipelineInfo i : p.pipelines()) {
                out.add(PipelineGraph.summary(i)); // with its errors split into file, line and message
            }
        }
        json(rc, 200, out);
    }

    private void bundles(RoutingContext rc) {
        json(rc, 200, bundlesJson());
    }

    private JsonArray bundlesJson() {
        ServiceDirectory d = directory;
        return bundles.describe(deploymentReport, scr, d == null ? List.of() : d.refused());
    }

    /** Answers JSON: compact, or indented when the request has {@code ?pretty} ({@link JsonAnswer}). */
    static void json(RoutingContext rc, int status, Object body) {
        JsonAnswer.end(rc, status, body);
    }

    static void error(RoutingContext rc, int status, String error, String message) {
        json(
                rc,
                status,
                new JsonObject().put("error", error).put("code", status).put("message", message));
    }

    static void error(RoutingContext rc, FailureCode code, String message) {
        error(rc, code.httpStatus(), code.name(), message);
    }
}
