package dev.stoa.bus.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaService;
import dev.stoa.api.StreamingService;
import dev.stoa.api.data.Text;
import dev.stoa.vertx.LocalCodecs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The swap and failure logic of one address, on a real Vert.x event bus. The OSGi service registry is replaced by
 * {@link StandInReference} here only to drive the endpoint directly; the itests run the same path in Felix.
 */
class EndpointTest {

    private Vertx vertx;
    private Endpoint endpoint;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        LocalCodecs.registerAll(vertx);
        endpoint = new Endpoint(vertx, new StandInConfig(2_000, 500), "service", "upper");
        endpoint.open();
    }

    @AfterEach
    void tearDown() {
        endpoint.close();
        vertx.close().await();
    }

    @Test
    void objectCallIsAnsweredWithTheServiceResult() {
        endpoint.add(provider(1, t -> new Text(t.value().toUpperCase())));
        Text out = (Text) request(new Text("hello")).await().body();
        assertThat(out.value()).isEqualTo("HELLO");
    }

    @Test
    void asyncServiceAnswersWithoutHoldingAWorker() throws Exception {
        java.util.concurrent.CompletableFuture<Object> pending = new java.util.concurrent.CompletableFuture<>();
        Provider async = StandInReference.provider(1, "upper", new dev.stoa.api.AsyncStoaService<Object, Object>() {
            @SuppressWarnings({"unchecked", "rawtypes"})
            @Override
            public Class<Object> inputType() {
                return (Class) JsonObject.class;
            }

            @SuppressWarnings({"unchecked", "rawtypes"})
            @Override
            public Class<Object> outputType() {
                return (Class) JsonObject.class;
            }

            @Override
            public java.util.concurrent.CompletionStage<Object> callAsync(Object input) {
                return pending.thenApply(v -> ((JsonObject) input).copy().put("answered", v));
            }
        });
        endpoint.add(async);
        // a record sent in process reaches a JSON-taking service in its JSON form
        Future<Object> reply = request(new Text("hi")).map(m -> m.body());
        Thread.sleep(100);
        assertThat(async.inFlight()).as("counted while it waits").isEqualTo(1);
        pending.complete(true);
        JsonObject out = (JsonObject) reply.await();
        assertThat(out.getString("text")).isEqualTo("hi");
        assertThat(out.getBoolean("answered")).isTrue();
        assertThat(async.inFlight()).isZero();
    }

    @Test
    void aGeneratorAskedToStreamSendsEachPieceOnceInOrderBeforeTheReply() throws Exception {
        dev.stoa.api.generation.TextGenerator generator = (request, listener) -> {
            StringBuilder text = new StringBuilder();
            for (String piece : request.prompt().split("(?<= )")) {
                listener.onToken(piece);
                text.append(piece);
            }
            return new dev.stoa.api.generation.Generation(
                    text.toString(), text.length(), dev.stoa.api.generation.FinishReason.STOP, "echo", true);
        };
        endpoint.add(StandInReference.provider(1, "upper", generator));
        List<JsonObject> pieces = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
        vertx.eventBus()
                .<JsonObject>consumer("stoa.test.stream", m -> {
                    pieces.add(m.body());
                    order.add("piece");
                })
                .completion()
                .await();
        String prompt = "one two three four five six seven eight nine ten";
        JsonObject reply = (JsonObject) vertx.eventBus()
                .request(
                        endpoint.address,
                        new JsonObject().put("prompt", prompt),
                        new DeliveryOptions().addHeader(StreamingService.STREAM_HEADER, "stoa.test.stream"))
                .map(m -> {
                    order.add("reply");
                    return m.body();
                })
                .await();
        assertThat(reply.getString("text")).isEqualTo(prompt);
        assertThat(pieces).extracting(p -> p.getInteger("index")).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(String.join("", pieces.stream().map(p -> p.getString("text")).toList()))
                .isEqualTo(prompt);
        assertThat(order).endsWith("reply").containsOnlyOnce("reply");
        // without the header, nothing is streamed
        pieces.clear();
        request(new JsonObject().put("prompt", "a b")).await();
        Thread.sleep(50);
        assertThat(pieces).isEmpty();
    }

    @Test
    void anyStreamingServiceStreamsItsRecordPiecesAsJsonWithTheirIndex() {
        dev.stoa.api.StreamingService<Text, Text> lines = new dev.stoa.api.StreamingService<>() {
            @Override
            public Class<Text> inputType() {
                return Text.class;
            }

            @Override
            public Class<Text> outputType() {
                return Text.class;
            }

            @Override
            public Text stream(Text input, dev.stoa.api.PieceSink sink) {
                for (String line : input.value().split("\n")) {
                    sink.accept(new Text(line));
                }
                return new Text(input.value().toUpperCase());
            }
        };
        endpoint.add(StandInReference.provider(1, "upper", lines));
        List<JsonObject> pieces = new java.util.concurrent.CopyOnWriteArrayList<>();
        vertx.eventBus()
                .<JsonObject>consumer("stoa.test.lines", m -> pieces.add(m.body()))
                .completion()
                .await();
        Text reply = (Text) vertx.eventBus()
                .request(
                        endpoint.address,
                        new Text("a\nb\nc"),
                        new DeliveryOptions().addHeader(StreamingService.STREAM_HEADER, "stoa.test.lines"))
                .await()
                .body();
        assertThat(reply.value()).isEqualTo("A\nB\nC");
        assertThat(pieces)
                .extracting(p -> p.getInteger("index") + ":" + p.getString("text"))
                .containsExactly("0:a", "1:b", "2:c");
    }

    @Test
    void jsonCallIsConvertedBothWays() {
        endpoint.add(provider(1, t -> new Text(t.value() + "!")));
        JsonObject out =
                (JsonObject) request(new JsonObject().put("text", "hi")).await().body();
        assertThat(out.getString("text")).isEqualTo("hi!");
    }

    @Test
    void callsDuringASwapWaitForTheNewInstance() throws Exception {
        Provider old = provider(1, t -> new Text("old"));
        endpoint.add(old);
        endpoint.remove(old);
        assertThat(old.drain(1_000)).isZero();

        List<Future<Object>> pending = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            pending.add(request(new Text("x")).map(m -> m.body()));
        }
        Thread.sleep(100);
        assertThat(pending).noneMatch(Future::isComplete);

        endpoint.add(provider(2, t -> new Text("new")));
        for (Future<Object> f : pending) {
            assertThat(((Text) f.await()).value()).isEqualTo("new");
        }
    }

    @Test
    void drainWaitsForInFlightCallsOnTheOldInstance() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Provider old = provider(1, t -> {
            entered.countDown();
            await(release);
            return new Text("finished on old");
        });
        endpoint.add(old);
        Future<Object> inFlight = request(new Text("x")).map(m -> m.body());
        assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();

        endpoint.remove(old);
        assertThat(old.drain(100)).as("one call still running after 100 ms").isEqualTo(1);
        release.countDown();
        assertThat(old.drain(5_000)).isZero();
        assertThat(((Text) inFlight.await()).value()).isEqualTo("finished on old");
    }

    @Test
    void noReplacementWithinTheBoundFailsWithServiceGone() {
        Provider old = provider(1, t -> t);
        endpoint.add(old);
        endpoint.remove(old);
        ReplyException e = failure(request(new Text("x")));
        assertThat(FailureCode.of(e.failureCode())).isEqualTo(FailureCode.SERVICE_GONE);
        assertThat(e.getMessage()).contains("upper").contains("swapWaitMs");
    }

    @Test
    void uninstalledBundleFailsWaitingCallsAtOnce() {
        Provider old = provider(1, t -> t);
        endpoint.add(old);
        endpoint.remove(old);
        Future<?> waiting = request(new Text("x"));
        long deadline = System.currentTimeMillis() + 5_000;
        while (endpoint.waitingCount() == 0 && System.currentTimeMillis() < deadline) {
            Thread.onSpinWait();
        }
        // the stand-in reference has no bundle, which the endpoint records as bundle id -1
        endpoint.bundleUninstalled(-1);
        ReplyException e = failure(waiting);
        assertThat(FailureCode.of(e.failureCode())).isEqualTo(FailureCode.SERVICE_GONE);
        assertThat(e.getMessage()).contains("uninstalled");
        assertThat(endpoint.describe().state()).isEqualTo("gone");
    }

    @Test
    void slowCallTimesOut() {
        endpoint.add(provider(1, t -> {
            await(new CountDownLatch(1), 3_000);
            return t;
        }));
        ReplyException e = failure(request(new Text("x")));
        assertThat(FailureCode.of(e.failureCode())).isEqualTo(FailureCode.TIMEOUT);
    }

    @Test
    void wrongInputTypeIsBadInputNamingTheExpectedType() {
        endpoint.add(provider(1, t -> t));
        ReplyException e = failure(request("a plain string"));
        assertThat(FailureCode.of(e.failureCode())).isEqualTo(FailureCode.BAD_INPUT);
        assertThat(e.getMessage()).contains("expects Text");
    }

    @Test
    void exceptionInTheServiceIsInternalWithItsMessage() {
        endpoint.add(provider(1, t -> {
            throw new IllegalStateException("model not loaded");
        }));
        ReplyException e = failure(request(new Text("x")));
        assertThat(FailureCode.of(e.failureCode())).isEqualTo(FailureCode.INTERNAL);
        assertThat(e.getMessage()).contains("model not loaded");
        assertThat(endpoint.describe().failures()).isEqualTo(1);
    }

    private Future<io.vertx.core.eventbus.Message<Object>> request(Object body) {
        return vertx.eventBus().request(endpoint.address, body);
    }

    private static ReplyException failure(Future<?> f) {
        try {
            f.await();
        } catch (ReplyException e) {
            return e;
        }
        throw new AssertionError("expected the call to fail");
    }

    private static void await(CountDownLatch latch) {
        await(latch, 10_000);
    }

    private static void await(CountDownLatch latch, long ms) {
        try {
            latch.await(ms, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Provider provider(long serviceId, Function<Text, Text> fn) {
        StoaService<Object, Object> service = new StoaService<>() {
            @SuppressWarnings({"unchecked", "rawtypes"})
            @Override
            public Class<Object> inputType() {
                return (Class) Text.class;
            }

            @SuppressWarnings({"unchecked", "rawtypes"})
            @Override
            public Class<Object> outputType() {
                return (Class) Text.class;
            }

            @Override
            public Object call(Object input) {
                return fn.apply((Text) input);
            }
        };
        return StandInReference.provider(serviceId, "upper", service);
    }
}
