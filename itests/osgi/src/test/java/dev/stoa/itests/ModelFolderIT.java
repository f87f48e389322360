package dev.stoa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.stoa.api.FailureCode;
import dev.stoa.api.data.Image;
import dev.stoa.api.runtime.ServiceDirectory;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * A model folder and a configuration file are enough to serve an ONNX model: the distribution's
 * models/ppocr-orientation (PaddleOCR's orientation classifier, described by its stoa-model.json) is served once its
 * .cfg is copied into etc/, answers JSON over the bus and HTTP, refuses bad tensors naming the input, and goes when
 * the file is deleted; a folder with a broken descriptor is reported in /v1/bundles while the other keeps serving.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ModelFolderIT extends StoaTestSupport {

    private static final String CFG = "dev.stoa.onnxruntime.model-ppocr-orientation.cfg";

    @Test
    public void droppedFolderAndConfigurationServeAModelUntilTheFileIsDeleted() throws Exception {
        Vertx vertx = service(Vertx.class);
        ServiceDirectory directory = service(ServiceDirectory.class);
        Path home = Path.of(context.getProperty("stoa.home"));
        Path cfg = drop(
                home.resolve("models/ppocr-orientation").resolve(CFG),
                home.resolve("etc").resolve(CFG));
        await("ppocr-orientation exported", () -> available(directory, "ppocr-orientation"));

        Image line = renderLine("Stoa reads text in images");
        assertEquals(
                "0",
                label(vertx.eventBus()
                        .request("stoa.model.ppocr-orientation", new JsonObject().put("image", png(line)))
                        .await()
                        .body()));
        assertEquals(
                "180",
                label(vertx.eventBus()
                        .request("stoa.model.ppocr-orientation", new JsonObject().put("image", png(rotated180(line))))
                        .await()
                        .body()));

        await("gateway listening", () -> status("/health/live") == 200);
        var viaHttp = httpPost(
                "/v1/services/ppocr-orientation",
                new JsonObject().put("image", png(line)).encode());
        assertEquals(viaHttp.body(), 200, viaHttp.statusCode());
        assertEquals(viaHttp.body(), "0", label(new JsonObject(viaHttp.body())));

        try {
            vertx.eventBus()
                    .request(
                            "stoa.model.ppocr-orientation",
                            new JsonObject()
                                    .put(
                                            "inputs",
                                            new JsonObject()
                                                    .put(
                                                            "x",
                                                            new JsonObject()
                                                                    .put(
                                                                            "shape",
                                                                            new JsonArray()
                                                                                    .add(1)
                                                                                    .add(3)
                                                                                    .add(32)
                                                                                    .add(32))
                                                                    .put("data", new JsonArray().add(0)))))
                    .await();
            fail("a tensor of the wrong shape must be refused");
        } catch (ReplyException e) {
            assertEquals(e.getMessage(), FailureCode.BAD_INPUT, FailureCode.of(e.failureCode()));
            assertTrue(
                    e.getMessage(),
                    e.getMessage().contains("'inputs.x.shape'")
                            && e.getMessage().contains("x: float32 [-1, 3, 48, 192]"));
        }

        Files.delete(cfg);
        await("ppocr-orientation no longer available", () -> !available(directory, "ppocr-orientation"));
    }

    @Test
    public void brokenDescriptorIsReportedAndTheOtherModelKeepsServing() throws Exception {
        Vertx vertx = service(Vertx.class);
        ServiceDirectory directory = service(ServiceDirectory.class);
        Path home = Path.of(context.getProperty("stoa.home"));
        drop(
                home.resolve("models/ppocr-orientation").resolve(CFG),
                home.resolve("etc").resolve(CFG));
        Path broken = Files.createDirectories(home.resolve("broken-model"));
        Files.copy(home.resolve("models/paddleocr/ch_ppocr_mobile_v2.0_cls_infer.onnx"), broken.resolve("m.onnx"));
        Files.writeString(
                broken.resolve("stoa-model.json"), "{\"inputs\": [{\"name\": \"x\", \"dtyp\": \"float32\"}]}");
        Path cfg = home.resolve("etc/dev.stoa.onnxruntime.model-broken.cfg");
        Files.writeString(home.resolve("broken.part"), "folder = broken-model\n");
        Files.move(home.resolve("broken.part"), cfg, StandardCopyOption.ATOMIC_MOVE);

        await("gateway listening", () -> status("/health/live") == 200);
        await("the broken descriptor reported in /v1/bundles", () -> problem().contains("dtyp"));
        String problem = problem();
        System.out.println("[report] dev.stoa.onnxruntime problem: " + problem);
        assertTrue(
                problem,
                problem.contains("dev.stoa.onnxruntime.model-broken.cfg")
                        && problem.contains("stoa-model.json")
                        && problem.contains("'inputs[0].dtyp' is not a known field"));

        await("ppocr-orientation exported", () -> available(directory, "ppocr-orientation"));
        assertEquals(
                "0",
                label(vertx.eventBus()
                        .request(
                                "stoa.model.ppocr-orientation",
                                new JsonObject().put("image", png(renderLine("Keep calm and carry on"))))
                        .await()
                        .body()));
        Files.delete(cfg);
    }

    /** @return the problem /v1/bundles reports for dev.stoa.onnxruntime, or "" */
    private String problem() {
        try {
            JsonObject b =
                    PlatformIT.find(new JsonArray(http("/v1/bundles").body()), "symbolicName", "dev.stoa.onnxruntime");
            return b == null || b.getString("problem") == null ? "" : b.getString("problem");
        } catch (IOException | InterruptedException | RuntimeException e) {
            return "";
        }
    }

    private static Path drop(Path from, Path to) throws IOException {
        Path tmp = to.resolveSibling(to.getFileName() + ".part");
        Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
        return Files.move(tmp, to, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String label(Object reply) {
        return ((JsonObject) reply)
                .getJsonObject("outputs")
                .getJsonObject("softmax_0.tmp_0")
                .getJsonArray("classes")
                .getJsonArray(0)
                .getJsonObject(0)
                .getString("label");
    }

    private static String png(Image image) {
        return Base64.getEncoder().encodeToString(image.encodePng());
    }

    /** One line of black text on white, cut out with a small margin, as a detector would hand it on. */
    private static Image renderLine(String text) {
        BufferedImage img = new BufferedImage(460, 44, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 32));
        g.drawString(text, 6, 33);
        g.dispose();
        return Image.fromBufferedImage(img);
    }

    private static Image rotated180(Image image) {
        byte[] in = image.rgb();
        byte[] out = new byte[in.length];
        int pixels = in.length / 3;
        for (int p = 0; p < pixels; p++) {
            System.arraycopy(in, 3 * p, out, 3 * (pixels - 1 - p), 3);
        }
        return new Image(image.width(), image.height(), out);
    }

    private static boolean available(ServiceDirectory directory, String id) {
        return directory.services().stream()
                .anyMatch(s -> s.id().equals(id) && "model".equals(s.kind()) && "available".equals(s.state()));
    }
}
