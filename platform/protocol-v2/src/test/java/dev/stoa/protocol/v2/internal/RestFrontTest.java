package dev.stoa.protocol.v2.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.FailureCode;
import dev.stoa.api.data.Embedding;
import dev.stoa.api.data.Text;
import dev.stoa.api.runtime.ExportedService;
import dev.stoa.api.runtime.ServiceDirectory;
import dev.stoa.vertx.LocalCodecs;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.lang.annotation.Annotation;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The REST routes on a real Vert.x HTTP server and event bus, with an encoder of this test's own on the bus: the
 * protocol's paths, a call that reaches the service with the caller's traceparent, and errors as {@code {"error"}}
 * with 4xx statuses.
 */
class RestFrontTest {

    private static Vertx vertx;
    private static HttpServer server;
    private static final Map<String, String> trace = new ConcurrentHashMap<>();
    private static final HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        LocalCodecs.registerAll(vertx);
        // an "encoder": the text's length and its first character, as a 2-dimensional embedding
        vertx.eventBus().<Text>consumer("stoa.encoder.echo", m -> {
            String tp = m.headers().get("traceparent");
            if (tp != null) {
                trace.put("traceparent", tp);
            }
            String t = m.body().value();
            if (t.equals("fail")) {
                m.fail(FailureCode.BAD_INPUT.code(), "'text': fail is refused");
                return;
            }
            m.reply(new Embedding(new float[] {t.length(), t.charAt(0)}));
        });
        ServiceDirectory directory = () -> List.of(new ExportedService(
                "echo", "encoder", null, "stoa.encoder.echo", "Text", "Embedding", "test", 1, "available", 0, 0, 0));
        ModelCatalog catalog = new ModelCatalog(null, () -> directory, () -> null);
        Router root = Router.router(vertx);
        root.route("/v2/*").subRouter(RestFront.routes(vertx, catalog, () -> true, () -> null, config(), "1.0"));
        server = vertx.createHttpServer()
                .requestHandler(root)
                .listen(0, "127.0.0.1")
                .await(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        vertx.close().await();
    }

    private static HttpResponse<String> send(String method, String path, String body, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @Test
    void serverMetadataAndHealth() throws Exception {
        JsonObject root = new JsonObject(send("GET", "/v2", null).body());
        assertThat(root.getString("name")).isEqualTo("stoa");
        assertThat(root.getJsonArray("extensions").getList()).contains("binary_tensor_data");
        assertThat(send("GET", "/v2/health/live", null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/v2/health/ready", null).statusCode()).isEqualTo(200);
    }

    @Test
    void anEncoderIsAModelWithBytesInAndEmbeddingsOut() throws Exception {
        JsonObject meta = new JsonObject(send("GET", "/v2/models/echo", null).body());
        assertThat(meta.getJsonArray("inputs").getJsonObject(0).encode())
                .isEqualTo("{\"name\":\"text\",\"datatype\":\"BYTES\",\"shape\":[-1]}");
        assertThat(meta.getJsonArray("outputs").getJsonObject(0).getString("name"))
                .isEqualTo("embedding");
        String tp = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        // curl -d sends a form content type: the body is still read as the protocol's JSON
        HttpResponse<String> r = send(
                "POST",
                "/v2/models/echo/infer",
                "{\"inputs\": [{\"name\": \"text\", \"datatype\": \"BYTES\", \"shape\": [2], \"data\": [\"abc\", \"Z\"]}]}",
                "traceparent",
                tp,
                "Content-Type",
                "application/x-www-form-urlencoded");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject out = new JsonObject(r.body()).getJsonArray("outputs").getJsonObject(0);
        assertThat(out.getJsonArray("shape").encode()).isEqualTo("[2,2]");
        assertThat(out.getJsonArray("data").encode()).isEqualTo("[3.0,97.0,1.0,90.0]");
        assertThat(trace.get("traceparent")).isEqualTo(tp);
    }

    @Test
    void mistakesAreTheProtocolsErrorWithAFourHundred() throws Exception {
        assertError(send("GET", "/v2/models/nothing", null), 404, "UNKNOWN_SERVICE: no model is named 'nothing'");
        assertError(
                send(
                        "POST",
                        "/v2/models/echo/infer",
                        "{\"inputs\": [{\"name\": \"text\", \"datatype\": \"FP32\","
                                + " \"shape\": [1], \"data\": [1]}]}"),
                400,
                "'inputs[0].datatype'");
        assertError(
                send(
                        "POST",
                        "/v2/models/echo/infer",
                        "{\"inputs\": [{\"name\": \"text\", \"datatype\": \"BYTES\","
                                + " \"shape\": [1], \"data\": [\"fail\"]}]}"),
                400,
                "BAD_INPUT: 'text': fail is refused");
        assertError(send("POST", "/v2/models/echo/infer", "not json"), 400, "'body'");
        assertError(send("POST", "/v2/models/echo/infer", null), 400, "'body'");
        assertError(send("DELETE", "/v2/models/echo", null), 404, "no v2 route");
        // no principal: the request did not come through the gateway's checks
        assertError(send("POST", "/v2/repository/index", null), 401, "admin scope");
    }

    private static void assertError(HttpResponse<String> r, int status, String text) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(new JsonObject(r.body()).getString("error")).contains(text);
    }

    private static V2Config config() {
        return new V2Config() {
            public long callTimeoutMs() {
                return 5000;
            }

            public long maxBodyBytes() {
                return 1 << 20;
            }

            public boolean grpcEnabled() {
                return false;
            }

            public String grpcHost() {
                return "127.0.0.1";
            }

            public int grpcPort() {
                return 0;
            }

            public Class<? extends Annotation> annotationType() {
                return V2Config.class;
            }
        };
    }
}
