package dev.stoa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.stoa.api.data.Image;
import dev.stoa.api.train.TrainingService;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The trainer inside the distribution: a training file started over HTTP composes the CLIP model, the contrastive
 * loss and the shapes dataset by {@code stoa.id}, trains a few hundred steps on the CPU with progress on the bus,
 * and publishes a model that the CLIP bundle then serves, trained, with no restart. A short run: the full one
 * ({@code etc/train/clip-shapes.yaml}) is a documented command, not a test.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TrainIT extends StoaTestSupport {

    /** 30 classes (5 shapes x 6 colours): chance is 1/30. */
    private static final double CHANCE = 1.0 / 30;

    @Test
    public void aTrainingFileTrainsPublishesAndTheModelServesTrained() throws Exception {
        Vertx vertx = service(Vertx.class);
        service(TrainingService.class);
        Path home = Path.of(context.getProperty("stoa.home"));
        Path file = Files.createDirectories(home.resolve("etc/train")).resolve("clip-itest.yaml");
        Files.writeString(file, """
                name: clip-itest
                output: clip-itest
                model: {id: clip, variant: tiny}
                loss: {id: clip}
                dataset: {id: shapes, options: {seed: 5, image_size: 32}}
                train: {seed: 1, steps: 400, batch_size: 64, lr: 2.0e-3, warmup_steps: 40, log_every: 20,
                        checkpoint_every: 100, beta2: 0.98, eps: 1.0e-6}
                evaluate: {every: 400, examples: 300, gallery: 300}
                """);
        List<JsonObject> progress = new CopyOnWriteArrayList<>();
        MessageConsumer<JsonObject> consumer =
                vertx.eventBus().consumer(TrainingService.PROGRESS_ADDRESS, m -> progress.add(m.body()));
        try {
            HttpResponse<String> started = httpPost(
                    "/v1/trainings",
                    new JsonObject().put("file", "etc/train/clip-itest.yaml").encode());
            assertEquals(started.body(), 202, started.statusCode());
            String id = new JsonObject(started.body()).getString("id");

            AtomicReference<JsonObject> end = new AtomicReference<>();
            long deadline = System.currentTimeMillis() + 15 * 60_000;
            while (end.get() == null && System.currentTimeMillis() < deadline) {
                JsonObject s = new JsonObject(http("/v1/trainings/" + id).body());
                if (List.of("succeeded", "failed", "cancelled").contains(s.getString("state"))) {
                    end.set(s);
                }
                Thread.sleep(1000);
            }
            assertTrue("the run ended within 15 minutes", end.get() != null);
            assertEquals(end.get().encodePrettily(), "succeeded", end.get().getString("state"));
            double top1 = end.get().getJsonObject("evaluation").getDouble("zero_shot_top1/test");
            System.out.println("TrainIT: " + end.get().getString("message"));
            assertTrue("zero-shot top-1 " + top1 + " is well above chance " + CHANCE, top1 > 4 * CHANCE);
            assertTrue(end.get().getJsonObject("evaluation").containsKey("recall@5/test"));
            // seen classes, held-out colour-shape combinations and the held-out renderer setting, each with colour
            // and shape apart: in the run's status (GET /v1/trainings) and side by side in report.md
            JsonObject evaluation = end.get().getJsonObject("evaluation");
            for (String split : List.of("test", "test-unseen", "test-renderer")) {
                for (String metric : List.of("zero_shot_top1/", "zero_shot_colour/", "zero_shot_shape/")) {
                    double v = evaluation.getDouble(metric + split, -1.0);
                    assertTrue(metric + split + " is " + v, v >= 0 && v <= 1);
                }
            }

            // progress came over the bus, step by step
            List<Long> steps = progress.stream()
                    .filter(p -> p.getString("state").equals("running"))
                    .map(p -> p.getLong("step"))
                    .distinct()
                    .toList();
            assertTrue("progress events: " + steps, steps.size() >= 10);
            assertEquals(400L, (long) steps.get(steps.size() - 1));

            Path runDir = home.resolve("data/train/clip-itest");
            assertTrue(Files.isRegularFile(runDir.resolve("checkpoint.bin")));
            assertTrue(Files.readAllLines(runDir.resolve("metrics.jsonl")).size() >= 20);
            assertTrue(Files.isRegularFile(runDir.resolve("loss.png")));
            String report = Files.readString(runDir.resolve("report.md"));
            assertTrue(report, report.contains("| metric | test | test-unseen | test-renderer |"));
            assertTrue(Files.isDirectory(home.resolve("data/models/clip-itest/1")));

            // the CLIP bundle picks the new model up from the store and serves it, trained, with its classes
            Image red = redCircle();
            JsonObject request =
                    new JsonObject().put("image", Base64.getEncoder().encodeToString(red.encodePng()));
            AtomicReference<JsonObject> answer = new AtomicReference<>();
            await("clip-itest-zero-shot serving the trained model", () -> {
                try {
                    answer.set((JsonObject) vertx.eventBus()
                            .request("stoa.model.clip-itest-zero-shot", request)
                            .await()
                            .body());
                    return answer.get().getBoolean("trained");
                } catch (ReplyException e) {
                    return false;
                }
            });
            assertEquals(30, answer.get().getJsonObject("scores").size());
        } finally {
            consumer.unregister();
        }
    }

    private static Image redCircle() {
        BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 32, 32);
        g.setColor(Color.RED);
        g.fillOval(8, 8, 16, 16);
        g.dispose();
        return Image.fromBufferedImage(image);
    }
}
