package dev.stoa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import dev.stoa.api.data.Image;
import dev.stoa.api.model.ModelRepository;
import dev.stoa.api.train.TrainingService;
import dev.stoa.api.train.TrainingStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Issue 20's engine choice against the real distribution: a CLIP trained by Stoa (a short schedule) is exported when
 * first opened and serves on pytorch; once its engine chain names {@code tensorrt, onnxruntime-cpu, pytorch} it is
 * moved onto ONNX Runtime's CPU engine (TensorRT being absent or unavailable here), {@code /v1/models} and
 * {@code /v1/services} say so and why, and the zero-shot service answers the same labels (and probabilities within
 * 1e-3) as on PyTorch; {@code bin/stoa export} (POST /v1/commands/export) writes the graphs again.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class EngineChoiceIT extends StoaTestSupport {

    private static final List<String> LABELS = List.of("red circle", "blue square", "green triangle", "yellow star");

    @Test
    public void aTrainedClipServesOnOnnxRuntimeWithTheSameLabelsAndSaysWhy() throws Exception {
        service(ModelRepository.class);
        TrainingService trainer = service(TrainingService.class);
        Path home = Path.of(context.getProperty("stoa.home"));
        Path file = home.resolve("etc/train/clip-tiny-engines.yaml");
        Files.writeString(file, """
                name: clip-tiny-engines
                output: clip-tiny
                model: {id: clip, variant: tiny}
                loss: {id: clip}
                dataset: {id: shapes, options: {seed: 3, image_size: 32}}
                train: {seed: 1, steps: 60, batch_size: 32, log_every: 20, checkpoint_every: 60}
                evaluate: {examples: 30, gallery: 30}
                """);
        TrainingStatus run = trainer.start(file);
        await(
                "the short run succeeded",
                () -> trainer.run(run.id()).map(TrainingStatus::finished).orElse(false));
        assertEquals(
                trainer.run(run.id()).orElseThrow().message(),
                "succeeded",
                trainer.run(run.id()).orElseThrow().state());

        // 1. first opened on the default chain (pytorch alone), and exported next to the version on the way
        await("clip-tiny READY on version 1", () -> "pytorch".equals(engineName(model("clip-tiny"))));
        JsonObject onPytorch = model("clip-tiny");
        assertEquals(onPytorch.encodePrettily(), "the only engine of the chain", engineReason(onPytorch));
        JsonObject v1 = onPytorch.getJsonArray("versions").getJsonObject(0);
        assertEquals(v1.encodePrettily(), "exported: model.image.onnx, model.text.onnx", v1.getString("export"));
        Path folder = home.resolve("data/models/clip-tiny/1");
        assertTrue(Files.size(folder.resolve("model.image.onnx")) > 1000);
        assertTrue(Files.size(folder.resolve("model.text.onnx")) > 1000);
        assertTrue(Files.isRegularFile(folder.resolve("model.clip.properties")));

        List<Image> images = images();
        List<JsonObject> pytorch = new ArrayList<>();
        for (Image image : images) {
            pytorch.add(zeroShot(image));
        }

        // 2. the chain changes: tensorrt is passed over with its reason, onnxruntime-cpu serves
        Configuration config = service(ConfigurationAdmin.class).getConfiguration("dev.stoa.repository", "?");
        Dictionary<String, Object> props = config.getProperties() == null ? new Hashtable<>() : config.getProperties();
        props.put("engines", "clip-tiny=tensorrt, onnxruntime-cpu, pytorch");
        config.update(props);
        await("clip-tiny on onnxruntime-cpu", () -> "onnxruntime-cpu".equals(engineName(model("clip-tiny"))));
        JsonObject onOrt = model("clip-tiny");
        String reason = engineReason(onOrt);
        System.out.println(
                "[engine] clip-tiny: " + onOrt.getJsonObject("engine").encode());
        assertTrue(reason, reason.startsWith("tensorrt "));
        assertTrue(reason, reason.contains("tensorrt not installed") || reason.contains("tensorrt unavailable: "));
        assertTrue(reason, reason.endsWith("; serving on onnxruntime-cpu"));
        assertEquals("READY", onOrt.getJsonObject("status").getString("state"));
        JsonObject listed = service("clip-tiny-zero-shot");
        assertNotNull("clip-tiny-zero-shot in /v1/services", listed);
        assertEquals(
                listed.encode(),
                "onnxruntime-cpu",
                listed.getJsonObject("engine").getString("name"));
        assertEquals(listed.encode(), reason, listed.getJsonObject("engine").getString("reason"));

        // 3. the same labels, and the same probabilities within 1e-3
        for (int i = 0; i < images.size(); i++) {
            JsonObject want = pytorch.get(i);
            JsonObject got = zeroShot(images.get(i));
            System.out.printf(
                    "[engine] image %d: pytorch %s %s, onnxruntime-cpu %s %s%n",
                    i,
                    want.getString("label"),
                    want.getJsonObject("scores").encode(),
                    got.getString("label"),
                    got.getJsonObject("scores").encode());
            assertEquals("image " + i, want.getString("label"), got.getString("label"));
            for (String l : LABELS) {
                double a = want.getJsonObject("scores").getDouble(l);
                double b = got.getJsonObject("scores").getDouble(l);
                assertTrue("image " + i + " " + l + ": " + a + " vs " + b, Math.abs(a - b) <= 1e-3);
            }
        }

        // 4. bin/stoa export clip-tiny 1, as the command line sends it
        HttpResponse<String> export = httpPost(
                "/v1/commands/export",
                new JsonObject()
                        .put("args", new JsonArray().add("clip-tiny").add("1"))
                        .encode());
        assertEquals(export.body(), 200, export.statusCode());
        StringBuilder out = new StringBuilder();
        int exit = -1;
        for (String line : export.body().split("\n")) {
            JsonObject o = new JsonObject(line);
            out.append(o.getString("out", "")).append(o.getString("err", ""));
            exit = o.getInteger("exit", exit);
        }
        assertEquals(out.toString(), 0, exit);
        assertTrue(out.toString(), out.toString().contains("image\t" + folder.resolve("model.image.onnx")));
        assertTrue(out.toString(), out.toString().contains("text\t" + folder.resolve("model.text.onnx")));
    }

    private JsonObject zeroShot(Image image) throws Exception {
        HttpResponse<String> r = httpPost(
                "/v1/services/clip-tiny-zero-shot",
                new JsonObject()
                        .put("image", Base64.getEncoder().encodeToString(image.encodePng()))
                        .put("labels", new JsonArray(LABELS))
                        .encode());
        assertEquals(r.body(), 200, r.statusCode());
        return new JsonObject(r.body());
    }

    private static List<Image> images() {
        int[][] colours = {{220, 30, 30}, {30, 30, 220}, {30, 200, 30}, {230, 230, 40}};
        List<Image> out = new ArrayList<>();
        for (int[] c : colours) {
            byte[] rgb = new byte[32 * 32 * 3];
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    // a filled disc of the colour on white, as the shapes dataset draws them
                    boolean inside = (x - 16) * (x - 16) + (y - 16) * (y - 16) < 100;
                    int i = (y * 32 + x) * 3;
                    rgb[i] = (byte) (inside ? c[0] : 255);
                    rgb[i + 1] = (byte) (inside ? c[1] : 255);
                    rgb[i + 2] = (byte) (inside ? c[2] : 255);
                }
            }
            out.add(new Image(32, 32, rgb));
        }
        return out;
    }

    private static String engineName(JsonObject model) {
        JsonObject e = model.getJsonObject("engine");
        return e == null ? null : e.getString("name");
    }

    private static String engineReason(JsonObject model) {
        JsonObject e = model.getJsonObject("engine");
        return e == null ? null : e.getString("reason");
    }

    private JsonObject model(String id) {
        try {
            HttpResponse<String> r = http("/v1/models/" + id);
            return r.statusCode() == 200 ? new JsonObject(r.body()) : new JsonObject();
        } catch (Exception e) {
            return new JsonObject();
        }
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
}
