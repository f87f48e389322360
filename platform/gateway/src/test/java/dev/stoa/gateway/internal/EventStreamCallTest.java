package dev.stoa.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StreamingService;
import dev.stoa.api.runtime.ExportedService;
import dev.stoa.api.runtime.ServiceDirectory;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Server-sent events from {@code POST /v1/services/{id}?stream=true}, through the gateway's real handler, a real
 * Vert.x HTTP server and event bus. The services are event-bus consumers that speak the bus exporter's streaming
 * protocol (pieces to the address in the {@code stoa.stream} header, then the reply), standing in for
 * {@code dev.stoa.bus}, which needs OSGi and is tested on its own (EndpointTest) and in the itests.
 */
class EventStreamCallTest {

    private static final List<String> PIECES = List.of("a", " red", " cir", "cle", " ", "é", "\n", "done");

    private Vertx vertx;
    private HttpServer server;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        vertx.eventBus().<JsonObject>consumer("stoa.model.echo", m -> streamThen(m, PIECES.size(), false));
        vertx.eventBus().<JsonObject>consumer("stoa.model.broken", m -> streamThen(m, 2, true));
        vertx.eventBus()
                .<JsonObject>consumer(
                        "stoa.model.refuses",
                        m -> m.fail(FailureCode.BAD_INPUT.code(), "'top_p': is 3.0; use a number in (0, 1]"));
        vertx.eventBus().<JsonObject>consumer("stoa.model.plain", m -> m.reply(new JsonObject().put("text", "x")));
        ServiceDirectory directory = () -> Stream.of("echo", "broken", "refuses", "plain")
                .map(id -> new ExportedService(
                        id,
                        "model",
                        "1",
                        "stoa.model." + id,
                        "GenerationRequest",
                        "Generation",
                        "test",
                        1,
                        "available",
                        0,
                        0,
                        0))
                .toList();
        ServiceCallHandler calls = new ServiceCallHandler(vertx, () -> directory, 5_000);
        Router router = Router.router(vertx);
        router.post("/v1/services/:id").handler(BodyHandler.create(false)).handler(calls::handle);
        server = vertx.createHttpServer()
                .requestHandler(router)
                .listen(0, "127.0.0.1")
                .await();
    }

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    /** Sends {@code count} pieces, one every 5 ms, to the stream address, then replies or fails. */
    private void streamThen(Message<JsonObject> m, int count, boolean failAtEnd) {
        String to = m.headers().get(StreamingService.STREAM_HEADER);
        long[] sent = {0};
        vertx.setPeriodic(5, timer -> {
            if (sent[0] < count && to != null) {
                vertx.eventBus().send(to, new JsonObject().put("index", sent[0]).put("text", PIECES.get((int)
                                sent[0])));
                sent[0]++;
                return;
            }
            vertx.cancelTimer(timer);
            if (failAtEnd) {
                m.fail(FailureCode.TIMEOUT.code(), "remote LLM did not answer within 100 ms");
            } else {
                m.reply(new JsonObject()
                        .put("text", String.join("", PIECES))
                        .put("tokens", PIECES.size())
                        .put("finish_reason", "stop")
                        .put("model", "echo")
                        .put("trained", true));
            }
        });
    }

    private record Event(String name, JsonObject data) {}

    private HttpResponse<Stream<String>> post(String path, String accept) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"a\", \"max_tokens\": 8}"));
        if (accept != null) {
            b.header("Accept", accept);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofLines());
    }

    private static List<Event> events(Stream<String> lines) {
        List<Event> events = new ArrayList<>();
        String name = null;
        for (String line : (Iterable<String>) lines::iterator) {
            if (line.startsWith("event: ")) {
                name = line.substring(7);
            } else if (line.startsWith("data: ")) {
                events.add(new Event(name, new JsonObject(line.substring(6))));
            }
        }
        return events;
    }

    @Test
    void everyTokenArrivesOnceInOrderThenTheResult() throws Exception {
        HttpResponse<Stream<String>> response = post("/v1/services/echo?stream=true", null);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream");
        List<Event> events = events(response.body());
        List<Event> tokens = events.subList(0, events.size() - 1);
        assertThat(tokens).extracting(Event::name).containsOnly("token");
        assertThat(tokens).extracting(e -> e.data().getInteger("index")).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        assertThat(tokens).extracting(e -> e.data().getString("text")).containsExactlyElementsOf(PIECES);
        Event done = events.get(events.size() - 1);
        assertThat(done.name()).isEqualTo("done");
        assertThat(done.data().getString("text")).isEqualTo(String.join("", PIECES));
    }

    @Test
    void theAcceptHeaderAsksForEventsToo() throws Exception {
        List<Event> events =
                events(post("/v1/services/echo", "text/event-stream").body());
        assertThat(events).hasSize(PIECES.size() + 1);
        // and without either, the answer is the plain JSON
        HttpResponse<Stream<String>> plain = post("/v1/services/echo", null);
        assertThat(plain.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(new JsonObject(String.join("\n", plain.body().toList())).getString("text"))
                .isEqualTo(String.join("", PIECES));
    }

    @Test
    void aFailureAfterTheFirstTokenIsAnErrorEvent() throws Exception {
        HttpResponse<Stream<String>> response = post("/v1/services/broken?stream=true", null);
        assertThat(response.statusCode()).isEqualTo(200);
        List<Event> events = events(response.body());
        assertThat(events).extracting(Event::name).containsExactly("token", "token", "error");
        assertThat(events.get(2).data().getString("error")).isEqualTo("TIMEOUT");
        assertThat(events.get(2).data().getString("message")).contains("did not answer within 100 ms");
    }

    @Test
    void aFailureBeforeAnyTokenIsAnOrdinaryHttpError() throws Exception {
        HttpResponse<Stream<String>> response = post("/v1/services/refuses?stream=true", null);
        assertThat(response.statusCode()).isEqualTo(400);
        JsonObject error = new JsonObject(String.join("\n", response.body().toList()));
        assertThat(error.getString("error")).isEqualTo("BAD_INPUT");
        assertThat(error.getString("message")).contains("top_p");
        assertThat(post("/v1/services/nothing?stream=true", null).statusCode()).isEqualTo(404);
    }

    @Test
    void aServiceThatDoesNotStreamSendsOnlyTheResult() throws Exception {
        List<Event> events = events(post("/v1/services/plain?stream=true", null).body());
        assertThat(events).extracting(Event::name).containsExactly("done");
        assertThat(events.get(0).data().getString("text")).isEqualTo("x");
    }
}
