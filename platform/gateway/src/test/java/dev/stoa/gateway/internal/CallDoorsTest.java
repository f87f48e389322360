package dev.stoa.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.FailureCode;
import dev.stoa.api.runtime.ExportedService;
import dev.stoa.api.runtime.ServiceDirectory;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each door calls only its own kind: {@code /v1/pipelines/{name}} a pipeline, {@code /v1/services/{id}} any other
 * service (the reported bug: {@code /v1/pipelines/shout} called the shout service). Real Vert.x HTTP and event bus;
 * the consumers stand in for the bus exporter, which needs OSGi.
 */
class CallDoorsTest {

    private Vertx vertx;
    private HttpServer server;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        vertx.eventBus().consumer("stoa.service.shout", m -> m.reply(new JsonObject().put("from", "service")));
        vertx.eventBus().consumer("stoa.pipeline.chorus", m -> m.reply(new JsonObject().put("from", "pipeline")));
        ServiceDirectory directory = () -> List.of(
                new ExportedService(
                        "chorus",
                        "pipeline",
                        null,
                        "stoa.pipeline.chorus",
                        "JsonObject",
                        "JsonObject",
                        "dev.stoa.pipeline",
                        1,
                        "available",
                        0,
                        0,
                        0),
                new ExportedService(
                        "shout",
                        "service",
                        null,
                        "stoa.service.shout",
                        "Text",
                        "Text",
                        "shout",
                        2,
                        "available",
                        0,
                        0,
                        0));
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
    void eachDoorCallsItsOwnKind() throws Exception {
        assertThat(post("/v1/services/shout").body()).contains("\"service\"");
        assertThat(post("/v1/pipelines/chorus").body()).contains("\"pipeline\"");
    }

    @Test
    void thePipelineDoorDoesNotCallAServiceOfThatIdAndSaysWhereItIs() throws Exception {
        HttpResponse<String> response = post("/v1/pipelines/shout");
        assertThat(response.statusCode()).isEqualTo(FailureCode.UNKNOWN_SERVICE.httpStatus());
        JsonObject error = new JsonObject(response.body());
        assertThat(error.getString("error")).isEqualTo("UNKNOWN_SERVICE");
        assertThat(error.getString("message"))
                .contains("no pipeline is named 'shout'")
                .contains("call it with POST /v1/services/shout");
        assertThat(post("/v1/services/chorus").statusCode()).isEqualTo(404);
    }

    private HttpResponse<String> post(String path) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
