package dev.stoa.gateway.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.train.TrainingService;
import dev.stoa.api.train.TrainingStatus;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The trainer over HTTP:
 * <ul>
 *   <li>{@code GET /v1/trainings}: every run since start-up, newest first, with its progress;</li>
 *   <li>{@code GET /v1/trainings/{id}}: one run;</li>
 *   <li>{@code POST /v1/trainings} {@code {"file": "etc/train/clip-shapes.yaml"}}: validates the training file
 *       (relative paths are under {@code stoa.home}) and queues a run, 202 with its status. The trainer reads only
 *       {@code .yaml} files of bounded size whose real path lies in its training folders: 403 for a path outside
 *       them (a {@code ../} or a symbolic link out), 413 for a file over the limit, and never the file's content in
 *       the refusal;</li>
 *   <li>{@code DELETE /v1/trainings/{id}}: cancels a run (it keeps its last checkpoint, so starting the file again
 *       resumes).</li>
 * </ul>
 * Starting and cancelling need the management token when one is configured; without one they are allowed from
 * loopback clients only (the machine's own users, such as {@code bin/stoa train}), since a training file can only
 * name bundles that are already installed.
 */
final class TrainingEndpoints {

    private final Vertx vertx;
    private final Supplier<TrainingService> trainer;
    private final ManagementAccess access;
    private final Path home;

    TrainingEndpoints(Vertx vertx, Supplier<TrainingService> trainer, ManagementAccess access, String home) {
        this.vertx = vertx;
        this.trainer = trainer;
        this.access = access;
        this.home = Path.of(home == null ? "." : home);
    }

    static JsonObject json(TrainingStatus s) {
        return new JsonObject(s.toMap());
    }

    private TrainingService trainer(RoutingContext rc) {
        TrainingService t = trainer.get();
        if (t == null) {
            HttpGateway.error(
                    rc,
                    FailureCode.UNAVAILABLE,
                    "no trainer is running; the dev.stoa.train bundle is not"
                            + " installed or not started (GET /v1/bundles says why)");
        }
        return t;
    }

    void list(RoutingContext rc) {
        TrainingService t = trainer(rc);
        if (t != null) {
            JsonArray runs = new JsonArray();
            t.runs().forEach(s -> runs.add(json(s)));
            HttpGateway.json(rc, 200, new JsonObject().put("trainings", runs));
        }
    }

    void get(RoutingContext rc) {
        TrainingService t = trainer(rc);
        if (t != null) {
            String id = rc.pathParam("id");
            t.run(id)
                    .ifPresentOrElse(
                            s -> HttpGateway.json(rc, 200, json(s)),
                            () -> HttpGateway.error(
                                    rc,
                                    FailureCode.UNKNOWN_SERVICE,
                                    "no training run '" + id + "'; GET /v1/trainings lists them"));
        }
    }

    void start(RoutingContext rc) {
        TrainingService t = trainer(rc);
        if (t == null || !allowed(rc)) {
            return;
        }
        JsonObject body;
        try {
            body = rc.body().asJsonObject();
        } catch (RuntimeException e) {
            body = null;
        }
        if (body == null || !(body.getValue("file") instanceof String file) || file.isBlank()) {
            HttpGateway.error(
                    rc,
                    FailureCode.BAD_INPUT,
                    "'file': send {\"file\": \"etc/train/NAME.yaml\"}, the path"
                            + " of a training file on the server (relative to its stoa.home)");
            return;
        }
        Path path;
        try {
            path = home.resolve(file).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            // a NUL or another character no file name can hold: not a path at all
            HttpGateway.error(
                    rc,
                    FailureCode.BAD_INPUT,
                    "'file': is not a valid path (" + e.getReason() + "); send e.g. etc/train/clip-shapes.yaml");
            return;
        }
        vertx.<TrainingStatus>executeBlocking(() -> t.start(path), false).onComplete(ar -> {
            if (ar.succeeded()) {
                HttpGateway.json(rc, 202, json(ar.result()));
            } else if (ar.cause() instanceof StoaException e) {
                HttpGateway.error(rc, e.code(), e.getMessage());
            } else {
                HttpGateway.error(rc, FailureCode.INTERNAL, String.valueOf(ar.cause()));
            }
        });
    }

    void cancel(RoutingContext rc) {
        TrainingService t = trainer(rc);
        if (t != null && allowed(rc)) {
            String id = rc.pathParam("id");
            if (t.cancel(id)) {
                HttpGateway.json(rc, 202, json(t.run(id).orElseThrow()));
            } else {
                HttpGateway.error(
                        rc,
                        FailureCode.UNKNOWN_SERVICE,
                        "no queued or running training '" + id + "'; GET /v1/trainings lists them");
            }
        }
    }

    private boolean allowed(RoutingContext rc) {
        return access.allowed(rc, "starting or cancelling training");
    }
}
