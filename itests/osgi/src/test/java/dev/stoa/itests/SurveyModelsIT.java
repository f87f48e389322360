package dev.stoa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.stoa.api.data.Image;
import dev.stoa.api.model.ModelRepository;
import dev.stoa.api.model.ModelStore;
import dev.stoa.api.train.TrainingService;
import dev.stoa.api.train.TrainingStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
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

/**
 * The survey's model bundles in the real distribution (issue 15: "every model is a hot-swappable bundle"): for
 * VisualBERT, ViLBERT, CoCa, SimVLM, MERLOT, Frozen, SAM, GLIDE, DALL-E and unCLIP (issue 17), the training file
 * shipped beside the bundle (CLIP's: the distribution's), cut to two steps and a few evaluation prompts (the
 * point is the life, not the accuracy), is trained by the server's trainer; the model becomes {@code READY} and its
 * service answers over HTTP with no restart; then a new version is published while clients call it, and every call
 * is answered, the new version serving.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SurveyModelsIT extends StoaTestSupport {

    /**
     * A model of the survey: its bundle's folder (null: the distribution's etc/train/), training file, model id, and a
     * service with a valid request (both null for a model another one needs, only trained).
     */
    private record Case(String bundle, String file, String model, String service, JsonObject request) {}

    @Test
    public void eachSurveyModelTrainsServesAndSwapsWhileCallsFlow() throws Exception {
        service(ModelRepository.class);
        TrainingService trainer = service(TrainingService.class);
        Path home = Path.of(context.getProperty("stoa.home"));
        Path repo = Path.of(System.getProperty("stoa.dist")).resolve("../..").normalize();
        String image = Base64.getEncoder().encodeToString(scene(32).encodePng());
        JsonArray frames = new JsonArray();
        for (int k = 0; k < 4; k++) {
            frames.add(Base64.getEncoder().encodeToString(scene(32 + k).encodePng()));
        }
        JsonObject match = new JsonObject().put("image", image).put("text", "two red circles");
        List<Case> cases = List.of(
                new Case("fusion", "visualbert-tiny.yaml", "visualbert-tiny", "visualbert-tiny-match", match),
                new Case("fusion", "vilbert-tiny.yaml", "vilbert-tiny", "vilbert-tiny-match", match),
                new Case(
                        "coca",
                        "coca-tiny.yaml",
                        "coca-tiny",
                        "coca-tiny-caption",
                        new JsonObject().put("image", image)),
                new Case(
                        "simvlm",
                        "simvlm-tiny.yaml",
                        "simvlm-tiny",
                        "simvlm-tiny-caption",
                        new JsonObject().put("image", image)),
                new Case(
                        "merlot",
                        "merlot-tiny.yaml",
                        "merlot-tiny",
                        "merlot-tiny-order",
                        new JsonObject().put("frames", frames)),
                // Frozen reads a frozen language model from the store: gpt-captions is trained first (no service
                // checked for it here), then Frozen's vision side
                new Case("clipcap", "gpt-captions.yaml", "gpt-captions", null, null),
                new Case(
                        "frozen",
                        "frozen-tiny.yaml",
                        "frozen-tiny",
                        "frozen-tiny-caption",
                        new JsonObject().put("image", image)),
                // images and masks out (issue 17): SAM, GLIDE, and DALL-E after its dVAE
                new Case(
                        "sam",
                        "sam-tiny.yaml",
                        "sam-tiny",
                        "sam-tiny-segment",
                        new JsonObject()
                                .put("image", image)
                                .put(
                                        "points",
                                        new JsonArray()
                                                .add(new JsonArray().add(30).add(30)))),
                new Case(
                        "glide",
                        "glide-tiny.yaml",
                        "glide-tiny",
                        "glide-tiny-draw",
                        new JsonObject().put("text", "a red circle").put("n", 1).put("steps", 2)),
                new Case("dalle", "dalle-dvae-tiny.yaml", "dalle-dvae-tiny", null, null),
                new Case(
                        "dalle",
                        "dalle-tiny.yaml",
                        "dalle-tiny",
                        "dalle-tiny-draw",
                        new JsonObject().put("text", "a red circle").put("n", 1).put("rerank", false)),
                // unCLIP reads the frozen clip-tiny through its services: the shipped CLIP file first (the
                // distribution's etc/train/, no bundle folder), then unCLIP's prior and decoder
                new Case(null, "clip-shapes.yaml", "clip-tiny", null, null),
                new Case(
                        "unclip",
                        "unclip-tiny.yaml",
                        "unclip-tiny",
                        "unclip-tiny-draw",
                        new JsonObject()
                                .put("text", "a red circle")
                                .put("n", 1)
                                .put("steps", 2)
                                .put("prior_steps", 2)));
        for (Case c : cases) {
            // the shipped file, two steps and a small evaluation, written where the trainer reads training files
            String text = Files.readString(repo.resolve(
                    c.bundle() == null
                            ? "distribution/src/main/dist/etc/train/" + c.file()
                            : "bundles/models/" + c.bundle() + "/examples/train/" + c.file()));
            String shortRun = text.replaceAll("(?m)^  steps: \\d+", "  steps: 2")
                    .replaceAll("(?m)^  warmup_steps: \\d+", "  warmup_steps: 1")
                    .replaceAll("(?m)^  examples: \\d+", "  examples: 8")
                    // the generators' and SAM's evaluations: a few prompts, samples and sampling steps
                    .replaceAll(
                            "(?m)^  (prompts|everything_examples|unseen_examples|samples|variations): \\d+", "  $1: 2")
                    .replaceAll("(?m)^  (prior_)?sampling_steps: \\d+", "  $1sampling_steps: 2")
                    // CLIP's retrieval gallery
                    .replaceAll("(?m)^  gallery: \\d+", "  gallery: 8")
                    .replaceAll("(?m)^name: (.+)$", "name: $1-it");
            assertTrue(c.file() + " was not cut to two steps", shortRun.contains("  steps: 2"));
            Path file = home.resolve("etc/train/" + c.file().replace(".yaml", "-it.yaml"));
            Files.writeString(file, shortRun);
            TrainingStatus run = trainer.start(file);
            await(
                    c.model() + ": the two-step run ended",
                    () -> trainer.run(run.id()).map(TrainingStatus::finished).orElse(false));
            assertEquals(
                    c.model() + ": " + trainer.run(run.id()).orElseThrow().message(),
                    "succeeded",
                    trainer.run(run.id()).orElseThrow().state());
            if (c.service() == null) {
                continue;
            }
            await(c.model() + " READY on version 1", () -> "READY".equals(state(model(c.model()))));
            HttpResponse<String> answered =
                    httpPost("/v1/services/" + c.service(), c.request().encode());
            assertEquals(c.service() + ": " + answered.body(), 200, answered.statusCode());
            JsonObject body = new JsonObject(answered.body());
            assertTrue(
                    c.service() + ": " + body,
                    body.containsKey("text")
                            || body.containsKey("score")
                            || body.containsKey("order")
                            || body.containsKey("images")
                            || body.containsKey("masks"));
            HttpResponse<String> bad = httpPost("/v1/services/" + c.service(), "{}");
            assertEquals(c.service() + ": " + bad.body(), 400, bad.statusCode());

            swapWhileCalling(home, c);
        }
    }

    /** Publishes a copy of the serving version as the next one while two clients call the service over HTTP. */
    private void swapWhileCalling(Path home, Case c) throws Exception {
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicLong answered = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> clients = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            Thread client = new Thread(() -> {
                while (running.get()) {
                    try {
                        HttpResponse<String> r = httpPost(
                                "/v1/services/" + c.service(), c.request().encode());
                        if (r.statusCode() == 200) {
                            answered.incrementAndGet();
                        } else {
                            failures.add(r.statusCode() + " " + r.body());
                        }
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            });
            client.start();
            clients.add(client);
        }
        await(c.model() + ": calls flowing", () -> answered.get() > 5);
        ModelStore store = ModelStore.at(home.toString());
        int before = store.latest(c.model()).orElseThrow().number();
        Path staging = store.newStaging(c.model());
        try (Stream<Path> files =
                Files.list(store.latest(c.model()).orElseThrow().path())) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(f)) {
                    Files.copy(f, staging.resolve(f.getFileName().toString()));
                }
            }
        }
        store.publish(c.model(), staging);
        await(
                c.model() + " serving version " + (before + 1),
                () -> model(c.model()).getInteger("serving_version", 0) == before + 1);
        long atSwap = answered.get();
        await(c.model() + ": calls flowing on the new version", () -> answered.get() > atSwap + 5);
        running.set(false);
        for (Thread t : clients) {
            t.join(60_000);
        }
        System.out.printf(
                "[measure] %s swapped under load: %d calls answered, %d failed%n",
                c.model(), answered.get(), failures.size());
        assertEquals(c.model() + ": failed calls during the swap: " + failures, 0, failures.size());
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

    /** A white image with a red square, a little to the right for each {@code x}. */
    private static Image scene(int x) {
        int side = 64;
        byte[] rgb = new byte[side * side * 3];
        java.util.Arrays.fill(rgb, (byte) 255);
        for (int y = 20; y < 40; y++) {
            for (int i = x - 12; i < x + 8; i++) {
                int p = (y * side + i) * 3;
                rgb[p + 1] = 0;
                rgb[p + 2] = 0;
            }
        }
        return new Image(side, side, rgb);
    }
}
