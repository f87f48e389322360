package dev.stoa.bus.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.Cancellation;
import dev.stoa.api.FailureCode;
import dev.stoa.api.PieceSink;
import dev.stoa.api.ServiceProperties;
import dev.stoa.api.StoaException;
import dev.stoa.api.StoaService;
import dev.stoa.api.StreamingService;
import dev.stoa.api.data.Text;
import dev.stoa.vertx.BusFailures;
import dev.stoa.vertx.CallOptions;
import dev.stoa.vertx.LocalCodecs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bus's flow control on a real Vert.x event bus: the in-flight bound per service, callers' deadlines (a call that
 * waited past its deadline never runs) and cancellation (a cancel message reaches a queued or running call; a running
 * service sees {@link Cancellation#current()} fire and stops within one step).
 */
class FlowControlTest {

    /** One worker thread, so a second call waits in Vert.x's worker queue while the first runs. */
    private Vertx vertx;

    private final List<Endpoint> endpoints = new ArrayList<>();

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(1));
        LocalCodecs.registerAll(vertx);
    }

    @AfterEach
    void tearDown() {
        endpoints.forEach(Endpoint::close);
        vertx.close().await();
    }

    /** A service that counts its invocations and holds each until the gate opens. */
    private static final class Gated implements StoaService<Text, Text> {
        final AtomicInteger invocations = new AtomicInteger();
        final CountDownLatch gate = new CountDownLatch(1);

        @Override
        public Class<Text> inputType() {
            return Text.class;
        }

        @Override
        public Class<Text> outputType() {
            return Text.class;
        }

        @Override
        public Text call(Text input) {
            invocations.incrementAndGet();
            try {
                gate.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return input;
        }
    }

    /** A generator that produces one piece per 20 ms step, for 500 steps, checking its cancellation before each. */
    private static final class Counting implements StreamingService<Text, Text> {
        final AtomicInteger steps = new AtomicInteger();
        final CountDownLatch stopped = new CountDownLatch(1);
        volatile String stopReason;

        @Override
        public Class<Text> inputType() {
            return Text.class;
        }

        @Override
        public Class<Text> outputType() {
            return Text.class;
        }

        @Override
        public Text stream(Text input, PieceSink sink) {
            Cancellation cancellation = Cancellation.current();
            try {
                for (int i = 0; i < 500; i++) {
                    if (cancellation.isCancelled()) {
                        stopReason = cancellation.reason();
                        cancellation.throwIfCancelled();
                    }
                    steps.incrementAndGet();
                    sink.accept("t" + i + " ");
                    Thread.sleep(20);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                stopped.countDown();
            }
            return input;
        }
    }

    private Endpoint endpoint(
            StandInConfig config, Integer maxInFlight, StoaService<?, ?> service, Map<String, Object> props) {
        Endpoint e = new Endpoint(vertx, config, "service", "svc", null, maxInFlight, null);
        e.open();
        e.add(StandInReference.provider(1, "svc", service, props));
        endpoints.add(e);
        return e;
    }

    private Future<Message<Object>> send(Endpoint e, Object body, DeliveryOptions options) {
        return vertx.eventBus().request(e.address, body, options);
    }

    private static ReplyException failure(Future<?> f) {
        try {
            f.await(10, TimeUnit.SECONDS);
        } catch (ReplyException e) {
            return e;
        } catch (Exception e) {
            throw new AssertionError("expected a failure, got " + e, e);
        }
        throw new AssertionError("expected a failure, got an answer");
    }

    @Test
    void callsOverTheBoundAreRefusedAtOnceWithOverloadedWhileTheAdmittedOnesAreServed() throws Exception {
        vertx.close().await();
        vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(8));
        LocalCodecs.registerAll(vertx);
        Gated service = new Gated();
        Endpoint e = endpoint(new StandInConfig(10_000, 500, 2), null, service, Map.of());
        Future<Message<Object>> first = send(e, new Text("a"), new DeliveryOptions());
        Future<Message<Object>> second = send(e, new Text("b"), new DeliveryOptions());
        long deadline = System.currentTimeMillis() + 5_000;
        while (service.invocations.get() < 2 && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
        long sent = System.nanoTime();
        ReplyException third = failure(send(e, new Text("c"), new DeliveryOptions()));
        long tookMs = (System.nanoTime() - sent) / 1_000_000;
        assertThat(third.failureCode()).isEqualTo(FailureCode.OVERLOADED.code());
        assertThat(third.getMessage()).contains("2 calls in flight").contains("maxInFlight in etc/dev.stoa.bus.cfg");
        assertThat(tookMs).as("refused at once, not queued").isLessThan(1_000);
        assertThat(e.metrics().overloadedCount()).isEqualTo(1);

        service.gate.countDown();
        assertThat(((Text) first.await().body()).value()).isEqualTo("a");
        assertThat(((Text) second.await().body()).value()).isEqualTo("b");
        // the slots are free again: the next call runs
        assertThat(((Text) send(e, new Text("d"), new DeliveryOptions()).await().body()).value())
                .isEqualTo("d");
        assertThat(service.invocations.get()).as("the refused call never ran").isEqualTo(3);
        assertThat(e.limit().inFlight()).isZero();
    }

    @Test
    void theServicePropertySetsTheBoundAndAnEntryForTheIdOverridesIt() throws Exception {
        Gated byProperty = new Gated();
        Endpoint e = endpoint(
                new StandInConfig(10_000, 500, 64), null, byProperty, Map.of(ServiceProperties.MAX_IN_FLIGHT, "1"));
        assertThat(e.limit().max()).isEqualTo(1);
        Future<Message<Object>> held = send(e, new Text("a"), new DeliveryOptions());
        ReplyException refused = failure(send(e, new Text("b"), new DeliveryOptions()));
        assertThat(refused.failureCode()).isEqualTo(FailureCode.OVERLOADED.code());
        assertThat(refused.getMessage()).contains(ServiceProperties.MAX_IN_FLIGHT);
        byProperty.gate.countDown();
        held.await();

        Endpoint configured =
                new Endpoint(vertx, new StandInConfig(10_000, 500, 64), "service", "other", null, 5, null);
        endpoints.add(configured);
        configured.add(
                StandInReference.provider(2, "other", new Gated(), Map.of(ServiceProperties.MAX_IN_FLIGHT, "1")));
        assertThat(configured.limit().max())
                .as("maxInFlight.<id> wins over the property")
                .isEqualTo(5);

        List<String> problems = new ArrayList<>();
        Map<String, Integer> parsed = InFlightLimit.parse(
                Map.of("maxInFlight.gpt-tiny", "4", "maxInFlight.bad", "many", "maxInFlight.", "3", "maxInFlight", "9"),
                problems);
        assertThat(parsed).isEqualTo(Map.of("gpt-tiny", 4));
        assertThat(problems).hasSize(2).anyMatch(p -> p.contains("'maxInFlight.bad' is 'many'; write a whole number"));
    }

    @Test
    void aCallThatWaitedForAWorkerPastItsCallersDeadlineIsAnsweredTimeoutAndNeverRuns() throws Exception {
        Gated service = new Gated();
        Endpoint e = endpoint(new StandInConfig(10_000, 500, 64), null, service, Map.of());
        Future<Message<Object>> first = send(e, new Text("a"), new DeliveryOptions());
        long deadline = System.currentTimeMillis() + 5_000;
        while (service.invocations.get() < 1 && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
        // the one worker is busy: this call waits in the worker queue, and its caller waits 150 ms
        long sent = System.nanoTime();
        ReplyException late = failure(send(e, new Text("b"), CallOptions.of(null, 150)));
        long tookMs = (System.nanoTime() - sent) / 1_000_000;
        // the bus's answer and the sender's own send timeout race; both read as TIMEOUT
        assertThat(BusFailures.codeOf(late)).isEqualTo(FailureCode.TIMEOUT);
        assertThat(tookMs)
                .as("answered at the caller's deadline, not the bus's 10 s")
                .isBetween(100L, 2_000L);
        service.gate.countDown();
        first.await();
        Thread.sleep(200); // the worker now takes the expired call from its queue
        assertThat(service.invocations.get()).as("the expired call was not run").isEqualTo(1);
        assertThat(e.metrics().notStartedCount()).isEqualTo(1);
        assertThat(e.limit().inFlight()).isZero();

        // a call that arrives with no time left is not run either
        ReplyException none = failure(send(e, new Text("c"), CallOptions.of(null, 0)));
        assertThat(BusFailures.codeOf(none)).isEqualTo(FailureCode.TIMEOUT);
        assertThat(service.invocations.get()).isEqualTo(1);
    }

    @Test
    void aCancelMessageStopsARunningGeneratorWithinOneStepAndAnswersCancelled() throws Exception {
        Counting generator = new Counting();
        Endpoint e = endpoint(new StandInConfig(30_000, 500, 64), null, generator, Map.of());
        CountDownLatch threePieces = new CountDownLatch(3);
        vertx.eventBus()
                .consumer("stoa.test.pieces", m -> threePieces.countDown())
                .completion()
                .await();
        String token = CallOptions.newToken();
        Future<Message<Object>> call = send(
                e,
                new Text("go"),
                CallOptions.of(token, 30_000).addHeader(StreamingService.STREAM_HEADER, "stoa.test.pieces"));
        assertThat(threePieces.await(10, TimeUnit.SECONDS)).isTrue();

        int atCancel = generator.steps.get();
        long sent = System.nanoTime();
        CallOptions.cancel(vertx, token);
        ReplyException cancelled = failure(call);
        long answeredMs = (System.nanoTime() - sent) / 1_000_000;
        assertThat(cancelled.failureCode()).isEqualTo(FailureCode.CANCELLED.code());
        assertThat(generator.stopped.await(5, TimeUnit.SECONDS)).isTrue();
        int after = generator.steps.get() - atCancel;
        System.out.printf("[measure] cancel answered in %d ms; %d steps decoded after the cancel%n", answeredMs, after);
        assertThat(after).as("steps begun after the cancel was sent").isLessThanOrEqualTo(1);
        assertThat(generator.stopReason).isEqualTo("the caller went away");
        assertThat(e.metrics().cancelledCount()).isEqualTo(1);
        Thread.sleep(50);
        assertThat(e.limit().inFlight())
                .as("the slot is free once the generator returned")
                .isZero();
    }

    @Test
    void aCancelTakesACallWaitingForAWorkerOutWithoutRunningIt() throws Exception {
        Gated service = new Gated();
        Endpoint e = endpoint(new StandInConfig(30_000, 500, 64), null, service, Map.of());
        Future<Message<Object>> first = send(e, new Text("a"), new DeliveryOptions());
        long deadline = System.currentTimeMillis() + 5_000;
        while (service.invocations.get() < 1 && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
        String token = CallOptions.newToken();
        Future<Message<Object>> queued = send(e, new Text("b"), CallOptions.of(token, 30_000));
        Thread.sleep(50);
        CallOptions.cancel(vertx, token);
        assertThat(failure(queued).failureCode()).isEqualTo(FailureCode.CANCELLED.code());
        service.gate.countDown();
        first.await();
        Thread.sleep(200);
        assertThat(service.invocations.get())
                .as("the cancelled call was not run")
                .isEqualTo(1);

        // a call whose cancel came before it: refused on arrival
        String early = CallOptions.newToken();
        CallOptions.cancel(vertx, early);
        Thread.sleep(50);
        assertThat(failure(send(e, new Text("c"), CallOptions.of(early, 30_000)))
                        .failureCode())
                .isEqualTo(FailureCode.CANCELLED.code());
        assertThat(service.invocations.get()).isEqualTo(1);
    }

    @Test
    void aTimeoutStopsTheRunningGeneratorToo() throws Exception {
        Counting generator = new Counting();
        Endpoint e = endpoint(new StandInConfig(150, 500, 64), null, generator, Map.of());
        ReplyException timedOut = failure(send(e, new Text("go"), new DeliveryOptions()));
        assertThat(timedOut.failureCode()).isEqualTo(FailureCode.TIMEOUT.code());
        assertThat(generator.stopped.await(5, TimeUnit.SECONDS)).isTrue();
        // 150 ms of 20 ms steps: about 8, far from the 500 it would run without the cancellation
        assertThat(generator.steps.get()).isLessThan(30);
        assertThat(generator.stopReason).contains("timed out after 150 ms");
    }

    @Test
    void aServiceCallerCallMadeOnACallsBehalfIsCancelledWithIt() throws Exception {
        Counting generator = new Counting();
        Endpoint e = endpoint(new StandInConfig(30_000, 500, 64), null, generator, Map.of());
        Cancellation outer = Cancellation.create("outer", Long.MAX_VALUE);
        CountDownLatch running = new CountDownLatch(1);
        List<Throwable> thrown = new ArrayList<>();
        Thread caller = new Thread(() -> {
            try (Cancellation.Scope bound = outer.enter()) {
                running.countDown();
                e.callHere(new Text("go"));
            } catch (Throwable t) {
                thrown.add(t);
            }
        });
        caller.start();
        assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(100);
        outer.cancel("the outer call's client went away");
        caller.join(5_000);
        assertThat(thrown).hasSize(1);
        assertThat(thrown.get(0)).isInstanceOf(StoaException.class);
        assertThat(((StoaException) thrown.get(0)).code()).isEqualTo(FailureCode.CANCELLED);
        assertThat(generator.stopReason).isEqualTo("the outer call's client went away");
        assertThat(generator.steps.get()).isLessThan(30);
    }
}
