package dev.stoa.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.runtime.ExportedService;
import dev.stoa.api.runtime.ServiceDirectory;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code Accept: image/png} answers the call's PNG itself. Real Vert.x HTTP and event bus; the consumers stand in for
 * the bus exporter, which needs OSGi: one answers two drawn images (the second as a {@code data:} URL, nested in a
 * list as a drawing service answers), one answers text only.
 */
class PngAnswerTest {

    private Vertx vertx;
    private HttpServer server;
    private final HttpClient client = HttpClient.newHttpClient();
    private final byte[] red = png(0xFF0000);
    private final byte[] green = png(0x00FF00);

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        vertx.eventBus()
                .consumer(
                        "stoa.service.draw",
                        m -> m.reply(new JsonObject()
                                .put(
                                        "images",
                                        new JsonArray()
                                                .add(new JsonObject()
                                                        .put(
                                                                "image",
                                                                Base64.getEncoder()
                                                                        .encodeToString(red)))
                                                .add(new JsonObject()
                                                        .put(
                                                                "image",
                                                                "data:image/png;base64,"
                                                                        + Base64.getEncoder()
                                                                                .encodeToString(green))))
                                .put("seed", 7)));
        vertx.eventBus().consumer("stoa.service.say", m -> m.reply(new JsonObject().put("text", "no picture")));
        ServiceDirectory directory = () -> List.of(service("draw"), service("say"));
        Router router = Router.router(vertx);
        HttpGateway.routeCalls(router, new ServiceCallHandler(vertx, () -> directory, 5_000), 1 << 20);
        server = vertx.createHttpServer()
                .requestHandler(router)
                .listen(0, "127.0.0.1")
                .await();
    }

    private static ExportedService service(String id) {
        return new ExportedService(
                id, "model", null, "stoa.service." + id, "JsonObject", "JsonObject", "test", 1, "available", 0, 0, 0);
    }

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    @Test
    void thePngIsTheAnswerAndImagePicksWhichOne() throws Exception {
        HttpResponse<byte[]> first = post("/v1/services/draw", "image/png");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("content-type")).hasValue("image/png");
        assertThat(first.headers().firstValue(PngAnswer.COUNT_HEADER)).hasValue("2");
        assertThat(first.body()).isEqualTo(red);
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(first.body()));
        assertThat(decoded.getRGB(1, 1) & 0xFFFFFF).isEqualTo(0xFF0000);

        assertThat(post("/v1/services/draw?image=1", "image/png").body()).isEqualTo(green);
    }

    @Test
    void jsonStaysTheDefaultAndMistakesAreNamed() throws Exception {
        HttpResponse<byte[]> json = post("/v1/services/draw", "application/json, image/png");
        assertThat(json.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(new JsonObject(new String(json.body())).getInteger("seed")).isEqualTo(7);

        HttpResponse<byte[]> none = post("/v1/services/say", "image/png");
        assertThat(none.statusCode()).isEqualTo(406);
        assertThat(new JsonObject(new String(none.body())).getString("message"))
                .contains("the answer of 'say' holds no PNG image");

        HttpResponse<byte[]> past = post("/v1/services/draw?image=2", "image/png");
        assertThat(past.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(new String(past.body())).getString("message"))
                .startsWith("'image': is 2")
                .contains("give 0 to 1");
        assertThat(post("/v1/services/draw?image=x", "image/png").statusCode()).isEqualTo(400);
    }

    private HttpResponse<byte[]> post(String path, String accept) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
                        .header("Content-Type", "application/json")
                        .header("Accept", accept)
                        .POST(HttpRequest.BodyPublishers.ofString("{}"))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static byte[] png(int rgb) {
        BufferedImage img = new BufferedImage(3, 3, BufferedImage.TYPE_INT_RGB);
        img.setRGB(1, 1, rgb);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
