package dev.stoa.bus.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.BatchingService;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Text;
import dev.stoa.vertx.LocalCodecs;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The in-process door ({@link dev.stoa.api.runtime.ServiceCaller}) on a real Vert.x and real endpoints: calls run on
 * the caller's thread, and keep the bus's hot-swap, failure and batching behaviour. {@link StandInReference} replaces
 * the OSGi service registry only to drive the endpoints directly; {@code EncodersIT} calls through it in Felix.
 */
class InProcessCallerTest {

    private Vertx vertx;
    private InProcessCaller caller;
    private final List<Endpoint> endpoints = new ArrayList<>();

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        LocalCodecs.registerAll(vertx);
        caller = new InProcessCaller(vertx, List::of);
    }

    @AfterEach
    void tearDown() {
        endpoints.forEach(Endpoint::close);
        vertx.close().await();
    }

    @Test
    void aLocalServiceRunsOnTheCallingThreadAndIsCounted() {
        List<Thread> ranOn = new CopyOnWriteArrayList<>();
        Endpoint upper = endpoint("upper", null, 2_000);
        upper.add(provider(1, t -> {
            ranOn.add(Thread.currentThread());
            return new Text(t.value().toUpperCase());
        }));
        assertThat(caller.call("upper", new Text("hello"), Text.class).value()).isEqualTo("HELLO");
        assertThat(ranOn).containsExactly(Thread.currentThread());
        assertThat(upper.describe().calls()).isEqualTo(1);
        assertThat(upper.latency().count()).isEqualTo(1);
        // the event bus still reaches the same endpoint
        assertThat(((Text) vertx.eventBus()
                                .request(upper.address, new Text("bus"))
                                .await()
                                .body())
                        .value())
                .isEqualTo("BUS");
    }

    @Test
    void jsonInComesOutAsJsonAsOnTheBus() {
        endpoint("upper", null, 2_000).add(provider(1, t -> new Text(t.value().toUpperCase())));
        JsonObject out = caller.call("upper", new JsonObject().put("text", "hi"), JsonObject.class);
        assertThat(out.getString("text")).isEqualTo("HI");
        assertThatThrownBy(() -> caller.call("upper", new JsonObject().put("txt", "typo"), JsonObject.class))
                .satisfies(e -> assertThat(((StoaException) e).code()).isEqualTo(FailureCode.BAD_INPUT))
                .hasMessageContaining("text");
    }

    @Test
    void failuresKeepTheirCodesAndNameTheFix() {
        endpoint("upper", null, 2_000).add(provider(1, t -> {
            throw new IllegalStateException("model not loaded");
        }));
        assertThatThrownBy(() -> caller.call("upper", new Text("x"), Text.class))
                .isInstanceOf(StoaException.class)
                .satisfies(e -> assertThat(((StoaException) e).code()).isEqualTo(FailureCode.INTERNAL))
                .hasMessageContaining("model not loaded");
        assertThatThrownBy(() -> caller.call("upper", "a plain string", Text.class))
                .satisfies(e -> assertThat(((StoaException) e).code()).isEqualTo(FailureCode.BAD_INPUT))
                .hasMessageContaining("expects Text");
        assertThatThrownBy(() -> caller.call("nope", new Text("x"), Text.class))
                .satisfies(e -> assertThat(((StoaException) e).code()).isEqualTo(FailureCode.UNKNOWN_SERVICE))
                .hasMessageContaining("'nope'");
    }

    @Test
    void askingForTheWrongOutputTypeNamesTheTypeTheServiceAnswers() {
        endpoint("upper", null, 2_000).add(provider(1, t -> t));
        assertThatThrownBy(() -> caller.call("upper", new Text("x"), Integer.class))
                .satisfies(e -> assertThat(((StoaException) e).code()).isEqualTo(FailureCode.BAD_INPUT))
                .hasMessageContaining("answers Text, not Integer");
    }

    @Test
    void onAnEventLoopItRefusesToBlockAndSaysWhatToUseInstead() {
        endpoint("upper", null, 2_000).add(provider(1, t -> t));
        CompletableFuture<Throwable> refused = new CompletableFuture<>();
        vertx.runOnContext(v -> {
            try {
                caller.call("upper", new Text("x"), Text.class);
                refused.complete(null);
            } catch (Throwable t) {
                refused.complete(t);
            }
        });
        assertThat(refused.join()).isInstanceOf(IllegalStateException.class).hasMessageContaining("eventBus().request");
    }

    @Test
    void duringAHotSwapTheCallerWaitsForTheNewInstance() throws Exception {
        Endpoint upper = endpoint("upper", null, 5_000);
        Provider old = provider(1, t -> new Text("old"));
        upper.add(old);
        upper.remove(old);
        assertThat(old.drain(1_000)).isZero();
        CompletableFuture<Text> waiting =
                CompletableFuture.supplyAsync(() -> caller.call("upper", new Text("x"), Text.class));
        Thread.sleep(150);
        assertThat(waiting).isNotDone();
        upper.add(provider(2, t -> new Text("new")));
        assertThat(waiting.get(5, TimeUnit.SECONDS).value()).isEqualTo("new");
    }

    @Test
    void aCallerAndAMessageWaitInTheSameQueueDuringASwapAndBothRunOnTheNewInstance() throws Exception {
        Endpoint upper = endpoint("upper", null, 5_000);
        Provider old = provider(1, t -> new Text("old"));
        upper.add(old);
        upper.remove(old);
        assertThat(old.drain(1_000)).isZero();
        CompletableFuture<Text> fromCaller =
                CompletableFuture.supplyAsync(() -> caller.call("upper", new Text("x"), Text.class));
        io.vertx.core.Future<Object> fromBus =
                vertx.eventBus().request(upper.address, new Text("y")).map(m -> m.body());
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (upper.waitingCount() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(upper.waitingCount())
                .as("one queue holds both kinds of call")
                .isEqualTo(2);
        upper.add(provider(2, t -> new Text("new:" + t.value())));
        assertThat(fromCaller.get(5, TimeUnit.SECONDS).value()).isEqualTo("new:x");
        assertThat(((Text) fromBus.await()).value()).isEqualTo("new:y");
        assertThat(upper.waitingCount()).isZero();
    }

    @Test
    void withNoReplacementTheCallerGetsServiceGone() {
        Endpoint upper = endpoint("upper", null, 200);
        Provider old = provider(1, t -> t);
        upper.add(old);
        upper.remove(old);
        long started = System.nanoTime();
        assertThatThrownBy(() -> caller.call("upper", new Text("x"), Text.class))
                .satisfies(e -> assertThat(((StoaException) e).code()).isEqualTo(FailureCode.SERVICE_GONE))
                .hasMessageContaining("swapWaitMs");
        assertThat((System.nanoTime() - started) / 1e6)
                .as("waited out swapWaitMs")
                .isGreaterThanOrEqualTo(190);
    }

    @Test
    void aBatchedServiceTakesTheCallIntoABatchWithTheBusCalls() throws Exception {
        Endpoint upper = endpoint("upper", new BatchSettings(8, 200_000_000L, 100, 1), 5_000); // 200 ms delay
        List<List<String>> batches = new CopyOnWriteArrayList<>();
        upper.add(StandInReference.provider(1, "upper", new Batched(inputs -> {
            batches.add(inputs.stream().map(Text::value).toList());
            return inputs.stream()
                    .map(t -> new Text(t.value().toUpperCase() + "/" + inputs.size()))
                    .toList();
        })));
        var overBus = vertx.eventBus().request(upper.address, new Text("bus")).map(m -> (Text) m.body());
        Text direct = caller.call("upper", new Text("direct"), Text.class);
        assertThat(direct.value()).isEqualTo("DIRECT/2");
        assertThat(overBus.await().value()).isEqualTo("BUS/2");
        assertThat(batches).hasSize(1);
        assertThat(batches.get(0)).containsExactlyInAnyOrder("bus", "direct");
    }

    @Test
    void aBatchedCallThatWaitsPastTheTimeoutIsWithdrawnAndTimesOut() throws Exception {
        Endpoint upper = endpoint("upper", new BatchSettings(8, 0, 100, 1), 300); // call timeout 300 ms
        CountDownLatch release = new CountDownLatch(1);
        Provider provider = StandInReference.provider(1, "upper", new Batched(inputs -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return inputs;
        }));
        upper.add(provider);
        var first = vertx.eventBus().request(upper.address, new Text("first")); // holds the only instance
        Thread.sleep(50);
        assertThatThrownBy(() -> caller.call("upper", new Text("late"), Text.class))
                .satisfies(e -> assertThat(((StoaException) e).code()).isEqualTo(FailureCode.TIMEOUT))
                .hasMessageContaining("callTimeoutMs");
        assertThat(upper.queued()).as("withdrawn from the queue").isZero();
        release.countDown();
        first.otherwiseEmpty().await();
        assertThat(provider.drain(5_000)).as("every call released its instance").isZero();
    }

    /** An endpoint with swapWaitMs {@code waitMs} (and the call timeout the same), callable through the caller. */
    private Endpoint endpoint(String id, BatchSettings batching, long waitMs) {
        Endpoint e = new Endpoint(vertx, new StandInConfig(waitMs, waitMs), "service", id, batching);
        e.open();
        caller.add(e);
        endpoints.add(e);
        return e;
    }

    /** An instance mapping each text; on an endpoint without batching entries it is called one input at a time. */
    private static Provider provider(long serviceId, Function<Text, Text> fn) {
        return StandInReference.provider(
                serviceId,
                "upper",
                new Batched(inputs -> inputs.stream().map(fn).toList()));
    }

    /** A batching service of texts: {@code batch} maps a batch, a single call is a batch of one. */
    private record Batched(Function<List<Text>, List<Text>> batch) implements BatchingService<Text, Text> {

        @Override
        public Class<Text> inputType() {
            return Text.class;
        }

        @Override
        public Class<Text> outputType() {
            return Text.class;
        }

        @Override
        public List<Text> callBatch(List<Text> inputs) {
            return batch.apply(inputs);
        }

        @Override
        public Text call(Text input) {
            return callBatch(List.of(input)).get(0);
        }
    }
}
