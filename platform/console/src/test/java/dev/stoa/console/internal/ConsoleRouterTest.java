package dev.stoa.console.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The console's file serving through a real Vert.x HTTP server, mounted under {@code /console} as the gateway mounts
 * a front-end, over a fixture app in {@code src/test/resources/fixture}: content types, caching, the app's page for
 * unknown routes, and no folder listing or path traversal (sent as raw bytes on a socket, so no client normalises
 * the path first).
 */
class ConsoleRouterTest {

    private Vertx vertx;
    private HttpServer server;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        Router root = Router.router(vertx);
        ConsoleFiles files = new ConsoleFiles(ConsoleRouterTest.class.getClassLoader(), "fixture");
        root.route("/console/*").subRouter(new ConsoleRouter(files).router(vertx));
        root.route().last().handler(rc -> rc.response().setStatusCode(404).end("gateway 404"));
        server = vertx.createHttpServer()
                .requestHandler(root)
                .listen(0, "127.0.0.1")
                .await();
    }

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** @return the status line and the body of a request sent byte for byte as given */
    private String raw(String path) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.actualPort())) {
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void servesTheIndexWithNoCacheAndAPolicyThatKeepsThePageToItsServer() throws Exception {
        HttpResponse<String> r = get("/console/");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("<title>fixture console</title>");
        assertThat(r.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(r.headers().firstValue("cache-control")).hasValue("no-cache");
        assertThat(r.headers().firstValue("x-content-type-options")).hasValue("nosniff");
        assertThat(r.headers().firstValue("content-security-policy").orElseThrow())
                .contains("default-src 'self'")
                .contains("connect-src 'self'")
                .contains("frame-ancestors 'none'");
    }

    @Test
    void redirectsTheBasePathToItsFolderSoRelativeAssetUrlsResolve() throws Exception {
        HttpResponse<String> r = get("/console");
        assertThat(r.statusCode()).isEqualTo(301);
        assertThat(r.headers().firstValue("location")).hasValue("/console/");
    }

    @Test
    void hashedAssetsAreCachedForAYearAndOthersRevalidated() throws Exception {
        HttpResponse<String> js = get("/console/assets/app-B4xQ9zLm.js");
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.body()).isEqualTo("console.log(\"fixture app\");\n");
        assertThat(js.headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
        assertThat(js.headers().firstValue("cache-control")).hasValue("public, max-age=31536000, immutable");

        HttpResponse<String> css = get("/console/assets/plain.css");
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.headers().firstValue("content-type")).hasValue("text/css; charset=utf-8");
        assertThat(css.headers().firstValue("cache-control")).hasValue("no-cache");
    }

    @Test
    void headAnswersTheHeadersWithoutTheBody() throws Exception {
        HttpResponse<String> r = client.send(
                HttpRequest.newBuilder(URI.create(
                                "http://127.0.0.1:" + server.actualPort() + "/console/assets/app-B4xQ9zLm.js"))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-length")).hasValue("28");
        assertThat(r.body()).isEmpty();
    }

    @Test
    void unknownPagesOfTheAppGetTheIndexButMissingFilesAre404() throws Exception {
        HttpResponse<String> page = get("/console/pipelines/shout-chorus");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<title>fixture console</title>");

        HttpResponse<String> missing = get("/console/assets/gone-12345678.js");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(missing.body()).contains("\"error\":\"NOT_FOUND\"").contains("assets/gone-12345678.js");
    }

    @Test
    void aFolderIsNeverListed() throws Exception {
        HttpResponse<String> folder = get("/console/assets/");
        // the app's page (a route of the app), not the names of the folder's files
        assertThat(folder.body()).contains("<title>fixture console</title>").doesNotContain("plain.css");

        HttpResponse<String> namedLikeAScript = get("/console/listing.js");
        assertThat(namedLikeAScript.statusCode()).isEqualTo(404);
        assertThat(namedLikeAScript.body()).doesNotContain("inner.txt");
    }

    @Test
    void filesOfOtherTypesAreRefused() throws Exception {
        HttpResponse<String> r = get("/console/settings.properties");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("BAD_INPUT").doesNotContain("secret");
    }

    @Test
    void pathTraversalNeverLeavesTheConsolesFolder() throws Exception {
        for (String path : new String[] {
            "/console/../outside.txt",
            "/console/assets/../../outside.txt",
            "/console/%2e%2e/outside.txt",
            "/console/..%2foutside.txt",
            "/console/%2E%2E%2Foutside.txt",
            "/console/assets/..%5c..%5coutside.txt",
            "/console/.%2e/dev/stoa/console/internal/ConsoleFiles.class",
            "/console//outside.txt",
            "/console/.hidden.js",
            "/x/../console/../outside.txt"
        }) {
            String answer = raw(path);
            assertThat(answer).as(path).doesNotContain("not in the console").doesNotContain("\u00ca\u00fe\u00ba\u00be");
            assertThat(answer).as(path).doesNotStartWith("HTTP/1.1 200");
        }
        // and the resolver alone, whatever a server in front of it normalises
        ConsoleFiles files = new ConsoleFiles(ConsoleRouterTest.class.getClassLoader(), "fixture");
        assertThat(files.lookup("../outside.txt")).isInstanceOf(ConsoleFiles.Refused.class);
        assertThat(files.lookup("assets/../../outside.txt")).isInstanceOf(ConsoleFiles.Refused.class);
        assertThat(files.lookup("..\\outside.txt")).isInstanceOf(ConsoleFiles.Refused.class);
        assertThat(files.lookup("assets/app-B4xQ9zLm.js")).isInstanceOf(ConsoleFiles.Found.class);
    }
}
