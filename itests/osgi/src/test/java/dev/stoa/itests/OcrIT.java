package dev.stoa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.junit.Assume.assumeTrue;

import dev.stoa.api.FailureCode;
import dev.stoa.api.data.Image;
import dev.stoa.api.data.RecognizedText;
import dev.stoa.api.service.TextRecognizer;
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
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The distribution's OCR bundles read text sent over the event bus and HTTP, as JSON and as objects: PaddleOCR
 * always, Tesseract where its English model is installed (.ci/run installs it).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class OcrIT extends StoaTestSupport {

    private static final List<String> LINES = List.of("Stoa reads text in images", "Invoice 2024-117: total $3,580.25");

    /** Draws the lines black on white, 32 px sans-serif; shared with {@link SearchIT}. */
    static Image render(List<String> lines) {
        BufferedImage img = new BufferedImage(760, 60 * lines.size() + 40, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 32));
        for (int i = 0; i < lines.size(); i++) {
            g.drawString(lines.get(i), 30, 60 + 60 * i);
        }
        g.dispose();
        return Image.fromBufferedImage(img);
    }

    private Vertx ready() throws Exception {
        return ready("ocr-paddle");
    }

    private Vertx ready(String id) throws Exception {
        Vertx vertx = service(Vertx.class);
        service(TextRecognizer.class);
        await("gateway listening", () -> status("/health/live") == 200);
        await(id + " in /v1/services", () -> {
            try {
                return PlatformIT.find(new JsonArray(http("/v1/services").body()), "id", id) != null;
            } catch (IOException | InterruptedException | RuntimeException e) {
                return false;
            }
        });
        return vertx;
    }

    @Test
    public void readsRenderedLinesSentAsJsonOverTheBus() throws Exception {
        Vertx vertx = ready();
        String png = Base64.getEncoder().encodeToString(render(LINES).encodePng());
        long start = System.nanoTime();
        JsonObject reply = (JsonObject) vertx.eventBus()
                .request("stoa.model.ocr-paddle", new JsonObject().put("image", png))
                .await()
                .body();
        System.out.printf(
                "[measure] ocr-paddle over the bus (JSON, PNG decode included): %d ms%n",
                (System.nanoTime() - start) / 1_000_000);
        assertEquals(reply.encode(), String.join("\n", LINES), reply.getString("text"));
        JsonArray lines = reply.getJsonArray("lines");
        assertEquals(2, lines.size());
        JsonObject first = lines.getJsonObject(0);
        assertTrue(first.encode(), first.getDouble("confidence") > 0.5 && first.getDouble("confidence") <= 1);
        assertTrue(
                first.encode(), first.getInteger("y") < lines.getJsonObject(1).getInteger("y"));
    }

    @Test
    public void inProcessCallsPassTheRecords() throws Exception {
        Vertx vertx = ready();
        RecognizedText text = (RecognizedText) vertx.eventBus()
                .request("stoa.model.ocr-paddle", render(LINES.subList(0, 1)))
                .await()
                .body();
        assertEquals(LINES.get(0), text.fullText());
        RecognizedText none = (RecognizedText) vertx.eventBus()
                .request("stoa.model.ocr-paddle", new Image(1, 1, new byte[3]))
                .await()
                .body();
        assertTrue("a 1x1 image has no text: " + none, none.lines().isEmpty());
    }

    @Test
    public void httpCallsAndBadInput() throws Exception {
        Vertx vertx = ready();
        String png =
                Base64.getEncoder().encodeToString(render(LINES.subList(1, 2)).encodePng());
        HttpResponse<String> viaHttp = httpPost(
                "/v1/services/ocr-paddle", new JsonObject().put("image", png).encode());
        assertEquals(viaHttp.body(), 200, viaHttp.statusCode());
        assertEquals(LINES.get(1), new JsonObject(viaHttp.body()).getString("text"));
        try {
            vertx.eventBus()
                    .request("stoa.model.ocr-paddle", new JsonObject().put("image", ""))
                    .await();
            fail("an empty image must be refused");
        } catch (ReplyException e) {
            assertEquals(e.getMessage(), FailureCode.BAD_INPUT, FailureCode.of(e.failureCode()));
            assertTrue(e.getMessage(), e.getMessage().contains("image"));
        }
    }

    @Test
    public void corruptEmptyAndOversizedImagesAreRefusedBeforeTheEngine() throws Exception {
        Vertx vertx = ready();
        // a real 1x1 PNG whose header claims 20000x20000 (IHDR patched, CRC fixed): refused from the header alone
        byte[] huge = render(LINES.subList(0, 1)).encodePng();
        java.nio.ByteBuffer.wrap(huge).putInt(16, 20_000).putInt(20, 20_000);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(huge, 12, 17);
        java.nio.ByteBuffer.wrap(huge).putInt(29, (int) crc.getValue());
        List<String> services = Files.isRegularFile(Path.of("/usr/share/tesseract-ocr/5/tessdata/eng.traineddata"))
                ? List.of("ocr-paddle", "ocr-tesseract")
                : List.of("ocr-paddle");
        for (String id : services) {
            if (id.equals("ocr-tesseract")) {
                ready(id);
            }
            String address = "stoa.model." + id;
            assertRefused(
                    vertx,
                    address,
                    Base64.getEncoder().encodeToString("not an image".getBytes()),
                    FailureCode.BAD_INPUT,
                    "not a PNG, JPEG");
            assertRefused(vertx, address, "", FailureCode.BAD_INPUT, "empty");
            assertRefused(
                    vertx, address, Base64.getEncoder().encodeToString(huge), FailureCode.TOO_LARGE, "20000x20000");
        }
    }

    private static void assertRefused(Vertx vertx, String address, String image, FailureCode code, String text) {
        try {
            vertx.eventBus()
                    .request(address, new JsonObject().put("image", image))
                    .await();
            fail(address + " must refuse it: " + text);
        } catch (ReplyException e) {
            assertEquals(e.getMessage(), code, FailureCode.of(e.failureCode()));
            assertTrue(
                    e.getMessage(),
                    e.getMessage().contains("image") && e.getMessage().contains(text));
        }
    }

    @Test
    public void tesseractReadsTheSameLinesWhereItsModelIsInstalled() throws Exception {
        assumeTrue(
                "no Tesseract English model: apt-get install tesseract-ocr-eng",
                Files.isRegularFile(Path.of("/usr/share/tesseract-ocr/5/tessdata/eng.traineddata")));
        Vertx vertx = ready("ocr-tesseract");
        String png = Base64.getEncoder().encodeToString(render(LINES).encodePng());
        JsonObject reply = (JsonObject) vertx.eventBus()
                .request("stoa.model.ocr-tesseract", new JsonObject().put("image", png))
                .await()
                .body();
        assertEquals(reply.encode(), String.join("\n", LINES), reply.getString("text"));
    }
}
