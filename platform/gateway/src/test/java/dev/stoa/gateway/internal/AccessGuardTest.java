package dev.stoa.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's guard on a real Vert.x HTTP server, with the real keys file reader, over a plain socket: what a
 * client without a key, one with too few scopes, a web page and a DNS-rebound page each get.
 */
class AccessGuardTest {

    private static final String TOKEN = "legacy-management-token-0123456789";

    @TempDir
    Path home;

    private Vertx vertx;
    private HttpServer server;
    private KeyAuthenticator keys;
    private String reader;
    private String writer;
    private String admin;
    private String limited;

    @BeforeEach
    void start() throws Exception {
        reader = ApiKeys.newKey();
        writer = ApiKeys.newKey();
        admin = ApiKeys.newKey();
        limited = ApiKeys.newKey();
        Files.createDirectories(home.resolve("etc"));
        Files.write(
                home.resolve("etc/keys.properties"),
                List.of(
                        ApiKeys.line("reader", reader, Set.of("call"), List.of()),
                        ApiKeys.line("writer", writer, Set.of("call", "write"), List.of()),
                        ApiKeys.line("ops", admin, Set.of("admin"), List.of()),
                        ApiKeys.line("limited", limited, Set.of("call"), List.of("texts.*"))));
        start(false, Set.of());
    }

    private void start(boolean anonymousLoopback, Set<String> corsOrigins) {
        if (server != null) {
            server.close().await();
            keys.deactivate();
        }
        if (vertx == null) {
            vertx = Vertx.vertx();
        }
        keys = new KeyAuthenticator(home, "etc/keys.properties", anonymousLoopback, "", 100);
        Router router = Router.router(vertx);
        router.route()
                .handler(new AccessGuard(
                        () -> keys,
                        TOKEN,
                        AccessGuard.allowedHosts("127.0.0.1", List.of("stoa.internal.example")),
                        corsOrigins,
                        id -> id.endsWith(".delete") || id.endsWith(".index")));
        router.get("/health/live").handler(rc -> rc.end("UP"));
        router.get("/v1/services").handler(rc -> rc.end("[]"));
        router.post("/v1/services/:id")
                .handler(BodyHandler.create(false))
                .handler(rc -> HttpGateway.json(
                        rc,
                        200,
                        new JsonObject()
                                .put("called", rc.pathParam("id"))
                                .put("body", rc.body().asJsonObject())));
        router.post("/v1/bundles").handler(rc -> rc.end("managed"));
        router.post("/v1/trainings").handler(rc -> rc.end("queued"));
        Router front = Router.router(vertx);
        front.post("/chat/completions").handler(rc -> rc.end("front"));
        router.route("/openai/v1/*").subRouter(front);
        server = vertx.createHttpServer(
                        new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                .requestHandler(router)
                .listen()
                .await();
    }

    @AfterEach
    void stop() {
        keys.deactivate();
        vertx.close().await();
    }

    private RawHttp.Response post(String path, String body, String... headers) throws Exception {
        return RawHttp.send(server.actualPort(), "POST", path, body, headers);
    }

    private RawHttp.Response get(String path, String... headers) throws Exception {
        return RawHttp.send(server.actualPort(), "GET", path, null, headers);
    }

    private static String[] json(String key) {
        return key == null
                ? new String[] {"Content-Type", "application/json"}
                : new String[] {"Content-Type", "application/json", "Authorization", "Bearer " + key};
    }

    @Test
    void withoutAKeyOnly401WithTheFixAndHealthStaysOpen() throws Exception {
        RawHttp.Response r = post("/v1/services/texts.search", "{\"text\":\"x\"}", json(null));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer");
        assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("UNAUTHORIZED");
        assertThat(r.body()).contains("Authorization: Bearer <key>").contains("bin/stoa key add");
        assertThat(get("/v1/services").status()).isEqualTo(401);
        assertThat(get("/health/live").status()).isEqualTo(200);
        assertThat(post("/v1/services/texts.search", "{}", json("stoa_not-a-key"))
                        .status())
                .isEqualTo(401);
        assertThat(get("/v1/services", "Authorization", "Basic dXNlcjpwYXNz").status())
                .isEqualTo(401);
    }

    @Test
    void scopesDecidePerRouteAndPerService() throws Exception {
        RawHttp.Response ok = post("/v1/services/texts.search", "{\"text\":\"x\"}", json(reader));
        assertThat(ok.status()).isEqualTo(200);
        assertThat(new JsonObject(ok.body()).getJsonObject("body").getString("text"))
                .isEqualTo("x");

        RawHttp.Response denied = post("/v1/services/vectors.texts.delete", "{\"id\":\"a\"}", json(reader));
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.body())
                .contains("'write' scope")
                .contains("stoa.writes")
                .contains("key 'reader'");
        assertThat(post("/v1/services/vectors.texts.delete", "{\"id\":\"a\"}", json(writer))
                        .status())
                .isEqualTo(200);
        // spelt otherwise, the same service is still guarded
        for (String path : new String[] {
            "/v1/services/vectors.texts.delete/",
            "/v1/services/vectors.texts%2Edelete",
            "/v1/services/./vectors.texts.delete",
            "/v1//services/vectors.texts.delete"
        }) {
            assertThat(post(path, "{\"id\":\"a\"}", json(reader)).status())
                    .as(path)
                    .isNotEqualTo(200);
        }
        assertThat(post("/v1/trainings", "{}", json(reader)).status()).isEqualTo(403);
        assertThat(post("/v1/trainings", "{}", json(writer)).status()).isEqualTo(200);
        assertThat(post("/v1/bundles", null, "Authorization", "Bearer " + writer)
                        .status())
                .isEqualTo(403);
        assertThat(post("/v1/bundles", null, "Authorization", "Bearer " + admin).status())
                .isEqualTo(200);
        // the managementToken of existing setups is an admin credential
        assertThat(post("/v1/bundles", null, "Authorization", "Bearer " + TOKEN).status())
                .isEqualTo(200);
        // an admin key may write
        assertThat(post("/v1/services/texts.index", "{}", json(admin)).status()).isEqualTo(200);

        assertThat(post("/v1/services/texts.search", "{}", json(limited)).status())
                .isEqualTo(200);
        RawHttp.Response other = post("/v1/services/semantic-search", "{}", json(limited));
        assertThat(other.status()).isEqualTo(403);
        assertThat(other.body()).contains("may call only texts.*").contains("services=");
        // a mounted front-end does not name one service: a key limited to services may not use it
        assertThat(post("/openai/v1/chat/completions", "{}", json(limited)).status())
                .isEqualTo(403);
        assertThat(post("/openai/v1/chat/completions", "{}", json(reader)).body())
                .isEqualTo("front");
        RawHttp.Response noKey = post("/openai/v1/chat/completions", "{}", json(null));
        assertThat(noKey.status()).isEqualTo(401);
        // the OpenAI front's clients get the refusal as OpenAI's error object, which their SDKs read
        JsonObject error = new JsonObject(noKey.body()).getJsonObject("error");
        assertThat(error.getString("type")).isEqualTo("authentication_error");
        assertThat(error.getString("code")).isEqualTo("unauthorized");
        assertThat(error.getString("message")).contains("key");
    }

