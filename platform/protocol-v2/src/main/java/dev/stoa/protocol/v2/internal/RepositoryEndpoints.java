package dev.stoa.protocol.v2.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.model.ModelInfo;
import dev.stoa.api.model.ModelRepository;
import dev.stoa.api.model.ModelVersionInfo;
import dev.stoa.api.security.Authenticator;
import dev.stoa.api.security.Principal;
import dev.stoa.gateway.api.HttpRoutes;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.HashSet;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The model repository extension of the protocol, mapped onto the platform's {@link ModelRepository}:
 *
 * <ul>
 *   <li>{@code POST /v2/repository/index}: {@code [{"name", "version", "state", "reason"}]}, one entry per version
 *       of each repository model (state {@code READY}, {@code UNAVAILABLE}, {@code LOADING}, with the repository's
 *       reason), then each other model the protocol can call (ONNX folders, encoders);</li>
 *   <li>{@code POST /v2/repository/models/{name}/load} and {@code /unload}: the repository's load and unload of the
 *       model (a version with {@code {"parameters": {"version": "2"}}}); they answer when done.</li>
 * </ul>
 *
 * All three want an API key with the {@code admin} scope (the gateway's keys, {@code etc/keys.properties}): 401
 * without a principal, 403 for a key without the scope.
 */
final class RepositoryEndpoints {

    private final Vertx vertx;
    private final ModelCatalog catalog;
    private final Supplier<ModelRepository> repository;

    RepositoryEndpoints(Vertx vertx, ModelCatalog catalog, Supplier<ModelRepository> repository) {
        this.vertx = vertx;
        this.catalog = catalog;
        this.repository = repository;
    }

    static void route(Router router, RepositoryEndpoints endpoints) {
        router.post("/repository/*").handler(RestFront::rawBody);
        router.post("/repository/*").handler(BodyHandler.create(false).setBodyLimit(64 * 1024));
        router.post("/repository/index").handler(rc -> RestFront.handle(rc, () -> endpoints.index(rc)));
        router.post("/repository/models/:name/load")
                .handler(rc -> RestFront.handle(rc, () -> endpoints.change(rc, true)));
        router.post("/repository/models/:name/unload")
                .handler(rc -> RestFront.handle(rc, () -> endpoints.change(rc, false)));
    }

    /**
     * The repository changes what serves: it wants the {@code admin} scope of the gateway's API keys (the gateway has
     * checked the key and left the request's principal in the routing context).
     */
    private void authorise(RoutingContext rc) {
        Principal p = rc.get(HttpRoutes.PRINCIPAL);
        if (p == null) {
            throw new StoaException(
                    FailureCode.UNAUTHORIZED,
                    "the model repository extension needs an API key with the admin scope:"
                            + " Authorization: Bearer <key> (bin/stoa key add <name> --scopes admin)");
        }
        if (!p.scopes().contains(Authenticator.ADMIN)) {
            throw new StoaException(
                    FailureCode.FORBIDDEN,
                    "the model repository extension needs the admin scope; the key '" + p.name() + "' has " + p.scopes()
                            + " (bin/stoa key add <name> --scopes admin)");
        }
    }

    private void index(RoutingContext rc) {
        authorise(rc);
        JsonArray out = new JsonArray();
        Set<String> listed = new HashSet<>();
        ModelRepository r = repository.get();
        if (r != null) {
            for (ModelInfo m : r.models()) {
                listed.addAll(m.services());
                if (m.versions().isEmpty()) {
                    out.add(entry(m.id(), null, "UNAVAILABLE", m.status().message()));
                }
                for (ModelVersionInfo v : m.versions()) {
                    listed.addAll(v.services());
                    out.add(entry(
                            m.id(),
                            Integer.toString(v.number()),
                            state(v.status().state()),
                            v.status().message()));
                }
            }
        }
        for (ServedModel m : catalog.all()) {
            if (!listed.contains(m.name())) {
                out.add(entry(m.name(), m.version(), m.ready() ? "READY" : "UNAVAILABLE", ""));
            }
        }
        rc.response().putHeader("content-type", "application/json").end(out.toBuffer());
    }

    private static String state(dev.stoa.api.model.ModelState s) {
        return switch (s) {
            case READY -> "READY";
            case LOADING -> "LOADING";
            default -> "UNAVAILABLE";
        };
    }

    private static JsonObject entry(String name, String version, String state, String reason) {
        JsonObject o = new JsonObject().put("name", name);
        if (version != null) {
            o.put("version", version);
        }
        return o.put("state", state).put("reason", reason == null ? "" : reason);
    }

    private void change(RoutingContext rc, boolean load) {
        authorise(rc);
        ModelRepository r = repository.get();
        if (r == null) {
            throw new StoaException(
                    FailureCode.UNAVAILABLE,
                    "the model repository (dev.stoa.repository) is not running; " + FailureCode.UNAVAILABLE.fix());
        }
        String name = rc.pathParam("name");
        OptionalInt version = version(rc);
        // the repository waits until the model serves (or failed): off the event loop
        vertx.<ModelInfo>executeBlocking(() -> load ? r.load(name, version) : r.unload(name, version), false)
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        rc.response()
                                .putHeader("content-type", "application/json")
                                .end("{}");
                    } else {
                        RestFront.error(rc, dev.stoa.vertx.BusFailures.fromThrown(ar.cause(), name));
                    }
                });
    }

    private static OptionalInt version(RoutingContext rc) {
        if (rc.body() == null || rc.body().length() == 0) {
            return OptionalInt.empty();
        }
        JsonObject body;
        try {
            body = rc.body().asJsonObject();
        } catch (DecodeException | ClassCastException e) {
            throw StoaException.badInput(
                    "body", "is not a JSON object; send {\"parameters\": {\"version\": \"2\"}} or nothing");
        }
        Object parameters = body == null ? null : body.getValue("parameters");
        Object v = parameters instanceof JsonObject p ? p.getValue("version") : null;
        if (v == null) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(String.valueOf(v).trim()));
        } catch (NumberFormatException e) {
            throw StoaException.badInput("parameters.version", "is '" + v + "'; give a version number such as \"2\"");
        }
    }
}
