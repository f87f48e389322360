package dev.stoa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.stoa.api.train.TrainingService;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * {@code needs:} in the real trainer: a run that needs the model another queued run outputs waits, says so in its
 * status, and starts only once that run has published; a run that needs a model nothing will produce is refused at
 * once with the file and line. Two short CLIP runs (tens of steps): the order is under test, not the accuracy.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TrainNeedsIT extends StoaTestSupport {

    private static String file(String name, String output, String needs) {
        return """
                name: %s
                output: %s
                needs: [%s]
                model: {id: clip, variant: tiny}
                loss: {id: clip}
                dataset: {id: shapes, options: {seed: 5, image_size: 32}}
                train: {seed: 1, steps: 30, batch_size: 32, warmup_steps: 5, log_every: 10, checkpoint_every: 30}
                evaluate: {every: 30, examples: 50, gallery: 50}
                """.formatted(name, output, needs);
    }

    @Test
    public void aRunWaitsForTheRunThatOutputsWhatItNeeds() throws Exception {
        Vertx vertx = service(Vertx.class);
        service(TrainingService.class);
        Path home = Path.of(context.getProperty("stoa.home"));
        Path dir = Files.createDirectories(home.resolve("etc/train"));
        Files.writeString(dir.resolve("needs-base.yaml"), file("needs-base", "clip-needs-base", ""));
        Files.writeString(dir.resolve("needs-user.yaml"), file("needs-user", "clip-needs-user", "clip-needs-base"));
        Files.writeString(dir.resolve("needs-nothing.yaml"), file("needs-nothing", "clip-needs-x", "made-by-nobody"));
        List<JsonObject> progress = new CopyOnWriteArrayList<>();
        MessageConsumer<JsonObject> consumer =
                vertx.eventBus().consumer(TrainingService.PROGRESS_ADDRESS, m -> progress.add(m.body()));
        try {
            HttpResponse<String> refused = httpPost(
                    "/v1/trainings",
                    new JsonObject().put("file", "etc/train/needs-nothing.yaml").encode());
            assertEquals(refused.body(), 400, refused.statusCode());
            assertTrue(
                    refused.body(),
                    new JsonObject(refused.body())
                            .getString("message")
                            .contains("needs-nothing.yaml:3: needs 'made-by-nobody', which the model store lacks"));

            String base = start("needs-base");
            String user = start("needs-user");
            JsonObject waiting = new JsonObject(http("/v1/trainings/" + user).body());
            assertEquals(waiting.encodePrettily(), "queued", waiting.getString("state"));
            assertTrue(
                    waiting.getString("message"),
                    waiting.getString("message")
                            .equals("waiting for run " + base + " to output 'clip-needs-base', which it needs"));

            long deadline = System.currentTimeMillis() + 10 * 60_000;
            while (!(ended(base) && ended(user)) && System.currentTimeMillis() < deadline) {
                Thread.sleep(1000);
            }
            assertEquals("succeeded", state(base));
            assertEquals("succeeded", state(user));
            // the user ran only after the base had published
            int baseDone = indexOf(progress, base, "succeeded");
            int userRunning = indexOf(progress, user, "running");
            assertTrue(
                    "base succeeded at event " + baseDone + ", user ran from event " + userRunning,
                    baseDone >= 0 && userRunning > baseDone);
            assertTrue(Files.isDirectory(home.resolve("data/models/clip-needs-user/1")));
        } finally {
            consumer.unregister();
        }
    }

    private String start(String name) throws Exception {
        HttpResponse<String> started = httpPost(
                "/v1/trainings",
                new JsonObject().put("file", "etc/train/" + name + ".yaml").encode());
        assertEquals(started.body(), 202, started.statusCode());
        return new JsonObject(started.body()).getString("id");
    }

    private String state(String id) {
        try {
            return new JsonObject(http("/v1/trainings/" + id).body()).getString("state");
        } catch (Exception e) {
            return "unknown";
        }
    }

    private boolean ended(String id) {
        return List.of("succeeded", "failed", "cancelled").contains(state(id));
    }

    private static int indexOf(List<JsonObject> events, String run, String state) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).getString("id").equals(run)
                    && events.get(i).getString("state").equals(state)) {
                return i;
            }
        }
        return -1;
    }
}
