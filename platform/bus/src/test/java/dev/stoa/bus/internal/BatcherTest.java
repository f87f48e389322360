package dev.stoa.bus.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.BatchingService;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Text;
import dev.stoa.api.metrics.PrometheusText;
import dev.stoa.vertx.LocalCodecs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Dynamic batching of one address on a real Vert.x event bus: gathering by size and by delay, answers split back to
 * their callers, the queue bound, failure isolation, timeouts and hot swap. The registry is replaced by
 * {@link StandInReference} only to drive the endpoint directly.
 */
class BatcherTest {

    private Vertx vertx;
    private Endpoint endpoint;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        LocalCodecs.registerAll(vertx);
    }

    @AfterEach
    void tearDown() {
        if (endpoint != null) {
            endpoint.close();
        }
        vertx.close().await();
    }

    @Test
    void callsAreGatheredUpToTheMaxBatchSizeAndAnsweredEachWithItsOwnResult() throws Exception {
        Tagger service = new Tagger();
        CountDownLatch release = service.blockFirstBatch();
        open(new BatchSettings(4, 0, 100, 1), service);
        List<Future<Object>> calls = new ArrayList<>();
        calls.add(call("t0")); // runs alone at once (an instance is free, no delay) and blocks
        awaitBatches(service, 1);
        for (int i = 1; i <= 9; i++) {
            calls.add(call("t" + i)); // queue behind it: 9 calls make batches of 4, 4 and 1
        }
        awaitQueued(9);
        release.countDown();
        for (int i = 0; i < calls.size(); i++) {
            assertThat(((Text) calls.get(i).await()).value()).startsWith("T" + i + "/");
        }
        assertThat(service.batches)
                .containsExactly(
                        List.of("t0"), List.of("t1", "t2", "t3", "t4"), List.of("t5", "t6", "t7", "t8"), List.of("t9"));
        assertThat(endpoint.batchMetrics().batchSize().count()).isEqualTo(4);
        assertThat(endpoint.batchMetrics().batchSize().sum()).isEqualTo(10);
    }

    @Test
    void aPartialBatchWaitsForTheQueueDelayThenRuns() {
        Tagger service = new Tagger();
        open(new BatchSettings(8, 300_000_000L, 100, 1), service); // 300 ms
        long start = System.nanoTime();
        List<Future<Object>> calls = List.of(call("a"), call("b"), call("c"));
        for (Future<Object> f : calls) {
            f.await();
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(service.batches)
                .as("three calls within the delay share one batch")
                .containsExactly(List.of("a", "b", "c"));
        assertThat(ms).as("the batch waited for the delay").isGreaterThanOrEqualTo(250);
    }

    @Test
    void callsSentAsAGroupShareOneBatchWhereTheFirstWouldRunAlone() throws Exception {
        Tagger service = new Tagger();
        open(new BatchSettings(32, 0, 100, 1), service); // no queue delay: a lone call runs at once
        List<Future<Object>> grouped = new CopyOnWriteArrayList<>();
        CountDownLatch sent = new CountDownLatch(1);
        // sent in one event-loop turn, as a front-end sends one request's inputs
        vertx.runOnContext(v -> {
            for (int i = 0; i < 5; i++) {
                grouped.add(call("g" + i, 5));
            }
            sent.countDown();
        });
        assertThat(sent.await(5, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 5; i++) {
            assertThat(((Text) grouped.get(i).await()).value()).isEqualTo("G" + i + "/5");
        }
        assertThat(service.batches).containsExactly(List.of("g0", "g1", "g2", "g3", "g4"));
    }

    @Test
    void aGroupWhoseRestNeverComesRunsAfterTheGroupWait() {
        Tagger service = new Tagger();
        open(new BatchSettings(32, 0, 100, 1), service);
        long start = System.nanoTime();
        Future<Object> a = call("a", 3);
        Future<Object> b = call("b", 3);
        assertThat(((Text) a.await()).value()).isEqualTo("A/2");
        assertThat(((Text) b.await()).value()).isEqualTo("B/2");
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(ms).as("waited at most about the group wait").isLessThan(1_000);
        assertThat(service.batches).containsExactly(List.of("a", "b"));
    }

    @Test
    void aFullBatchDoesNotWaitForTheDelay() {
        Tagger service = new Tagger();
        open(new BatchSettings(2, 60_000_000_000L, 100, 1), service); // a minute
        Future<Object> a = call("a");
        Future<Object> b = call("b");
        assertThat(((Text) a.await()).value()).isEqualTo("A/2");
        assertThat(((Text) b.await()).value()).isEqualTo("B/2");
    }

    @Test
    void aFullQueueFailsWithOverloadedNamingTheSetting() throws Exception {
        Tagger service = new Tagger();
        CountDownLatch release = service.blockFirstBatch();
        open(new BatchSettings(8, 0, 2, 1), service);
        Future<Object> running = call("r");
        awaitBatches(service, 1);
        Future<Object> q1 = call("q1");
        Future<Object> q2 = call("q2");
        awaitQueued(2);
        ReplyException e = failure(call("over"));
        assertThat(FailureCode.of(e.failureCode())).isEqualTo(FailureCode.OVERLOADED);
        assertThat(e.getMessage()).contains("batching.upper.max_queue_size");
        release.countDown();
        assertThat(((Text) running.await()).value()).isEqualTo("R/1");
        assertThat(((Text) q1.await()).value()).isEqualTo("Q1/2");
        assertThat(((Text) q2.await()).value()).isEqualTo("Q2/2");
    }

    @Test
    void anInputThatFailsValidationFailsAloneAndStaysOutOfTheBatch() throws Exception {
        Tagger service = new Tagger();
        CountDownLatch release = service.blockFirstBatch();
        open(new BatchSettings(8, 0, 100, 1), service);
        Future<Object> first = call("first");
        awaitBatches(service, 1);
        Future<Object> good1 = call("good1");
        Future<Object> bad = call("");
        Future<Object> good2 = call("good2");
        awaitQueued(3);
        release.countDown();
        first.await();
        ReplyException e = failure(bad);
        assertThat(FailureCode.of(e.failureCode())).isEqualTo(FailureCode.BAD_INPUT);
        assertThat(e.getMessage()).contains("'text'");
        assertThat(((Text) good1.await()).value()).isEqualTo("GOOD1/2");
        assertThat(((Text) good2.await()).value()).isEqualTo("GOOD2/2");
        assertThat(service.batches.get(1)).containsExactly("good1", "good2");
    }

    @Test
    void aBatchFailingOnOneInputIsRetriedOneByOneSoOnlyThatCallerFails() throws Exception {
        Tagger service = new Tagger();
        CountDownLatch release = service.blockFirstBatch();
        open(new BatchSettings(8, 0, 100, 1), service);
        Future<Object> first = call("first");
        awaitBatches(service, 1);
        Future<Object> good = call("good");
        Future<Object> poison = call("poison"); // passes validate(), fails the whole batch with BAD_INPUT
        awaitQueued(2);
        release.countDown();
        first.await();
        assertThat(((Text) good.await()).value())
                .as("answered by the one-at-a-time retry")
                .isEqualTo("GOOD/1");
        ReplyException e = failure(poison);
        assertThat(FailureCode.of(e.failureCode())).isEqualTo(FailureCode.BAD_INPUT);
        assertThat(e.getMessage()).contains("poison");
    }

    @Test
    void anEngineFailureFailsEveryCallOfTheBatchWithTheSameCode() throws Exception {
        Tagger service = new Tagger();
        CountDownLatch release = service.blockFirstBatch();
        open(new BatchSettings(8, 0, 100, 1), service);
        Future<Object> first = call("first");
        awaitBatches(service, 1);
        Future<Object> a = call("a");
        Future<Object> crash = call("crash"); // the engine fails on the batch as a whole
        awaitQueued(2);
        release.countDown();
        first.await();
        for (Future<Object> f : List.of(a, crash)) {
            ReplyException e = failure(f);
            assertThat(FailureCode.of(e.failureCode())).isEqualTo(FailureCode.INTERNAL);
            assertThat(e.getMessage()).contains("engine crashed");
        }
        assertThat(endpoint.describe().failures()).isEqualTo(2);
    }

    @Test
    void severalInstancesRunBatchesInParallel() throws Exception {
        Tagger service = new Tagger();
        CountDownLatch release = service.blockFirstBatch();
        open(new BatchSettings(8, 0, 100, 2), service);
        Future<Object> blocked = call("blocked");
        awaitBatches(service, 1);
        // the first instance is held; the second still serves
        assertThat(((Text) call("free").await()).value()).isEqualTo("FREE/1");
        release.countDown();
        assertThat(((Text) blocked.await()).value()).isEqualTo("BLOCKED/1");
    }

    @Test
    void jsonCallsAreBatchedAndAnsweredAsJson() throws Exception {
        Tagger service = new Tagger();
        CountDownLatch release = service.blockFirstBatch();
        open(new BatchSettings(8, 0, 100, 1), service);
        Future<Object> first = call("first");
        awaitBatches(service, 1);
        Future<Object> json = vertx.eventBus()
                .request(endpoint.address, new JsonObject().put("text", "js"))
                .map(m -> m.body());
        Future<Object> record = call("rec");
        awaitQueued(2);
        release.countDown();
        first.await();
        assertThat(((JsonObject) json.await()).getString("text")).isEqualTo("JS/2");
        assertThat(((Text) record.await()).value()).isEqualTo("REC/2");
    }

    @Test
    void aCallTimingOutInTheQueueIsAnsweredAndReleasesItsInstance() throws Exception {
        Tagger service = new Tagger();
        CountDownLatch release = service.blockFirstBatch();
        endpoint =
                new Endpoint(vertx, new StandInConfig(300, 500), "service", "upper", new BatchSettings(8, 0, 100, 1));
        endpoint.open();
        Provider provider = StandInReference.provider(1, "upper", service);
        endpoint.add(provider);
        Future<Object> first = call("first");
        awaitBatches(service, 1);
        Future<Object> queued = call("late");
        ReplyException e = failure(queued);
        assertThat(FailureCode.of(e.failureCode())).isEqualTo(FailureCode.TIMEOUT);
        assertThat(endpoint.queued()).as("withdrawn from the queue").isZero();
        release.countDown();
        failure(first); // timed out too, while running
        assertThat(provider.drain(5_000)).as("every call released its instance").isZero();
        assertThat(service.batches).containsExactly(List.of("first"));
    }

    @Test
    void hotSwapDrainsQueuedCallsOnTheOldInstanceWhileNewCallsGoToTheNewOne() throws Exception {
        Tagger oldService = new Tagger("old");
        CountDownLatch release = oldService.blockFirstBatch();
        Provider old = open(new BatchSettings(8, 0, 100, 1), oldService);
        Future<Object> running = call("r");
        awaitBatches(oldService, 1);
        Future<Object> q1 = call("q1");
        Future<Object> q2 = call("q2");
        awaitQueued(2);

        endpoint.remove(old);
        Tagger newService = new Tagger("new");
        endpoint.add(StandInReference.provider(2, "upper", newService));
        assertThat(((Text) call("n").await()).value()).isEqualTo("N/1new");
        assertThat(old.drain(100))
                .as("the old instance still holds its running and queued calls")
                .isEqualTo(3);

        release.countDown();
        assertThat(old.drain(5_000)).isZero();
        assertThat(((Text) running.await()).value()).isEqualTo("R/1old");
        assertThat(((Text) q1.await()).value()).isEqualTo("Q1/2old");
        assertThat(((Text) q2.await()).value()).isEqualTo("Q2/2old");
    }

    @Test
    void metricsReportBatchSizesAndQueueDelays() {
        Tagger service = new Tagger();
        open(new BatchSettings(8, 0, 100, 1), service);
        call("a").await();
        PrometheusText out = new PrometheusText();
        endpoint.batchMetrics().batchSize().writeTo(out, "stoa_service_batch_size", "id", "upper");
        endpoint.batchMetrics().queueDelay().writeTo(out, "stoa_service_queue_delay_seconds", "id", "upper");
        assertThat(out.toString())
                .contains("stoa_service_batch_size_bucket{id=\"upper\",le=\"1.0\"} 1\n")
                .contains("stoa_service_queue_delay_seconds_count{id=\"upper\"} 1\n");
    }

    @Test
    void settingsAreReadPerServiceAndBadEntriesAreNamed() {
        Map<String, Object> properties = new HashMap<>();
        properties.put("batching.all-minilm-l6-v2.max_batch_size", "16");
        properties.put("batching.all-minilm-l6-v2.max_queue_delay_us", 500);
        properties.put("batching.a.b.instances", "3"); // an id with a dot
        properties.put("batching.x.max_batch", "4");
        properties.put("batching.y.instances", "0");
        properties.put("batching.z.max_queue_size", "many");
        properties.put("callTimeoutMs", "100");
        List<String> problems = new ArrayList<>();
        Map<String, BatchSettings> settings = BatchSettings.parse(properties, problems);
        assertThat(settings).containsOnlyKeys("all-minilm-l6-v2", "a.b");
        assertThat(settings.get("all-minilm-l6-v2"))
                .isEqualTo(new BatchSettings(16, 500_000, BatchSettings.DEFAULT_QUEUE_SIZE, 1));
        assertThat(settings.get("a.b").instances()).isEqualTo(3);
        assertThat(settings.get("a.b").batchSizeFor(32))
                .as("the service's own maximum")
                .isEqualTo(32);
        assertThat(settings.get("all-minilm-l6-v2").batchSizeFor(8))
                .as("never above the service's")
                .isEqualTo(8);
        assertThat(problems).hasSize(3);
        assertThat(problems)
                .anySatisfy(
                        p -> assertThat(p).contains("'batching.x.max_batch'").contains("max_batch_size"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("'batching.y.instances' is 0"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("'batching.z.max_queue_size' is 'many'"));
    }

    /** Opens the endpoint with one instance of {@code service}. */
    private Provider open(BatchSettings settings, Tagger service) {
        endpoint = new Endpoint(vertx, new StandInConfig(10_000, 500), "service", "upper", settings);
        endpoint.open();
        Provider provider = StandInReference.provider(1, "upper", service);
        endpoint.add(provider);
        return provider;
    }

    private Future<Object> call(String text) {
        return vertx.eventBus().request(endpoint.address, new Text(text)).map(m -> m.body());
    }

    /** A call sent as one of {@code group} ({@link BatchingService#GROUP_HEADER}). */
    private Future<Object> call(String text, int group) {
        return vertx.eventBus()
                .request(
                        endpoint.address,
                        new Text(text),
                        new io.vertx.core.eventbus.DeliveryOptions()
                                .addHeader(BatchingService.GROUP_HEADER, Integer.toString(group)))
                .map(m -> m.body());
    }

    private void awaitQueued(int n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5_000;
        while (endpoint.queued() < n && System.currentTimeMillis() < deadline) {
            Thread.sleep(2);
        }
        assertThat(endpoint.queued()).isEqualTo(n);
    }

    private static void awaitBatches(Tagger service, int n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5_000;
        while (service.batches.size() < n && System.currentTimeMillis() < deadline) {
            Thread.sleep(2);
        }
        assertThat(service.batches).hasSize(n);
    }

    private static ReplyException failure(Future<?> f) {
        try {
            f.await();
        } catch (ReplyException e) {
            return e;
        }
        throw new AssertionError("expected the call to fail");
    }

    /**
     * Upper-cases each text and tags it with its batch's size and the instance's name ({@code "ab" -> "AB/3old"}),
     * so a test sees which batch and instance answered whom. Empty text fails {@link #validate}; "poison" passes it
     * but fails any call it is part of with BAD_INPUT; "crash" fails its batch as an engine error would.
     */
    private static final class Tagger implements BatchingService<Text, Text> {

        final List<List<String>> batches = new CopyOnWriteArrayList<>();
        private final String name;
        private volatile Consumer<List<Text>> firstBatchHook = b -> {};

        Tagger() {
            this("");
        }

        Tagger(String name) {
            this.name = name;
        }

        /** @return a latch that the first batch waits on, so the calls after it queue */
        CountDownLatch blockFirstBatch() {
            CountDownLatch release = new CountDownLatch(1);
            firstBatchHook = b -> {
                firstBatchHook = x -> {};
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
            return release;
        }

        @Override
        public Class<Text> inputType() {
            return Text.class;
        }

        @Override
        public Class<Text> outputType() {
            return Text.class;
        }

        @Override
        public void validate(Text input) {
            if (input.value().isEmpty()) {
                throw StoaException.badInput("text", "is empty; send at least one character");
            }
        }

        @Override
        public Text call(Text input) {
            return callBatch(List.of(input)).get(0);
        }

        @Override
        public List<Text> callBatch(List<Text> inputs) {
            batches.add(inputs.stream().map(Text::value).toList());
            firstBatchHook.accept(inputs);
            for (Text t : inputs) {
                if (t.value().equals("poison")) {
                    throw StoaException.badInput("text", "'poison' cannot be read; send another text");
                }
                if (t.value().equals("crash")) {
                    throw new IllegalStateException("engine crashed");
                }
            }
            return inputs.stream()
                    .map(t -> new Text(t.value().toUpperCase() + "/" + inputs.size() + name))
                    .toList();
        }
    }
}
