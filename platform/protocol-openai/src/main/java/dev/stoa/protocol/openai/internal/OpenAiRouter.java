package dev.stoa.protocol.openai.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Embedding;
import dev.stoa.api.data.Text;
import dev.stoa.protocol.openai.internal.ModelCatalog.Capability;
import dev.stoa.protocol.openai.internal.ModelCatalog.Resolved;
import dev.stoa.vertx.Payloads;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routes of the OpenAI-compatible API, relative to its base path:
 * <ul>
 *   <li>{@code GET /models}, {@code GET /models/{model}}: the models ({@link ModelCatalog});</li>
 *   <li>{@code POST /embeddings}: a text encoder's vectors ({@link EmbeddingsMapping});</li>
 *   <li>{@code POST /chat/completions}, {@code POST /completions}: a text generator's or a pipeline's answer, whole
 *       or streamed ({@link CompletionRequest}, {@link CompletionFormat}, {@link StreamedCompletion}).</li>
 * </ul>
 * Every call goes over the event bus ({@link BusCalls}); every failure is OpenAI's error object
 * ({@link OpenAiError}) with the status of Stoa's failure code.
 */
final class OpenAiRouter {

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiRouter.class);

    private final Vertx vertx;
    private final OpenAiSettings settings;
    private final Supplier<ModelCatalog> catalog;
    private final BusCalls bus;

    /**
     * @param vertx the platform's Vert.x
     * @param settings the configuration
     * @param catalog the models now, built per request
     */
    OpenAiRouter(Vertx vertx, OpenAiSettings settings, Supplier<ModelCatalog> catalog) {
        this.vertx = vertx;
        this.settings = settings;
        this.catalog = catalog;
        this.bus = new BusCalls(vertx, settings.callTimeoutMs());
    }

    /** @return the routes, relative to the base path */
    Router router() {
        Router router = Router.router(vertx);
        router.get("/models").handler(rc -> guarded(rc, this::models));
        router.get("/models/:model").handler(rc -> guarded(rc, this::model));
        for (String path : new String[] {"/embeddings", "/chat/completions", "/completions"}) {
            // the body is JSON whatever the Content-Type says (curl -d sends a form type, which the body handler
            // would otherwise try to decode as a form); a route of its own, as a body handler must come first
            router.post(path).handler(rc -> {
                String type = rc.request().getHeader("Content-Type");
                if (type == null || !type.startsWith("application/json")) {
                    rc.request().headers().set("Content-Type", "application/json");
                }
                rc.next();
            });
            router.post(path).handler(BodyHandler.create(false).setBodyLimit(settings.maxBodyBytes()));
        }
        router.post("/embeddings").handler(rc -> guarded(rc, this::embeddings));
        router.post("/chat/completions").handler(rc -> guarded(rc, r -> completions(r, true)));
        router.post("/completions").handler(rc -> guarded(rc, r -> completions(r, false)));
        router.route()
                .last()
                .handler(rc -> error(
                        rc.response(),
                        new OpenAiError(
                                404,
                                "unknown_url",
                                null,
                                "Unknown request URL: " + rc.request().method() + " "
                                        + rc.request().path()
                                        + "; this API has GET /models, GET /models/{model}, POST /embeddings,"
                                        + " POST /chat/completions and POST /completions")));
        router.route().failureHandler(rc -> {
            if (rc.statusCode() == 413) {
                rc.response().putHeader("Connection", "close");
                error(
                        rc.response(),
                        OpenAiError.of(
                                FailureCode.TOO_LARGE,
                                "the request body is over " + settings.maxBodyBytes() + " bytes; send less, or raise"
                                        + " maxBodyBytes in etc/" + OpenAiSettings.PID + ".cfg",
                                null));
                return;
            }
            LOG.error(
                    "OpenAI API: {} {} failed",
                    rc.request().method(),
                    rc.request().path(),
                    rc.failure());
            error(rc.response(), OpenAiError.of(FailureCode.INTERNAL, String.valueOf(rc.failure()), null));
        });
        return router;
    }

    /** Runs a handler; a failure it throws (bad input, unknown model) is answered as OpenAI's error. */
    private static void guarded(RoutingContext rc, Consumer<RoutingContext> handler) {
        try {
            handler.accept(rc);
        } catch (OpenAiError e) {
            error(rc.response(), e);
        } catch (StoaException e) {
            error(rc.response(), OpenAiError.ofFailure(e, "openai"));
        } catch (RuntimeException e) {
            LOG.error(
                    "OpenAI API: {} {} failed",
                    rc.request().method(),
                    rc.request().path(),
                    e);
            error(rc.response(), OpenAiError.of(FailureCode.INTERNAL, String.valueOf(e), null));
        }
    }

    private void models(RoutingContext rc) {
        json(
                rc.response(),
                200,
                new JsonObject().put("object", "list").put("data", catalog.get().list()));
    }

    private void model(RoutingContext rc) {
        String name = rc.pathParam("model");
        for (Object o : catalog.get().list()) {
            if (name.equals(((JsonObject) o).getString("id"))) {
                json(rc.response(), 200, (JsonObject) o);
                return;
            }
        }
        catalog.get().resolve(name); // throws the reason
        throw new OpenAiError(404, "model_not_found", "model", "The model '" + name + "' does not exist");
    }

    private void embeddings(RoutingContext rc) {
        EmbeddingsMapping.Request request = EmbeddingsMapping.request(body(rc));
        Resolved m = catalog.get().resolve(request.model());
        if (m.capability() != Capability.EMBEDDINGS) {
            throw wrongEndpoint(m, "/embeddings");
        }
        List<Text> inputs = new ArrayList<>(request.inputs().size());
        request.inputs().forEach(t -> inputs.add(new Text(t)));
        bus.batched(m.service().address(), inputs, () -> bus.options(rc.request()))
                .onComplete(ar -> {
                    if (rc.response().closed()) {
                        return;
                    }
                    try {
                        if (ar.failed()) {
                            throw OpenAiError.ofFailure(ar.cause(), m.service().id());
                        }
                        List<Embedding> vectors = new ArrayList<>(ar.result().size());
                        for (Object reply : ar.result()) {
                            Embedding e = reply instanceof Embedding r
                                    ? r
                                    : Payloads.fromJson((JsonObject) reply, Embedding.class);
                            vectors.add(EmbeddingsMapping.cut(e, request, m.model()));
                        }
                        json(rc.response(), 200, EmbeddingsMapping.response(request, vectors));
                    } catch (OpenAiError e) {
                        error(rc.response(), e);
                    } catch (RuntimeException e) {
                        error(
                                rc.response(),
                                OpenAiError.ofFailure(e, m.service().id()));
                    }
                });
    }

    private void completions(RoutingContext rc, boolean chat) {
        CompletionRequest request = CompletionRequest.parse(body(rc), chat);
        Resolved m = catalog.get().resolve(request.model());
        List<Object> inputs = new ArrayList<>();
        Function<Object, Answer> answer;
        switch (m.capability()) {
            case GENERATION -> {
                for (CompletionRequest.Prompt p : request.prompts()) {
                    if (p.image() != null) {
                        throw OpenAiError.unsupported(
                                p.imageParam(),
                                "model '" + request.model() + "' is a text generator and reads no images; send the"
                                        + " image to a vision model (a pipeline, such as socratic-vqa)");
                    }
                    for (int i = 0; i < request.n(); i++) {
                        inputs.add(request.generation(p, i));
                    }
                }
                answer = Answer::ofGeneration;
            }
            case PIPELINE -> {
                for (CompletionRequest.Prompt p : request.prompts()) {
                    inputs.add(request.pipelineInput(p, m.model()));
                }
                String field = m.model().outputField();
                answer = reply -> Answer.ofPipeline(reply, field);
            }
            default -> throw wrongEndpoint(m, chat ? "/chat/completions" : "/completions");
        }
        String id =
                (chat ? "chatcmpl-" : "cmpl-") + UUID.randomUUID().toString().replace("-", "");
        CompletionFormat format = new CompletionFormat(chat, id, System.currentTimeMillis() / 1000, request.model());
        DeliveryOptions options = bus.options(rc.request());
        if (request.stream()) {
            if (inputs.size() != 1) {
                throw OpenAiError.unsupported(
                        request.n() != 1 ? "n" : "prompt",
                        "a streamed answer has one choice here; send n = 1 and one prompt, or stream = false");
            }
            StreamedCompletion.start(
                    vertx,
                    rc.response(),
                    format,
                    request.includeUsage(),
                    m.service().address(),
                    inputs.get(0),
                    options,
                    answer,
                    m.service().id());
            return;
        }
        Future<List<Object>> replies = bus.all(m.service().address(), inputs, options);
        replies.onComplete(ar -> {
            if (rc.response().closed()) {
                return;
            }
            try {
                if (ar.failed()) {
                    throw OpenAiError.ofFailure(ar.cause(), m.service().id());
                }
                List<Answer> answers = new ArrayList<>();
                for (Object reply : ar.result()) {
                    answers.add(answer.apply(reply));
                }
                json(rc.response(), 200, format.completion(answers));
            } catch (OpenAiError e) {
                error(rc.response(), e);
            } catch (RuntimeException e) {
                error(rc.response(), OpenAiError.ofFailure(e, m.service().id()));
            }
        });
    }

    private static OpenAiError wrongEndpoint(Resolved m, String path) {
        String what = switch (m.capability()) {
            case EMBEDDINGS -> "a text encoder; call POST /openai/v1/embeddings";
            case GENERATION -> "a text generator; call POST /openai/v1/chat/completions or /completions";
            case PIPELINE -> "a pipeline; call POST /openai/v1/chat/completions or /completions";
            case NONE ->
                "service '" + m.service().id() + "' (" + m.service().inputType() + " -> "
                        + m.service().outputType() + "), which this API cannot call; call it at POST /v1/services/"
                        + m.service().id();
        };
        return new OpenAiError(
                400, "model_not_supported", "model", "model '" + m.model().name() + "' is " + what + ", not " + path);
    }

    private static JsonObject body(RoutingContext rc) {
        JsonObject body;
        try {
            body = rc.body().asJsonObject();
        } catch (DecodeException | ClassCastException e) {
            throw OpenAiError.badParam(
                    null, "the request body is not a JSON object (" + e.getMessage() + "); send JSON");
        }
        if (body == null) {
            throw OpenAiError.badParam(null, "the request body is empty; send a JSON object");
        }
        return body;
    }

    static void json(HttpServerResponse response, int status, JsonObject body) {
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(body.encode());
    }

    static void error(HttpServerResponse response, OpenAiError error) {
        json(response, error.status(), error.toJson());
    }
}
