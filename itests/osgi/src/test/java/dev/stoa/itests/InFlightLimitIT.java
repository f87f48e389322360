package dev.stoa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.stoa.api.Cancellation;
import dev.stoa.api.FailureCode;
import dev.stoa.api.ServiceProperties;
import dev.stoa.api.StoaService;
import dev.stoa.api.data.Text;
import dev.stoa.api.runtime.ServiceDirectory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The bus's in-flight bound and callers' deadlines in the real distribution: calls over a service's bound get
 * {@code OVERLOADED} (HTTP 429 with {@code Retry-After}) at once while the admitted calls are served, and a call that
 * waited for a worker thread past its caller's deadline is never run.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class InFlightLimitIT extends StoaTestSupport {

    /** Counts its invocations (and remembers their inputs) and holds each until the gate opens. */
    static final class Gated implements StoaService<Text, Text> {
        final AtomicInteger invocations = new AtomicInteger();
        final Set<String> inputs = ConcurrentHashMap.newKeySet();
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
            inputs.add(input.value());
            try {
                gate.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return input;
        }
    }

    private Gated register(String id, Integer maxInFlight) throws Exception {
        Gated g = new Gated();
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(ServiceProperties.ID, id);
        props.put(ServiceProperties.KIND, "service");
        if (maxInFlight != null) {
            props.put(ServiceProperties.MAX_IN_FLIGHT, maxInFlight);
        }
        context.registerService(StoaService.class, g, props);
        ServiceDirectory directory = service(ServiceDirectory.class);
        await(
                id + " exported",
                () -> directory.services().stream()
                        .anyMatch(s -> s.id().equals(id) && s.state().equals("available")));
        return g;
    }

    private static void awaitCount(AtomicInteger n, int at, long ms) throws InterruptedException {
        long deadline = System.currentTimeMillis() + ms;
        while (n.get() < at && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
    }

    @Test
    public void callsOverTheBoundGetOverloadedAtOnceWhileTheServiceKeepsServing() throws Exception {
        Gated gated = register("gated", 2);
        Gated other = register("other", null);
        other.gate.countDown();
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        List<CompletableFuture<HttpResponse<String>>> admitted = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            admitted.add(client.sendAsync(
                    HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/services/gated"))
                            .timeout(Duration.ofSeconds(60))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"text\": \"held " + i + "\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        awaitCount(gated.invocations, 2, 30_000);
        assertEquals(2, gated.invocations.get());

        // 20 more while both slots are taken: each refused at once, none run
        long[] ms = new long[20];
        for (int i = 0; i < ms.length; i++) {
            long t = System.nanoTime();
            HttpResponse<String> refused = httpPost("/v1/services/gated", "{\"text\": \"extra\"}");
            ms[i] = (System.nanoTime() - t) / 1_000_000;
            assertEquals(refused.body(), 429, refused.statusCode());
            JsonObject error = new JsonObject(refused.body());
            assertEquals("OVERLOADED", error.getString("error"));
            assertTrue(error.getString("message"), error.getString("message").contains("stoa.max.in.flight"));
            assertEquals("1", refused.headers().firstValue("Retry-After").orElse(null));
        }
        Arrays.sort(ms);
        System.out.printf(
                "[measure] 20 calls over a bound of 2: refused with 429 in p50 %d ms, max %d ms (HTTP round trip)%n",
                ms[ms.length / 2], ms[ms.length - 1]);
        assertTrue("refused quickly, max " + ms[ms.length - 1] + " ms", ms[ms.length - 1] < 2_000);
        assertEquals("the refused calls never ran", 2, gated.invocations.get());

        // the platform and other services keep serving meanwhile
        HttpResponse<String> fine = httpPost("/v1/services/other", "{\"text\": \"still here\"}");
        assertEquals(fine.body(), 200, fine.statusCode());

        gated.gate.countDown();
        for (CompletableFuture<HttpResponse<String>> f : admitted) {
            HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
            assertEquals(r.body(), 200, r.statusCode());
        }
        HttpResponse<String> again = httpPost("/v1/services/gated", "{\"text\": \"after\"}");
        assertEquals(again.body(), 200, again.statusCode());
        assertEquals("after", new JsonObject(again.body()).getString("text"));
        String metrics = http("/metrics").body();
        assertTrue(metrics, metrics.contains("stoa_service_overloaded_total{id=\"gated\",kind=\"service\"} 20"));
    }

    @Test
    public void aCallQueuedPastItsCallersDeadlineNeverRuns() throws Exception {
        Gated slow = register("deadline", 200);
        Vertx vertx = service(Vertx.class);
        // more calls than the worker pool has threads: the rest wait in its queue
        List<Future<?>> held = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            held.add(vertx.eventBus()
                    .request(
                            "stoa.service.deadline",
                            new Text("held " + i),
                            new DeliveryOptions().setSendTimeout(60_000)));
        }
        int workers = -1;
        for (int stable = 0; stable < 5; ) {
            int now = slow.invocations.get();
            stable = now == workers && now > 0 ? stable + 1 : 0;
            workers = now;
            Thread.sleep(100);
        }
        assertTrue("the worker pool is smaller than 40: " + workers, workers < 40);

        long sent = System.nanoTime();
        ReplyException late = null;
        try {
            // the caller waits 300 ms, and says so in the stoa.timeout-ms header
            vertx.eventBus()
                    .request(
                            "stoa.service.deadline",
                            new Text("late"),
                            new DeliveryOptions().setSendTimeout(300).addHeader(Cancellation.TIMEOUT_HEADER, "300"))
                    .await(30, TimeUnit.SECONDS);
        } catch (ReplyException e) {
            late = e;
        }
        long tookMs = (System.nanoTime() - sent) / 1_000_000;
        assertTrue("the late call failed", late != null);
        // the bus's TIMEOUT and the sender's own send timeout race: either is a timeout
        assertTrue(
                late.toString(),
                late.failureType() == ReplyFailure.TIMEOUT || late.failureCode() == FailureCode.TIMEOUT.code());
        assertTrue("answered at its deadline: " + tookMs + " ms", tookMs < 5_000);

        slow.gate.countDown();
        for (Future<?> f : held) {
            f.await(60, TimeUnit.SECONDS);
        }
        Thread.sleep(300);
        System.out.printf(
                "[measure] %d workers busy; a call with a 300 ms deadline answered TIMEOUT in %d ms; invocations"
                        + " afterwards %d (40 held)%n",
                workers, tookMs, slow.invocations.get());
        assertEquals("only the 40 held calls ran", 40, slow.invocations.get());
        assertFalse("the late call never ran", slow.inputs.contains("late"));
        String metrics = http("/metrics").body();
        assertTrue(metrics, metrics.contains("stoa_service_not_started_total{id=\"deadline\",kind=\"service\"} 1"));
    }
}
