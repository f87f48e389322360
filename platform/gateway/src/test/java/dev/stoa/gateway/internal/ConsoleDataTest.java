package dev.stoa.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.FailureCode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's routes on a real Vert.x server behind the gateway's own request timeout and access guard (API keys,
 * no anonymous access): the event stream over plain sockets, as a browser's fetch() reads it, and the error ring fed
 * by the gateway's error answers.
 */
class ConsoleDataTest {

    @TempDir
    Path home;

    private Vertx vertx;
    private HttpServer server;
    private KeyAuthenticator keys;
    private ConsoleData console;
    private String reader;
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        reader = ApiKeys.newKey();
        Files.createDirectories(home.resolve("etc"));
        Files.write(
                home.resolve("etc/keys.properties"),
                List.of(ApiKeys.line("reader", reader, Set.of("call", "write"), List.of())));
        vertx = Vertx.vertx();
        keys = new KeyAuthenticator(home, "etc/keys.properties", false, "", 100);
        Router router = Router.router(vertx);
        // as the gateway: a body must arrive within 300 ms of its headers; the stream lives far longer
        router.route().handler(new RequestTimeout(vertx, 300));
        router.route()
                .handler(new AccessGuard(
                        () -> keys, "", AccessGuard.allowedHosts("127.0.0.1", List.of()), Set.of(), id -> false));
        console = ConsoleData.mount(
                        router,
                        vertx,
                        null,
                        new PlatformWatcher.Sources(
                                () -> null, () -> null, () -> null, () -> null, () -> null, () -> null),
                        () -> null,
                        () -> null,
                        List::of,
                        home.toString(),
                        200,
                        100)
                .start();
        router.post("/v1/services/:id")
                .handler(
                        rc -> HttpGateway.error(rc, FailureCode.BAD_INPUT, "'text': is missing; send {\"text\": ...}"));
        router.get("/v1/broken").handler(rc -> HttpGateway.error(rc, FailureCode.INTERNAL, "boom"));
        router.get("/v1/refused").handler(rc -> HttpGateway.error(rc, FailureCode.BAD_INPUT, "a GET's mistake"));
        server = vertx.createHttpServer()
                .requestHandler(router)
                .listen(0, "127.0.0.1")
                .await();
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        console.close();
        keys.deactivate();
        vertx.close().await();
    }

    /** Opens the event stream with the key and answers its reader, past the status line and headers. */
    private BufferedReader open(String query, String key) throws IOException {
        Socket socket = new Socket("127.0.0.1", server.actualPort());
        sockets.add(socket);
        socket.setSoTimeout(10_000);
        socket.getOutputStream()
                .write(("GET /v1/events" + query + " HTTP/1.1\r\nHost: 127.0.0.1:" + server.actualPort() + "\r\n"
                                + (key == null ? "" : "Authorization: Bearer " + key + "\r\n") + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        String status = in.readLine();
        assertThat(status).as("status line").contains(" 200 ");
        boolean eventStream = false;
        for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) {
            eventStream |= line.toLowerCase().startsWith("content-type: text/event-stream");
        }
        assertThat(eventStream).as("Content-Type: text/event-stream").isTrue();
        return in;
    }

    private record Event(String kind, long id, JsonObject data) {}

    /** Reads the next event of the (chunked) stream; comment lines are collected in {@code comments}. */
    private static Event next(BufferedReader in, List<String> comments) throws IOException {
        String kind = null;
        long id = -1;
        JsonObject data = null;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.startsWith("event: ")) {
                kind = line.substring(7);
            } else if (line.startsWith("id: ")) {
                id = Long.parseLong(line.substring(4));
            } else if (line.startsWith("data: ")) {
                data = new JsonObject(line.substring(6));
            } else if (line.startsWith(":")) {
                comments.add(line);
            } else if (line.isEmpty() && data != null) {
                return new Event(kind, id, data);
            }
            // chunk sizes of the chunked encoding are skipped too
        }
        throw new IOException("the stream ended");
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void theStreamNeedsAKey() throws Exception {
        RawHttp.Response anonymous = RawHttp.send(server.actualPort(), "GET", "/v1/events", null);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(console.events().subscribers()).isZero();
    }

    @Test
    void helloThenEventsAsTheyArePublishedOutlivingTheRequestTimeoutWithHeartbeats() throws Exception {
        console.events().publish("bundle", new JsonObject().put("n", 0));
        BufferedReader in = open("", reader);
        List<String> comments = new ArrayList<>();
        Event hello = next(in, comments);
        assertThat(hello.kind()).isEqualTo("hello");
        assertThat(hello.data().getLong("lastId")).isEqualTo(1);
        assertThat(hello.data().getJsonArray("kinds")).hasSize(ConsoleEvents.KINDS.size());
        assertThat(hello.data().getLong("heartbeatMs")).isEqualTo(200);
        Thread.sleep(1_000); // past requestTimeoutMs (300) and several heartbeats
        console.events().publish("training", new JsonObject().put("id", "r").put("step", 7));
        Event training = next(in, comments);
        assertThat(training.kind()).isEqualTo("training");
        assertThat(training.id()).isEqualTo(2);
        assertThat(training.data().getLong("step")).isEqualTo(7);
        assertThat(training.data().getString("time")).isNotBlank();
        assertThat(comments).contains(": heartbeat");
        assertThat(console.events().subscribers()).isEqualTo(1);
    }

    @Test
    void kindsFilterAndSinceReplays() throws Exception {
        for (int i = 1; i <= 4; i++) {
            console.events().publish(i % 2 == 0 ? "deploy" : "model", new JsonObject().put("n", i));
        }
        BufferedReader in = open("?kinds=deploy,error&since=1", reader);
        List<String> comments = new ArrayList<>();
        assertThat(next(in, comments).kind()).isEqualTo("hello");
        assertThat(next(in, comments).data().getInteger("n")).isEqualTo(2);
        assertThat(next(in, comments).data().getInteger("n")).isEqualTo(4);
        console.events().publish("model", new JsonObject().put("n", 5));
        console.errors().add("training:r", "failed: x", null, 0);
        Event error = next(in, comments);
        assertThat(error.kind()).isEqualTo("error");
        assertThat(error.data().getString("source")).isEqualTo("training:r");
    }

    @Test
    void badParametersAnswer400NamingTheParameter() throws Exception {
        RawHttp.Response kinds = RawHttp.send(
                server.actualPort(), "GET", "/v1/events?kinds=bundle,nope", null, "Authorization", "Bearer " + reader);
        assertThat(kinds.status()).isEqualTo(400);
        assertThat(kinds.body()).contains("'kinds': 'nope'").contains("BAD_INPUT");
        RawHttp.Response since = RawHttp.send(
                server.actualPort(),
                "GET",
                "/v1/events",
                null,
                "Authorization",
                "Bearer " + reader,
                "Last-Event-ID",
                "abc");
        assertThat(since.status()).isEqualTo(400);
        assertThat(since.body()).contains("Last-Event-ID");
        RawHttp.Response limit = RawHttp.send(
                server.actualPort(), "GET", "/v1/errors?limit=0", null, "Authorization", "Bearer " + reader);
        assertThat(limit.status()).isEqualTo(400);
        assertThat(limit.body()).contains("'limit'");
    }

    @Test
    void aClientThatGoesIsForgotten() throws Exception {
        BufferedReader in = open("", reader);
        assertThat(next(in, new ArrayList<>()).kind()).isEqualTo("hello");
        assertThat(console.events().subscribers()).isEqualTo(1);
        sockets.get(0).close();
        await(() -> console.events().subscribers() == 0, "the subscription ends with the connection");
    }

    @Test
    void aClientThatDoesNotReadIsDroppedAndTheOthersGoOn() throws Exception {
        BufferedReader fast = open("", reader);
        List<String> comments = new ArrayList<>();
        assertThat(next(fast, comments).kind()).isEqualTo("hello");
        open("", reader); // never read beyond its headers
        assertThat(console.events().subscribers()).isEqualTo(2);
        String big = "x".repeat(16 * 1024);
        // 64 MB: more than the slow socket's buffers, its connection's write queue and its 1024 queued events hold
        Thread fastReader = new Thread(() -> {
            try {
                while (true) {
                    next(fast, comments);
                }
            } catch (IOException e) {
                // closed at the end of the test
            }
        });
        fastReader.setDaemon(true);
        fastReader.start();
        for (int i = 0; i < 4096 && console.stream().dropped() == 0; i++) {
            console.events().publish("model", new JsonObject().put("n", i).put("pad", big));
            if (i % 256 == 0) {
                Thread.sleep(20); // let the event loop write to the fast client
            }
        }
        await(() -> console.stream().dropped() == 1, "the slow client is dropped");
        await(() -> console.events().subscribers() == 1, "only the reading client remains");
        console.events().publish("deploy", new JsonObject().put("last", true));
        assertThat(console.events().subscribers()).isEqualTo(1);
    }

    @Test
    void errorAnswersToCallsAndAny5xxAreRecordedButNotAGetsMistake() throws Exception {
        String auth = "Bearer " + reader;
        assertThat(RawHttp.send(
                                server.actualPort(),
                                "POST",
                                "/v1/services/shout",
                                "{}",
                                "Authorization",
                                auth,
                                "Content-Type",
                                "application/json")
                        .status())
                .isEqualTo(400);
        assertThat(RawHttp.send(server.actualPort(), "GET", "/v1/refused", null, "Authorization", auth)
                        .status())
                .isEqualTo(400);
        assertThat(RawHttp.send(server.actualPort(), "GET", "/v1/broken", null, "Authorization", auth)
                        .status())
                .isEqualTo(500);
        await(() -> console.errors().list(10).getLong("total") == 2, "two errors recorded");
        RawHttp.Response list = RawHttp.send(server.actualPort(), "GET", "/v1/errors", null, "Authorization", auth);
        assertThat(list.status()).isEqualTo(200);
        JsonObject body = new JsonObject(list.body());
        JsonObject newest = body.getJsonArray("errors").getJsonObject(0);
        JsonObject call = body.getJsonArray("errors").getJsonObject(1);
        assertThat(newest.getString("message")).startsWith("GET /v1/broken: 500 INTERNAL: boom");
        assertThat(call.getString("source")).isEqualTo("http");
        assertThat(call.getString("code")).isEqualTo("BAD_INPUT");
        assertThat(call.getInteger("status")).isEqualTo(400);
        assertThat(call.getString("message")).startsWith("POST /v1/services/shout: 400 BAD_INPUT: 'text': is missing");
    }

    @Test
    void theOtherRoutesAnswerWithoutTheirSources() throws Exception {
        String auth = "Bearer " + reader;
        RawHttp.Response summary =
                RawHttp.send(server.actualPort(), "GET", "/v1/metrics/summary", null, "Authorization", auth);
        assertThat(summary.status()).isEqualTo(200);
        assertThat(new JsonObject(summary.body()).getJsonArray("services")).isEmpty();
        assertThat(RawHttp.send(server.actualPort(), "GET", "/v1/trainings/x/metrics", null, "Authorization", auth)
                        .status())
                .isEqualTo(503);
        RawHttp.Response pipeline =
                RawHttp.send(server.actualPort(), "GET", "/v1/pipelines/x", null, "Authorization", auth);
        assertThat(pipeline.status()).isEqualTo(404);
        assertThat(pipeline.body()).contains("UNKNOWN_SERVICE");
    }
}
