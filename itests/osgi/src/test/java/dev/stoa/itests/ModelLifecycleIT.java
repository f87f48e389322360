package dev.stoa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.stoa.api.data.Image;
import dev.stoa.api.data.Text;
import dev.stoa.api.model.ModelRepository;
import dev.stoa.api.model.ModelStore;
import dev.stoa.api.train.TrainingService;
import dev.stoa.api.train.TrainingStatus;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Hashtable;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The model lifecycle the platform owns (issue 13): {@code /v1/models} lists the shipped CLIP untrained, its services
 * answer 503 {@code UNTRAINED} naming the training file; a model trained while the server runs (a two-step run: the
 * point is the life, not the accuracy) becomes {@code READY} with no restart; and a version published under load is
 * swapped in while every call in flight is answered; and a version is unloaded and loaded again over HTTP with the
 * management token.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ModelLifecycleIT extends StoaTestSupport {

    private static final int CLIENTS = 4;

    @Test
    public void untrainedThenTrainedWithNoRestartThenSwappedUnderLoad() throws Exception {
        Vertx vertx = service(Vertx.class);
        service(ModelRepository.class);
        TrainingService trainer = service(TrainingService.class);

        // 1. shipped, untrained: listed with its status, its services and the training file that makes it
        await("clip-tiny listed UNTRAINED", () -> "UNTRAINED".equals(state(model("clip-tiny"))));
        JsonObject untrained = model("clip-tiny");
        assertEquals(
                "etc/train/clip-shapes.yaml", untrained.getJsonObject("status").getString("training_file"));
        assertTrue(untrained.encode(), untrained.getJsonArray("services").contains("clip-tiny-text"));
        assertEquals(0, untrained.getJsonArray("versions").size());

        // 2. its services answer 503 UNTRAINED naming how to train it, instead of noise from random weights
        await("clip-tiny-text exported", () -> service("clip-tiny-text") != null);
        HttpResponse<String> refused = httpPost("/v1/services/clip-tiny-text", "{\"text\": \"a red circle\"}");
        assertEquals(refused.body(), 503, refused.statusCode());
        JsonObject error = new JsonObject(refused.body());
        assertEquals("UNTRAINED", error.getString("error"));
        assertTrue(
                error.getString("message"),
                error.getString("message").contains("bin/stoa train etc/train/clip-shapes.yaml"));
        assertEquals(
                "UNTRAINED",
                service("clip-tiny-text").getJsonObject("modelStatus").getString("state"));
        assertTrue(http("/metrics").body().contains("stoa_model_status{model=\"clip-tiny\",state=\"untrained\"} 1"));
        JsonObject ready = new JsonObject(http("/health/ready").body());
        assertTrue(
                "readiness lists the model without waiting for it: " + ready.encode(),
                ready.getJsonArray("models").stream()
                        .map(JsonObject.class::cast)
                        .anyMatch(m -> m.getString("id").equals("clip-tiny")
                                && m.getString("state").equals("UNTRAINED")));

        // 3. trained while the server runs: READY with no restart
        Path home = Path.of(context.getProperty("stoa.home"));
        Path file = home.resolve("etc/train/clip-tiny-lifecycle.yaml");
        Files.writeString(file, """
                name: clip-tiny-lifecycle
                output: clip-tiny
                model: {id: clip, variant: tiny}
                loss: {id: clip}
                dataset: {id: shapes, options: {seed: 3, image_size: 32}}
                train: {seed: 1, steps: 2, batch_size: 16, log_every: 1, checkpoint_every: 2}
                evaluate: {examples: 30, gallery: 30}
                """);
        TrainingStatus run = trainer.start(file);
        await(
                "the two-step run succeeded",
                () -> trainer.run(run.id()).map(TrainingStatus::finished).orElse(false));
        assertEquals(
                trainer.run(run.id()).orElseThrow().message(),
                "succeeded",
                trainer.run(run.id()).orElseThrow().state());
        await(
                "clip-tiny READY on version 1",
                () -> "READY".equals(state(model("clip-tiny")))
                        && model("clip-tiny").getInteger("serving_version") == 1);
        HttpResponse<String> answered = httpPost(
                "/v1/services/clip-tiny-zero-shot",
                new JsonObject()
                        .put(
                                "image",
                                Base64.getEncoder().encodeToString(redImage().encodePng()))
                        .put("labels", new JsonArray().add("red circle").add("blue square"))
                        .encode());
        assertEquals(answered.body(), 200, answered.statusCode());
        assertTrue(new JsonObject(answered.body()).getBoolean("trained"));
        assertEquals(2, new JsonObject(answered.body()).getJsonObject("scores").size());
        HttpResponse<String> noLabels = httpPost(
                "/v1/services/clip-tiny-zero-shot",
                new JsonObject()
                        .put(
                                "image",
                                Base64.getEncoder().encodeToString(redImage().encodePng()))
                        .put("labels", new JsonArray())
                        .encode());
        assertEquals(noLabels.body(), 400, noLabels.statusCode());
        assertTrue(noLabels.body(), noLabels.body().contains("'labels'"));
        assertEquals(
                "READY", service("clip-tiny-text").getJsonObject("modelStatus").getString("state"));

        // 4. a new version published under load: registered before the old one is withdrawn, nothing fails
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicLong answeredCalls = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            Thread t = new Thread(
                    () -> {
                        for (long n = 0; running.get(); n++) {
                            try {
                                vertx.eventBus()
                                        .request(
                                                "stoa.encoder.clip-tiny-text",
                                                new Text("a red circle " + client + "-" + n),
                                                new DeliveryOptions().setSendTimeout(30_000))
                                        .await();
                                answeredCalls.incrementAndGet();
                            } catch (Exception e) {
                                failures.add(e.toString());
                            }
                        }
                    },
                    "lifecycle-client-" + c);
            t.start();
            clients.add(t);
        }
        await("calls flowing on version 1", () -> answeredCalls.get() > 20);
        ModelStore store = ModelStore.at(home.toString());
        Path staging = store.newStaging("clip-tiny");
        try (Stream<Path> files =
                Files.list(store.latest("clip-tiny").orElseThrow().path())) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, staging.resolve(f.getFileName().toString()));
            }
        }
        store.publish("clip-tiny", staging);
        await("clip-tiny serving version 2", () -> model("clip-tiny").getInteger("serving_version") == 2);
        long atSwap = answeredCalls.get();
        await("calls flowing on version 2", () -> answeredCalls.get() > atSwap + 20);
        running.set(false);
        for (Thread t : clients) {
            t.join(60_000);
        }
        System.out.printf(
                "[measure] model swap under load: %d calls answered, %d failed%n",
                answeredCalls.get(), failures.size());
        assertEquals("failed calls during the swap: " + failures, 0, failures.size());
        JsonObject swapped = model("clip-tiny");
        assertEquals(
                swapped.encodePrettily(),
                "GONE",
                swapped.getJsonArray("versions")
                        .getJsonObject(0)
                        .getJsonObject("status")
                        .getString("state"));
        assertEquals("READY", state(swapped));

        // 5. explicit unload and load over HTTP, with the management token (Triton's repository API)
        Configuration gateway = service(ConfigurationAdmin.class).getConfiguration("dev.stoa.gateway", "?");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("managementToken", TOKEN);
        gateway.update(props);
        // the managementToken is an admin credential: once the gateway has it, loading an absent version is 404
        await("management on", () -> send("/v1/models/clip-tiny/load?version=9", TOKEN) == 404);
        assertEquals(403, send("/v1/models/clip-tiny/unload?version=2", null));
        assertEquals(401, send("/v1/models/clip-tiny/unload?version=2", "wrong-token"));
        assertEquals(200, send("/v1/models/clip-tiny/unload?version=2", TOKEN));
        assertEquals(
                "the previous version took over", 1, (int) model("clip-tiny").getInteger("serving_version"));
        assertEquals(
                200,
                httpPost("/v1/services/clip-tiny-text", "{\"text\": \"a red circle\"}")
                        .statusCode());
        assertEquals(200, send("/v1/models/clip-tiny/load?version=2", TOKEN));
        assertEquals(2, (int) model("clip-tiny").getInteger("serving_version"));
        assertEquals(404, send("/v1/models/clip-tiny/load?version=9", TOKEN));
    }

    private static final String TOKEN = "lifecycle-token-for-tests";

    /** POSTs to a path with an optional bearer token; returns the status, or -1 while the gateway restarts. */
    private int send(String path, String token) {
        try {
            HttpRequest.Builder b =
                    HttpRequest.newBuilder(URI.create(baseUrl() + path)).POST(HttpRequest.BodyPublishers.noBody());
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            return HttpClient.newHttpClient()
                    .send(b.build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private JsonObject model(String id) {
        try {
            HttpResponse<String> r = http("/v1/models/" + id);
            return r.statusCode() == 200 ? new JsonObject(r.body()) : new JsonObject();
        } catch (Exception e) {
            return new JsonObject();
        }
    }

    private static String state(JsonObject model) {
        JsonObject status = model.getJsonObject("status");
        return status == null ? null : status.getString("state");
    }

    private JsonObject service(String id) {
        try {
            return new JsonArray(http("/v1/services").body())
                    .stream()
                            .map(JsonObject.class::cast)
                            .filter(s -> s.getString("id").equals(id))
                            .findFirst()
                            .orElse(null);
        } catch (Exception e) {
            return null;
        }
    }

    private static Image redImage() {
        byte[] rgb = new byte[32 * 32 * 3];
        for (int i = 0; i < rgb.length; i += 3) {
            rgb[i] = (byte) 220;
        }
        return new Image(32, 32, rgb);
    }
}
