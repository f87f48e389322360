package dev.stoa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import dev.stoa.api.train.TrainingService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * What the web console reads, against the real distribution: one client holds {@code GET /v1/events} open with the
 * local admin key (as the console does, with fetch() and the Authorization header) while the example bundle
 * (bundles/examples/shout) is deployed, called and removed, and a short training runs; the stream carries the
 * bundle's state changes, the deploy verdict, the service's registration and the run's progress, and
 * {@code GET /v1/trainings/{id}/metrics} then answers every logged step from the first.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ConsoleDataIT extends StoaTestSupport {

    private static final String SHOUT = "dev.stoa.examples.shout";

    /** Copies the example bundle built by the reactor beside the test's other bundles. Outside the framework. */
    @Override
    protected void buildBundles(Path dir) throws IOException {
        Files.copy(
                Path.of(System.getProperty("stoa.shout.jar")),
                dir.resolve("shout.jar"),
                StandardCopyOption.REPLACE_EXISTING);
    }

    private record Event(String kind, JsonObject data, long arrived) {}

    /** Reads the stream on a thread of its own into {@code events} until the connection closes. */
    private Thread read(Stream<String> lines, List<Event> events) {
        Thread t = new Thread(
                () -> {
                    String kind = null;
                    try {
                        for (Iterator<String> it = lines.iterator(); it.hasNext(); ) {
                            String line = it.next();
                            if (line.startsWith("event: ")) {
                                kind = line.substring(7);
                            } else if (line.startsWith("data: ")) {
                                events.add(new Event(kind, new JsonObject(line.substring(6)), System.nanoTime()));
                            }
                        }
                    } catch (RuntimeException closed) {
                        // the stream ends with the test
                    }
                },
                "console-events");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void awaitEvent(List<Event> events, String what, String kind, Predicate<JsonObject> test)
            throws InterruptedException {
        await(what, () -> events.stream().anyMatch(e -> e.kind().equals(kind) && test.test(e.data())));
    }

    @Test
    public void theEventStreamFollowsABundleAndATrainingAndTheHistoryHasEveryStep() throws Exception {
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        await("the gateway answers", () -> status("/v1/bundles") == 200);
        HttpResponse<Stream<String>> stream = client.send(
                withKey(HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/events")))
                        .build(),
                HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, stream.statusCode());
        assertTrue(stream.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        List<Event> events = new CopyOnWriteArrayList<>();
        read(stream.body(), events);
        awaitEvent(events, "hello", "hello", d -> d.getJsonArray("kinds").contains("training"));

        // anonymous from loopback, as the shipped configuration allows: a read like any other GET
        HttpResponse<Stream<String>> anonymous = client.send(
                HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/events?kinds=error"))
                        .build(),
                HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, anonymous.statusCode());
        assertTrue(anonymous.body().findFirst().orElse("").startsWith("event: hello"));
        anonymous.body().close();

        // the example bundle: deployed, its state changes and its service as they happen
        long copied = System.nanoTime();
        deploy(builtBundles().resolve("shout.jar"), "shout.jar");
        awaitEvent(
                events,
                "shout STARTED",
                "bundle",
                d -> SHOUT.equals(d.getString("symbolicName"))
                        && "STARTED".equals(d.getString("change"))
                        && "ACTIVE".equals(d.getString("state")));
        assertTrue(
                "INSTALLED came first",
                events.stream()
                        .anyMatch(e -> e.kind().equals("bundle")
                                && SHOUT.equals(e.data().getString("symbolicName"))
                                && "INSTALLED".equals(e.data().getString("change"))));
        awaitEvent(
                events,
                "the deploy verdict",
                "deploy",
                d -> "shout.jar".equals(d.getString("file")) && "ACTIVE".equals(d.getString("status")));
        awaitEvent(
                events,
                "shout registered",
                "service",
                d -> "registered".equals(d.getString("change"))
                        && "shout".equals(d.getJsonObject("service").getString("id")));
        awaitEvent(
                events,
                "shout-chorus serving",
                "pipeline",
                d -> "shout-chorus".equals(d.getJsonObject("pipeline").getString("name"))
                        && "serving".equals(d.getJsonObject("pipeline").getString("state")));

        System.out.printf(
                "ConsoleDataIT: after the copy into deploy/, bundle STARTED on the stream in %d ms, service registered"
                        + " in %d ms%n",
                millisAfter(events, copied, "bundle", d -> "STARTED".equals(d.getString("change"))),
                millisAfter(events, copied, "service", d -> "registered".equals(d.getString("change"))));

        // calls: the summary counts them from /metrics' histograms; a refused one is among the last errors
        for (int i = 0; i < 3; i++) {
            assertEquals(
                    200, httpPost("/v1/services/shout", "{\"text\": \"hi\"}").statusCode());
        }
        HttpResponse<String> refused = httpPost("/v1/services/shout", "{\"text\": \"" + "a".repeat(10_001) + "\"}");
        assertEquals(refused.body(), 400, refused.statusCode());
        long asked = System.nanoTime();
        JsonObject summary = new JsonObject(http("/v1/metrics/summary").body());
        System.out.printf("ConsoleDataIT: GET /v1/metrics/summary in %.1f ms%n", (System.nanoTime() - asked) / 1e6);
        // warm: the summary beside the Prometheus text it reads, best of 20 each
        long bestText = Long.MAX_VALUE;
        long bestSummary = Long.MAX_VALUE;
        for (int i = 0; i < 20; i++) {
            long t0 = System.nanoTime();
            http("/metrics");
            long t1 = System.nanoTime();
            http("/v1/metrics/summary");
            long t2 = System.nanoTime();
            bestText = Math.min(bestText, t1 - t0);
            bestSummary = Math.min(bestSummary, t2 - t1);
        }
        System.out.printf(
                "ConsoleDataIT: warm, best of 20: GET /metrics %.2f ms, GET /v1/metrics/summary %.2f ms%n",
                bestText / 1e6, bestSummary / 1e6);
        JsonObject shout = find(summary.getJsonArray("services"), "shout");
        assertNotNull("shout in the summary", shout);
        assertEquals(shout.encode(), 4L, (long) shout.getLong("calls"));
        assertEquals(shout.encode(), 1L, (long) shout.getLong("errors"));
        assertTrue(
                shout.encode(),
                shout.getDouble("p50_ms") > 0 && shout.getDouble("p99_ms") >= shout.getDouble("p50_ms"));
        awaitEvent(
                events,
                "the refused call as an error",
                "error",
                d -> "http".equals(d.getString("source"))
                        && d.getString("message").startsWith("POST /v1/services/shout: 400"));
        JsonArray errors = new JsonObject(http("/v1/errors").body()).getJsonArray("errors");
        assertTrue(
                errors.encode(),
                errors.stream()
                        .anyMatch(e -> ((JsonObject) e)
                                .getString("message", "")
                                .startsWith("POST /v1/services/shout: 400 BAD_INPUT")));

        // the pipeline that calls it, as a graph with its source
        JsonObject chorus = new JsonObject(http("/v1/pipelines/shout-chorus").body());
        assertEquals("serving", chorus.getString("state"));
        assertTrue(chorus.getString("source").contains("shout"));
        assertTrue(
                chorus.encode(),
                chorus.getJsonArray("stages").stream()
                        .anyMatch(s -> "shout".equals(((JsonObject) s).getString("call"))));
        assertTrue(
                chorus.encode(),
                chorus.getJsonArray("edges").stream().anyMatch(e -> "output".equals(((JsonObject) e).getString("to"))));

        // removed: its bundle and service go, on the stream
        Files.delete(deployDir().resolve("shout.jar"));
        awaitEvent(
                events,
                "shout UNINSTALLED",
                "bundle",
                d -> SHOUT.equals(d.getString("symbolicName")) && "UNINSTALLED".equals(d.getString("change")));
        awaitEvent(
                events,
                "shout unregistered",
                "service",
                d -> "unregistered".equals(d.getString("change"))
                        && "shout".equals(d.getJsonObject("service").getString("id")));
        awaitEvent(
                events,
                "the deploy verdict removed",
                "deploy",
                d -> "shout.jar".equals(d.getString("file")) && "removed".equals(d.getString("change")));

        // a short training: its progress on the stream, then its whole history
        service(TrainingService.class);
        await("the gateway sees the trainer", () -> status("/v1/trainings") == 200);
        Path home = Path.of(context.getProperty("stoa.home"));
        Files.writeString(Files.createDirectories(home.resolve("etc/train")).resolve("console-it.yaml"), """
                name: console-it
                output: clip-console-it
                model: {id: clip, variant: tiny}
                loss: {id: clip}
                dataset: {id: shapes, options: {seed: 3, image_size: 32}}
                train: {seed: 1, steps: 6, batch_size: 8, log_every: 1, checkpoint_every: 6}
                evaluate: {every: 3, examples: 20, gallery: 20}
                """);
        HttpResponse<String> started = httpPost(
                "/v1/trainings",
                new JsonObject().put("file", "etc/train/console-it.yaml").encode());
        assertEquals(started.body(), 202, started.statusCode());
        String id = new JsonObject(started.body()).getString("id");
        awaitEvent(
                events,
                "the run succeeded",
                "training",
                d -> id.equals(d.getString("id")) && "succeeded".equals(d.getString("state")));
        List<Long> streamed = events.stream()
                .filter(e -> e.kind().equals("training")
                        && id.equals(e.data().getString("id"))
                        && "running".equals(e.data().getString("state"))
                        && e.data().getLong("step") > 0)
                .map(e -> e.data().getLong("step"))
                .distinct()
                .toList();
        assertTrue("a training event per logged step: " + streamed, streamed.size() >= 6);

        asked = System.nanoTime();
        JsonObject history =
                new JsonObject(http("/v1/trainings/" + id + "/metrics").body());
        System.out.printf(
                "ConsoleDataIT: GET /v1/trainings/{id}/metrics in %.1f ms%n", (System.nanoTime() - asked) / 1e6);
        assertEquals(history.encode(), "succeeded", history.getString("state"));
        JsonArray points = history.getJsonArray("points");
        assertEquals(history.encode(), 6, points.size());
        assertEquals(1L, (long) history.getLong("stride"));
        for (int i = 0; i < points.size(); i++) {
            JsonObject p = points.getJsonObject(i);
            assertEquals(i + 1L, (long) p.getLong("step"));
            assertTrue(p.encode(), p.getJsonObject("metrics").getDouble("loss") > 0);
            assertTrue(p.encode(), p.getJsonObject("metrics").containsKey("lr"));
            assertNotNull(p.getString("time"));
        }
        // the chart and the stream agree: the last streamed loss is the history's last point
        JsonObject lastRunning = events.stream()
                .filter(e -> e.kind().equals("training")
                        && id.equals(e.data().getString("id"))
                        && "running".equals(e.data().getString("state"))
                        && e.data().getLong("step") == 6)
                .findFirst()
                .orElseThrow()
                .data();
        assertEquals(
                lastRunning.getJsonObject("metrics").getDouble("loss"),
                points.getJsonObject(5).getJsonObject("metrics").getDouble("loss"),
                1e-9);
        assertTrue(history.encode(), history.getJsonArray("evaluations").size() >= 1);
        JsonObject since =
                new JsonObject(http("/v1/trainings/" + id + "/metrics?since=4").body());
        assertEquals(since.encode(), 2, since.getJsonArray("points").size());
        stream.body().close();
    }

    private static long millisAfter(List<Event> events, long from, String kind, Predicate<JsonObject> test) {
        return events.stream()
                .filter(e -> e.kind().equals(kind) && test.test(e.data()))
                .mapToLong(e -> (e.arrived() - from) / 1_000_000)
                .findFirst()
                .orElse(-1);
    }

    private static JsonObject find(JsonArray array, String id) {
        for (Object o : array) {
            if (o instanceof JsonObject j && id.equals(j.getString("id"))) {
                return j;
            }
        }
        return null;
    }
}