    @Test
    void anonymousLoopbackMayOnlyCallWhenTheOperatorSaysSo() throws Exception {
        start(true, Set.of());
        assertThat(post("/v1/services/texts.search", "{}", json(null)).status()).isEqualTo(200);
        RawHttp.Response write = post("/v1/services/texts.index", "{}", json(null));
        assertThat(write.status()).isEqualTo(403);
        assertThat(write.body()).contains("a loopback client without a key").contains("data/local-admin.key");
        // a web page on this machine's browser never acts anonymously, even where CORS allows its origin
        start(true, Set.of("https://app.example.com"));
        assertThat(post(
                                "/v1/services/texts.search",
                                "{}",
                                "Content-Type",
                                "application/json",
                                "Origin",
                                "https://app.example.com")
                        .status())
                .isEqualTo(401);
    }

    @Test
    void aForeignHostIsRefusedAgainstDnsRebinding() throws Exception {
        RawHttp.Response r = get(
                "/v1/services", "Host", "attacker.example:" + server.actualPort(), "Authorization", "Bearer " + reader);
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.body()).contains("Host 'attacker.example'").contains("allowedHosts");
        assertThat(get("/health/live", "Host", "attacker.example").status()).isEqualTo(403);
        assertThat(get("/v1/services", "Host", "localhost:8080", "Authorization", "Bearer " + reader)
                        .status())
                .isEqualTo(200);
        assertThat(get("/v1/services", "Host", "[::1]:8080", "Authorization", "Bearer " + reader)
                        .status())
                .isEqualTo(200);
        assertThat(get("/v1/services", "Host", "STOA.internal.example", "Authorization", "Bearer " + reader)
                        .status())
                .isEqualTo(200);
    }

    @Test
    void crossOriginIsRefusedUnlessConfiguredThenPreflightsAreAnswered() throws Exception {
        RawHttp.Response r = post(
                "/v1/services/texts.search",
                "{}",
                "Content-Type",
                "application/json",
                "Authorization",
                "Bearer " + reader,
                "Origin",
                "https://evil.example");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.body()).contains("cross-origin").contains("corsOrigins");
        assertThat(r.header("Access-Control-Allow-Origin")).isNull();
        // the same origin is not cross-origin
        assertThat(post(
                                "/v1/services/texts.search",
                                "{}",
                                "Content-Type",
                                "application/json",
                                "Authorization",
                                "Bearer " + reader,
                                "Origin",
                                "http://127.0.0.1:" + server.actualPort())
                        .status())
                .isEqualTo(200);

        start(false, Set.of("https://app.example.com"));
        RawHttp.Response preflight = RawHttp.send(
                server.actualPort(),
                "OPTIONS",
                "/v1/services/texts.search",
                null,
                "Origin",
                "https://app.example.com",
                "Access-Control-Request-Method",
                "POST",
                "Access-Control-Request-Headers",
                "authorization, content-type");
        assertThat(preflight.status()).isEqualTo(204);
        assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo("https://app.example.com");
        assertThat(preflight.header("Access-Control-Allow-Methods")).contains("POST");
        assertThat(preflight.header("Access-Control-Allow-Headers"))
                .contains("Authorization")
                .contains("Content-Type");
        RawHttp.Response allowed = post(
                "/v1/services/texts.search",
                "{}",
                "Content-Type",
                "application/json",
                "Authorization",
                "Bearer " + reader,
                "Origin",
                "https://app.example.com");
        assertThat(allowed.status()).isEqualTo(200);
        assertThat(allowed.header("Access-Control-Allow-Origin")).isEqualTo("https://app.example.com");
        assertThat(RawHttp.send(
                                server.actualPort(),
                                "OPTIONS",
                                "/v1/services/texts.search",
                                null,
                                "Origin",
                                "https://evil.example",
                                "Access-Control-Request-Method",
                                "POST")
                        .status())
                .isEqualTo(403);
    }

    @Test
    void aJsonBodyMustSayItIsJson() throws Exception {
        for (String type :
                new String[] {"text/plain", "application/x-www-form-urlencoded", "text/plain;charset=UTF-8"}) {
            RawHttp.Response r = post(
                    "/v1/services/texts.search",
                    "{\"text\":\"x\"}",
                    "Content-Type",
                    type,
                    "Authorization",
                    "Bearer " + reader);
            assertThat(r.status()).as(type).isEqualTo(415);
            assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("UNSUPPORTED_MEDIA_TYPE");
            assertThat(r.body()).contains("'" + type + "'").contains("Content-Type: application/json");
        }
        assertThat(post("/v1/services/texts.search", "{}", "Authorization", "Bearer " + reader)
                        .status())
                .isEqualTo(415);
        assertThat(post(
                                "/v1/services/texts.search",
                                "{}",
                                "Content-Type",
                                "application/json; charset=utf-8",
                                "Authorization",
                                "Bearer " + reader)
                        .status())
                .isEqualTo(200);
    }

    @Test
    void everyRefusalIsCounted() throws Exception {
        post("/v1/services/texts.search", "{}", json(null));
        post("/v1/services/vectors.texts.delete", "{}", json(reader));
        get("/v1/services", "Host", "attacker.example");
        post("/v1/services/texts.search", "{}", "Content-Type", "text/plain", "Authorization", "Bearer " + reader);
        dev.stoa.api.metrics.PrometheusText text = new dev.stoa.api.metrics.PrometheusText();
        keys.writeTo(text);
        assertThat(text.toString())
                .contains("stoa_auth_refusals_total{door=\"http\",reason=\"missing_key\"} 1")
                .contains("stoa_auth_refusals_total{door=\"http\",reason=\"scope\"} 1")
                .contains("stoa_auth_refusals_total{door=\"http\",reason=\"host\"} 1")
                .contains("stoa_auth_refusals_total{door=\"http\",reason=\"content_type\"} 1")
                .contains("stoa_auth_keys 4");
    }

    @Test
    void routeNeeds() {
        assertThat(AccessGuard.need(HttpMethod.GET, "/health/ready", id -> true))
                .isNull();
        assertThat(AccessGuard.need(HttpMethod.POST, "/v1/pipelines/ocr-index", "ocr-index"::equals)
                        .scope())
                .isEqualTo("write");
        assertThat(AccessGuard.need(HttpMethod.POST, "/v1/commands/eval-vqa", id -> false)
                        .scope())
                .isEqualTo("admin");
        assertThat(AccessGuard.need(HttpMethod.POST, "/v1/models/clip/load", id -> false)
                        .scope())
                .isEqualTo("admin");
        assertThat(AccessGuard.need(HttpMethod.DELETE, "/v1/trainings/7", id -> false)
                        .scope())
                .isEqualTo("write");
        assertThat(AccessGuard.need(HttpMethod.GET, "/metrics", id -> true).scope())
                .isEqualTo("call");
    }

    @Test
    void theConsolesFilesAreOpenButNothingElseUnderItsName() {
        assertThat(AccessGuard.need(HttpMethod.GET, "/console/", id -> true)).isNull();
        assertThat(AccessGuard.need(HttpMethod.HEAD, "/console/assets/index-abc.js", id -> true))
                .isNull();
        assertThat(AccessGuard.need(HttpMethod.POST, "/console/", id -> true).scope())
                .isEqualTo("call");
        assertThat(AccessGuard.need(HttpMethod.GET, "/consoles", id -> true).scope())
                .isEqualTo("call");
    }
}
