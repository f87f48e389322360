package dev.stoa.gateway.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.model.ModelInfo;
import dev.stoa.api.model.ModelRepository;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * The model repository over HTTP, after Triton's repository API:
 * <ul>
 *   <li>{@code GET /v1/models}: every model with its status, version policy, versions and services;</li>
 *   <li>{@code GET /v1/models/{id}}: one model;</li>
 *   <li>{@code POST /v1/models/{id}/load?version=N}: loads a version (the newest without {@code version}) and keeps
 *       it loaded whatever the policy says; answers when it serves, or the reason it failed;</li>
 *   <li>{@code POST /v1/models/{id}/unload?version=N}: unloads a version (every version without {@code version}); the
 *       next loaded version takes over the model's service ids first.</li>
 * </ul>
 * Load and unload need {@code Authorization: Bearer <managementToken>}, as bundle management does.
 */
final class ModelEndpoints {

    private final Vertx vertx;
    private final Supplier<ModelRepository> repository;
    private final BundleManagement management;

    ModelEndpoints(Vertx vertx, Supplier<ModelRepository> repository, BundleManagement management) {
        this.vertx = vertx;
        this.repository = repository;
        this.management = management;
    }

    private ModelRepository repository(RoutingContext rc) {
        ModelRepository r = repository.get();
        if (r == null) {
            HttpGateway.error(
                    rc,
                    FailureCode.UNAVAILABLE,
                    "the model repository (dev.stoa.repository) is not running;" + " GET /v1/bundles says why");
        }
        return r;
    }

    void list(RoutingContext rc) {
        ModelRepository r = repository(rc);
        if (r != null) {
            JsonArray out = new JsonArray();
            r.models().forEach(m -> out.add(ModelJson.model(m)));
            HttpGateway.json(rc, 200, new JsonObject().put("models", out));
        }
    }

    void get(RoutingContext rc) {
        ModelRepository r = repository(rc);
        if (r != null) {
            String id = rc.pathParam("id");
            r.model(id)
                    .ifPresentOrElse(
                            m -> HttpGateway.json(rc, 200, ModelJson.model(m)),
                            () -> HttpGateway.error(
                                    rc,
                                    FailureCode.UNKNOWN_SERVICE,
                                    "no model '" + id + "'; GET /v1/models" + " lists them"));
        }
    }

    void load(RoutingContext rc) {
        change(rc, ModelRepository::load);
    }

    void unload(RoutingContext rc) {
        change(rc, ModelRepository::unload);
    }

    private void change(RoutingContext rc, Operation operation) {
        ModelRepository r = repository(rc);
        if (r == null || !management.authorised(rc)) {
            return;
        }
        String id = rc.pathParam("id");
        OptionalInt version;
        String v = rc.request().getParam("version");
        try {
            version = v == null || v.isBlank() ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(v.trim()));
        } catch (NumberFormatException e) {
            HttpGateway.error(
                    rc,
                    FailureCode.BAD_INPUT,
                    "'version' is '" + v + "'; send a version number, e.g." + " ?version=2, or leave it out");
            return;
        }
        // opening a version reads weights and warms it up: off the event loop
        vertx.<ModelInfo>executeBlocking(() -> operation.apply(r, id, version), false)
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        HttpGateway.json(rc, 200, ModelJson.model(ar.result()));
                    } else if (ar.cause() instanceof StoaException e) {
                        HttpGateway.error(rc, e.code(), e.getMessage());
                    } else {
                        HttpGateway.error(rc, FailureCode.INTERNAL, String.valueOf(ar.cause()));
                    }
                });
    }

    /** A repository operation on one model. */
    @FunctionalInterface
    private interface Operation {
        ModelInfo apply(ModelRepository repository, String id, OptionalInt version);
    }
}
