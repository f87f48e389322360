package dev.stoa.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.runtime.ExportedService;
import dev.stoa.api.runtime.ServiceDirectory;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Answers are compact unless {@code ?pretty} is asked, floats keep their exact value in their shortest form, and a
 * call's {@code traceparent} and {@code tracestate} reach the bus as headers of those names. Real Vert.x HTTP and
 * event bus; a consumer stands in for an embedding service.
 */
class JsonAnswerTest {

    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private final float[] vector = new float[384];
    private final AtomicReference<String> seenParent = new AtomicReference<>();
    private final AtomicReference<String> seenState = new AtomicReference<>();
    private Vertx vertx;
    private HttpServer server;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        Random random = new Random(7);
        for (int i = 0; i < vector.length; i++) {
            vector[i] = (float) (random.nextGaussian() * 0.05);
        }
        vector[0] = 1e-8f; // an exponent
        vector[1] = -0.0f;
        vector[2] = 3.4028235e38f;
        vertx = Vertx.vertx();
        vertx.eventBus().consumer("stoa.encoder.enc", m -> {
            seenParent.set(m.headers().get("traceparent"));
            seenState.set(m.headers().get("tracestate"));
            List<Object> floats = new ArrayList<>();
            for (float f : vector) {
                floats.add(f);
            }
            m.reply(new JsonObject()
                    .put("embedding", new JsonArray(floats))
                    .put("text", "say \"hi\"\n\u00e9\u2028")
                    .put("n", 3)
                    .put("big", 1L << 40)
                    .put("d", 0.1)
                    .put("ok", true)
                    .putNull("none"));
        });
        ServiceDirectory directory = () -> List.of(new ExportedService(
                "enc", "encoder", null, "stoa.encoder.enc", "Text", "Embedding", "b", 1, "available", 0, 0, 0));
        Router router = Router.router(vertx);
        HttpGateway.routeCalls(router, new ServiceCallHandler(vertx, () -> directory, 5_000), 1 << 20);
        server = vertx.createHttpServer()
                .requestHandler(router)
                .listen(0, "127.0.0.1")
                .await();
    }

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    @Test
    void answersAreCompactAndFloatsExact() throws Exception {
        String body = post("/v1/services/enc", Map.of()).body();
        assertThat(body).doesNotContain("\n").doesNotContain(" : ").startsWith("{\"embedding\":[");
        JsonObject answer = new JsonObject(body);
        JsonArray embedding = answer.getJsonArray("embedding");
        assertThat(embedding.size()).isEqualTo(vector.length);
        for (int i = 0; i < vector.length; i++) {
            // the shortest text that reads back as the same float
            assertThat(embedding.getNumber(i).floatValue()).as("element %d", i).isEqualTo(vector[i]);
            assertThat(Float.parseFloat(String.valueOf(embedding.getValue(i)))).isEqualTo(vector[i]);
        }
        assertThat(answer.getString("text")).isEqualTo("say \"hi\"\n\u00e9\u2028");
        assertThat(answer.getLong("big")).isEqualTo(1L << 40);
        assertThat(answer.getDouble("d")).isEqualTo(0.1);
        assertThat(answer.getBoolean("ok")).isTrue();
        assertThat(answer.containsKey("none")).isTrue();
        // the same values as Vert.x's own encoder gives, field by field
        assertThat(answer.fieldNames()).containsExactly("embedding", "text", "n", "big", "d", "ok", "none");
        // and shorter than the indented form that every answer had before (arrays stay on one line there)
        String pretty = post("/v1/services/enc?pretty", Map.of()).body();
        assertThat(body.length()).isLessThan(pretty.length());
    }

    @Test
    void prettyIsAskedByQuery() throws Exception {
        assertThat(post("/v1/services/enc?pretty", Map.of()).body()).contains("\"embedding\" : [");
        assertThat(post("/v1/services/enc?pretty=true", Map.of()).body()).contains("\n  \"n\" : 3,");
        assertThat(post("/v1/services/enc?pretty=false", Map.of()).body()).doesNotContain("\n");
        assertThat(post("/v1/services/enc?other=1", Map.of()).body()).doesNotContain("\n");
        // errors too
        HttpResponse<String> missing = post("/v1/services/nothing?pretty", Map.of());
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("\"error\" : \"UNKNOWN_SERVICE\"");
        assertThat(post("/v1/services/nothing", Map.of()).body()).contains("\"error\":\"UNKNOWN_SERVICE\"");
    }

    @Test
    void traceContextReachesTheBusAsHeaders() throws Exception {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("traceparent", TRACEPARENT);
        headers.put("tracestate", "vendor=x");
        assertThat(post("/v1/services/enc", headers).statusCode()).isEqualTo(200);
        assertThat(seenParent.get()).isEqualTo(TRACEPARENT);
        assertThat(seenState.get()).isEqualTo("vendor=x");
        post("/v1/services/enc", Map.of());
        assertThat(seenParent.get()).isNull();
        assertThat(seenState.get()).isNull();
    }

    private HttpResponse<String> post(String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.actualPort() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"text\": \"hello\"}"));
        headers.forEach(request::header);
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
