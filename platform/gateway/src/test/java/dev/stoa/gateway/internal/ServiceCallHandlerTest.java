package dev.stoa.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.runtime.ExportedService;
import dev.stoa.api.runtime.ServiceCaller;
import dev.stoa.api.runtime.ServiceDirectory;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Which way a JSON call takes: a service of this node through the bus's {@link ServiceCaller} on a worker thread,
 * another node's over its event-bus address; failures keep their codes either way. The caller here is a stand-in for
 * {@code dev.stoa.bus}'s, which needs OSGi and is tested on its own (InProcessCallerTest) and in Felix (EncodersIT).
 */
class ServiceCallHandlerTest {

    private Vertx vertx;
    private HttpServer server;
    private final HttpClient client = HttpClient.newHttpClient();
    private final List<String> calledOn = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        // the remote node's service: only its address answers
        vertx.eventBus().<JsonObject>consumer("stoa.model.far", m -> m.reply(new JsonObject().put("via", "bus")));
        ServiceDirectory directory = () -> List.of(service("near", null), service("slow", null),
                service("refuses", null), service("far", "node-2"));
        ServiceCaller caller = new ServiceCaller() {
            @Override
            public <O> O call(String id, Object input, Class<O> outputType) {
                calledOn.add(Context.isOnWorkerThread() ? "worker" : Thread.currentThread().getName());
                switch (id) {
                    case "near" -> {
                        return outputType.cast(((JsonObject) input).copy().put("via", "caller"));
                    }
                    case "slow" -> {
                        try {
                            Thread.sleep(1_000);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return outputType.cast(new JsonObject());
                    }
                    case "refuses" -> throw StoaException.badInput("text", "is empty; send some text");
                    default -> throw new AssertionError("a remote service must not reach the local caller: " + id);
                }
            }
        };
        ServiceCallHandler calls = new ServiceCallHandler(vertx, () -> directory, () -> caller, 300);
        Router router = Router.router(vertx);
        router.post("/v1/services/:id").handler(BodyHandler.create(false)).handler(calls::handle);
        server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
    }

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    @Test
    void aServiceOfThisNodeRunsThroughTheCallerOnAWorker() throws Exception {
        HttpResponse<String> r = post("near", "{\"text\": \"hi\"}");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject body = new JsonObject(r.body());
        assertThat(body.getString("via")).isEqualTo("caller");
        assertThat(body.getString("text")).isEqualTo("hi");
        assertThat(calledOn).containsExactly("worker");
    }

    @Test
    void anotherNodesServiceGoesOverTheEventBus() throws Exception {
        HttpResponse<String> r = post("far", "{\"text\": \"hi\"}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(r.body()).getString("via")).isEqualTo("bus");
        assertThat(calledOn).isEmpty();
    }

    @Test
    void aFailureKeepsItsCodeAndMessage() throws Exception {
        HttpResponse<String> r = post("refuses", "{\"text\": \"\"}");
        assertThat(r.statusCode()).isEqualTo(FailureCode.BAD_INPUT.httpStatus());
        JsonObject body = new JsonObject(r.body());
        assertThat(body.getString("error")).isEqualTo("BAD_INPUT");
        assertThat(body.getString("message")).contains("'text'").contains("send some text");
    }

    @Test
    void aCallPastTheTimeoutAnswersTimeout() throws Exception {
        long started = System.nanoTime();
        HttpResponse<String> r = post("slow", "{}");
        assertThat(r.statusCode()).isEqualTo(FailureCode.TIMEOUT.httpStatus());
        assertThat(new JsonObject(r.body()).getString("message")).contains("'slow'").contains("in time");
        assertThat((System.nanoTime() - started) / 1e6).as("answered at the timeout, not when the call ended")
                .isLessThan(900);
    }

    private HttpResponse<String> post(String id, String json) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort()
                + "/v1/services/" + id)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static ExportedService service(String id, String node) {
        return new ExportedService(id, "model", "1", "stoa.model." + id, "JsonObject", "JsonObject", "test", 1,
                "available", 0, 0, 0, node);
    }
}
