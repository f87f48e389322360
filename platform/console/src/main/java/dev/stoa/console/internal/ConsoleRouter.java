package dev.stoa.console.internal;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The console's routes, relative to its base path: {@code GET} and {@code HEAD} of the app's files
 * ({@link ConsoleFiles}), with headers that keep the page to its own server.
 *
 * <ul>
 *   <li>{@code Content-Security-Policy}: scripts, styles, images and connections only from this origin (plus
 *       {@code data:}/{@code blob:} images for the playground's previews): the console needs no network beyond the
 *       server, and the policy enforces it; no framing;
 *   <li>{@code Cache-Control}: files whose name carries a hash of their content are cached for a year, immutable;
 *       {@code index.html} and the rest are revalidated each time ({@code no-cache}), so a new build shows at once;
 *   <li>{@code X-Content-Type-Options: nosniff}, {@code Referrer-Policy: no-referrer}.
 * </ul>
 *
 * A refused path answers 400 and a missing file 404, both as the gateway's JSON error.
 */
final class ConsoleRouter {

    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline';"
            + " img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none';"
            + " base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    private final ConsoleFiles files;

    ConsoleRouter(ConsoleFiles files) {
        this.files = files;
    }

    Router router(Vertx vertx) {
        Router router = Router.router(vertx);
        router.route().method(HttpMethod.GET).method(HttpMethod.HEAD).handler(this::serve);
        return router;
    }

    private void serve(RoutingContext rc) {
        String path = rc.request().path(); // raw, not URL-decoded and not normalised: checked as it came
        String mount = rc.mountPoint() == null ? "" : rc.mountPoint();
        if (mount.endsWith("/")) {
            mount = mount.substring(0, mount.length() - 1);
        }
        if (!path.startsWith(mount)) {
            // the request's raw path differs from the normalised one the route matched (e.g. '/x/../console')
            error(rc, 400, "BAD_INPUT", "'" + path + "' is not a console path; open " + mount + "/");
            return;
        }
        String relative = path.substring(mount.length());
        if (relative.isEmpty()) {
            // relative asset URLs in index.html need the trailing '/'
            rc.response()
                    .setStatusCode(301)
                    .putHeader(HttpHeaders.LOCATION, mount + "/")
                    .end();
            return;
        }
        ConsoleFiles.Lookup lookup = files.lookup(relative.substring(1));
        if (lookup instanceof ConsoleFiles.Found f) {
            send(rc, f.file());
        } else if (lookup instanceof ConsoleFiles.Refused r) {
            error(rc, 400, "BAD_INPUT", r.reason());
        } else if (lookup instanceof ConsoleFiles.Missing m) {
            error(rc, 404, "NOT_FOUND", "the console has no file '" + m.path() + "'; open " + mount + "/");
        }
    }

    private static void send(RoutingContext rc, ConsoleFiles.File f) {
        HttpServerResponse response = rc.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, f.contentType())
                .putHeader(
                        HttpHeaders.CACHE_CONTROL, f.immutable() ? "public, max-age=31536000, immutable" : "no-cache")
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader("Content-Security-Policy", CSP)
                .putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(f.bytes().length));
        if (rc.request().method() == HttpMethod.HEAD) {
            response.end();
        } else {
            response.end(io.vertx.core.buffer.Buffer.buffer(f.bytes()));
        }
    }

    private static void error(RoutingContext rc, int status, String error, String message) {
        rc.response()
                .setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader("X-Content-Type-Options", "nosniff")
                .end(new JsonObject()
                        .put("error", error)
                        .put("code", status)
                        .put("message", message)
                        .encode());
    }
}
