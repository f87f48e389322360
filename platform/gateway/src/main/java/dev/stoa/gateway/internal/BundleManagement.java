package dev.stoa.gateway.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.runtime.DeployedArtifact;
import dev.stoa.api.runtime.DeploymentReport;
import io.vertx.core.Vertx;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Bundle management over HTTP, for operators: {@code POST /v1/bundles?file=NAME.jar} (upload), {@code PUT
 * /v1/bundles/NAME.jar} (replace), {@code DELETE /v1/bundles/NAME.jar}. Each goes through the {@code deploy/} folder,
 * so an upload is exactly a file dropped there: hot-swapped the same way, reported the same way, and still there
 * after a restart.
 *
 * <p>Every request needs {@code Authorization: Bearer <managementToken>} from etc/dev.stoa.gateway.cfg (401 without
 * it, 403 with a wrong one); with no token configured management is off (403). The body streams to a temporary file
 * beside deploy/ and is moved in atomically, so the watcher never sees half a jar. The answer waits (bounded) for the
 * deployer's verdict and reports it.
 */
final class BundleManagement {

    private static final long VERDICT_WAIT_MS = 15_000;

    private final Vertx vertx;
    private final String token;
    private final Supplier<DeploymentReport> report;

    BundleManagement(Vertx vertx, String token, Supplier<DeploymentReport> report) {
        this.vertx = vertx;
        this.token = token == null ? "" : token;
        this.report = report;
    }

    /** Checks the bearer token; answers and returns false when the request may not proceed. */
    boolean authorised(RoutingContext rc) {
        if (AccessGuard.isAdmin(rc)) {
            return true; // an admin API key, checked by the gateway's AccessGuard
        }
        if (token.isEmpty()) {
            HttpGateway.error(
                    rc,
                    FailureCode.FORBIDDEN,
                    "bundle management needs an API key with the admin scope ('Authorization: Bearer <key>'; on this"
                            + " machine the key in data/local-admin.key), or copy jars into deploy/ directly");
            return false;
        }
        String header = rc.request().getHeader("Authorization");
        if (header == null || !header.startsWith("Bearer ")) {
            rc.response().putHeader("WWW-Authenticate", "Bearer");
            HttpGateway.error(
                    rc,
                    FailureCode.UNAUTHORIZED,
                    "bundle management needs 'Authorization: Bearer <token>'"
                            + " with the managementToken of etc/dev.stoa.gateway.cfg");
            return false;
        }
        byte[] given = header.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8);
        // constant time: the comparison must not tell an attacker how many leading characters were right
        if (!MessageDigest.isEqual(given, token.getBytes(StandardCharsets.UTF_8))) {
            HttpGateway.error(
                    rc,
                    FailureCode.FORBIDDEN,
                    "the bearer token is not the managementToken of" + " etc/dev.stoa.gateway.cfg");
            return false;
        }
        return true;
    }

    void upload(RoutingContext rc, boolean replace) {
        String file = replace ? rc.pathParam("file") : rc.request().getParam("file");
        Optional<Path> target = target(rc, file);
        if (target.isEmpty()) {
            return;
        }
        boolean exists = Files.exists(target.get());
        if (replace && !exists) {
            HttpGateway.error(
                    rc,
                    FailureCode.UNKNOWN_SERVICE,
                    "deploy/" + file + " does not exist; upload it with" + " POST /v1/bundles?file=" + file);
            return;
        }
        if (!replace && exists) {
            HttpGateway.error(
                    rc,
                    409,
                    "CONFLICT",
                    "deploy/" + file + " exists already; replace it with PUT" + " /v1/bundles/" + file);
            return;
        }
        Path tmp = target.get().resolveSibling("." + file + ".upload");
        rc.request().pause();
        vertx.fileSystem()
                .open(tmp.toString(), new OpenOptions().setTruncateExisting(true))
                .compose(out -> rc.request().pipeTo(out))
                .compose(v -> vertx.executeBlocking(() -> {
                    long movedAt = System.currentTimeMillis();
                    Files.move(tmp, target.get(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    return verdict(file, movedAt);
                }))
                .onSuccess(a -> HttpGateway.json(rc, replace ? 200 : 201, describe(a, file)))
                .onFailure(e -> {
                    vertx.fileSystem().delete(tmp.toString());
                    if (!rc.response().ended()) {
                        HttpGateway.error(rc, FailureCode.INTERNAL, "the upload of " + file + " failed: " + e);
                    }
                });
    }

    void delete(RoutingContext rc) {
        String file = rc.pathParam("file");
        Optional<Path> target = target(rc, file);
        if (target.isEmpty()) {
            return;
        }
        vertx.executeBlocking(() -> {
                    if (!Files.deleteIfExists(target.get())) {
                        return false;
                    }
                    awaitGone(file);
                    return true;
                })
                .onSuccess(deleted -> {
                    if (deleted) {
                        rc.response().setStatusCode(204).end();
                    } else {
                        HttpGateway.error(
                                rc,
                                FailureCode.UNKNOWN_SERVICE,
                                "deploy/" + file + " does not exist; GET /v1/bundles" + " lists the deployed files");
                    }
                })
                .onFailure(e -> HttpGateway.error(rc, FailureCode.INTERNAL, "could not delete " + file + ": " + e));
    }

    private Optional<Path> target(RoutingContext rc, String file) {
        DeploymentReport r = report.get();
        if (r == null) {
            HttpGateway.error(rc, FailureCode.UNAVAILABLE, "the deployer (dev.stoa.deploy) is not running");
            return Optional.empty();
        }
        if (file == null || !file.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,200}\\.jar")) {
            HttpGateway.error(
                    rc,
                    FailureCode.BAD_INPUT,
                    "'file' is '" + file + "'; name the jar, e.g."
                            + " ?file=my-encoder-1.0.jar (letters, digits, '.', '_', '-', ending in .jar)");
            return Optional.empty();
        }
        return Optional.of(r.directory().resolve(file));
    }

    /** Waits until the deployer has handled the new content of {@code file}, and returns its verdict. */
    private DeployedArtifact verdict(String file, long movedAt) throws InterruptedException {
        long deadline = System.currentTimeMillis() + VERDICT_WAIT_MS;
        DeployedArtifact seen = null;
        while (System.currentTimeMillis() < deadline) {
            seen = find(file);
            if (seen != null && seen.handledAt() >= movedAt) {
                return seen;
            }
            Thread.sleep(100);
        }
        return seen;
    }

    private void awaitGone(String file) throws InterruptedException {
        long deadline = System.currentTimeMillis() + VERDICT_WAIT_MS;
        while (find(file) != null && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
    }

    private DeployedArtifact find(String file) {
        DeploymentReport r = report.get();
        return r == null
                ? null
                : r.artifacts().stream()
                        .filter(a -> a.file().equals(file))
                        .findFirst()
                        .orElse(null);
    }

    private static JsonObject describe(DeployedArtifact a, String file) {
        if (a == null) {
            return new JsonObject()
                    .put("file", file)
                    .put("status", "PENDING")
                    .put("problem", "the deployer has not handled it yet; GET /v1/bundles shows the outcome");
        }
        return new JsonObject()
                .put("file", a.file())
                .put("bundleId", a.bundleId())
                .put("status", a.status().name())
                .put("problem", a.problem());
    }
}
