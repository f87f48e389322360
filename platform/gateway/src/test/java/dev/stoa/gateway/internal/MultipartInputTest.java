package dev.stoa.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.StoaException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Multipart calls through a real Vert.x HTTP server with the gateway's form options; the route answers the JSON input
 * {@link MultipartInput} made (or the failure, as the gateway would), so each test checks what a service would get.
 */
class MultipartInputTest {

    private static final long MAX_BYTES = 64 * 1024;
    private static final String BOUNDARY = "stoa-test-boundary";

    private Vertx vertx;
    private HttpServer server;
    // HTTP/1.1 as curl and browsers send forms; the JDK client's default h2c upgrade is not what is tested here
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        router.post("/call")
                .handler(rc -> MultipartInput.read(rc.request(), MAX_BYTES).onComplete(ar -> {
                    if (ar.succeeded()) {
                        HttpGateway.json(rc, 200, ar.result());
                    } else {
                        StoaException e = (StoaException) ar.cause();
                        HttpGateway.error(rc, e.code(), e.getMessage());
                    }
                }));
        server = vertx.createHttpServer(HttpGateway.formOptions(
                        new HttpServerOptions().setHost("127.0.0.1").setPort(0), MAX_BYTES))
                .requestHandler(router)
                .listen()
                .await(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void textFieldsImagesAndJsonBecomeTheJsonInput() throws Exception {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3, 0, -1};
        String longPrompt = "a".repeat(20_000); // over Vert.x's default 8 KB a field
        HttpResponse<String> r = post(new Form()
                .field("text", "what is in the picture?")
                .field("prompt", longPrompt)
                .field("json", "{\"labels\": [\"cat\", \"dog\"], \"k\": 2}")
                .file("image", "photo.png", "image/png", png)
                .end());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject input = new JsonObject(r.body());
        assertThat(input.getString("text")).isEqualTo("what is in the picture?");
        assertThat(input.getString("prompt")).hasSize(20_000);
        assertThat(input.getJsonArray("labels").getList()).containsExactly("cat", "dog");
        assertThat(input.getInteger("k")).isEqualTo(2);
        assertThat(Base64.getDecoder().decode(input.getString("image"))).isEqualTo(png);
    }

    @Test
    void wavPartBecomesTheSamplesOfAnAudio() throws Exception {
        short[] pcm = {0, 16384, -16384, 32767, -32768, 8192};
        byte[] raw = new byte[pcm.length * 2];
        for (int i = 0; i < pcm.length; i++) {
            raw[2 * i] = (byte) pcm[i];
            raw[2 * i + 1] = (byte) (pcm[i] >> 8);
        }
        AudioFormat format = new AudioFormat(16_000, 16, 2, true, false);
        ByteArrayOutputStream wav = new ByteArrayOutputStream();
        AudioSystem.write(
                new AudioInputStream(new ByteArrayInputStream(raw), format, pcm.length / 2),
                AudioFileFormat.Type.WAVE,
                wav);

        HttpResponse<String> r = post(new Form()
                .file("audio", "clip.wav", "audio/wav", wav.toByteArray())
                .end());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject input = new JsonObject(r.body());
        assertThat(input.getInteger("sampleRate")).isEqualTo(16_000);
        assertThat(input.getInteger("channels")).isEqualTo(2);
        assertThat(input.getJsonArray("samples").stream()
                        .map(v -> ((Number) v).floatValue())
                        .toList())
                .containsExactly(0f, 0.5f, -0.5f, 32767 / 32768f, -1f, 0.25f);
    }

    @Test
    void malformedBodyIsBadInput() throws Exception {
        byte[] noDisposition = ("--" + BOUNDARY + "\r\nContent-Type: text/plain\r\n\r\nhello\r\n--" + BOUNDARY
                        + "--\r\n")
                .getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> r = post(noDisposition, "multipart/form-data; boundary=" + BOUNDARY);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("BAD_INPUT");
        assertThat(new JsonObject(r.body()).getString("message")).contains("multipart/form-data");

        HttpResponse<String> noBoundary = post(new Form().field("text", "hi").end(), "multipart/form-data");
        assertThat(noBoundary.statusCode()).as(noBoundary.body()).isEqualTo(400);
        assertThat(new JsonObject(noBoundary.body()).getString("error")).isEqualTo("BAD_INPUT");
    }

    @Test
    void unsupportedFileTypeNamesThePart() throws Exception {
        HttpResponse<String> r = post(new Form()
                .file("weights", "w.bin", "application/octet-stream", new byte[4])
                .end());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(r.body()).getString("message"))
                .startsWith("'weights': ")
                .contains("image/png")
                .contains("audio/wav");
    }

    @Test
    void repeatedNameAndEmptyFormAreBadInput() throws Exception {
        HttpResponse<String> twice =
                post(new Form().field("text", "a").field("text", "b").end());
        assertThat(twice.statusCode()).isEqualTo(400);
        assertThat(twice.body()).contains("'text': is sent twice");
        HttpResponse<String> empty = post(new Form().end());
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(empty.body()).contains("no fields");
    }

    @Test
    void bodyOverTheLimitIsTooLarge() throws Exception {
        HttpResponse<String> r = post(new Form()
                .file("image", "big.png", "image/png", new byte[(int) MAX_BYTES + 1])
                .end());
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("TOO_LARGE");
        assertThat(r.body()).contains("maxBodyBytes");
    }

    @Test
    void textFieldsCountTowardTheLimitWhenTheBodyIsChunked() throws Exception {
        // two text fields, each under the limit, together over it; no Content-Length, so only counting stops them
        byte[] body = new Form()
                .field("a", "x".repeat((int) MAX_BYTES - 1024))
                .field("b", "y".repeat((int) MAX_BYTES - 1024))
                .end();
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/call"))
                        .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                        .timeout(java.time.Duration.ofSeconds(20))
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("status").isEqualTo(413);
        assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("TOO_LARGE");
        assertThat(r.body()).contains("maxBodyBytes");
    }

    private HttpResponse<String> post(byte[] body) throws Exception {
        return post(body, "multipart/form-data; boundary=" + BOUNDARY);
    }

    private HttpResponse<String> post(byte[] body, String contentType) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/call"))
                        .header("Content-Type", contentType)
                        .timeout(java.time.Duration.ofSeconds(20))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A multipart/form-data body, written by hand as a browser or curl -F would send it. */
    private static final class Form {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Form field(String name, String value) {
            write("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value
                    + "\r\n");
            return this;
        }

        Form file(String name, String fileName, String type, byte[] data) {
            write("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + fileName
                    + "\"\r\nContent-Type: " + type + "\r\n\r\n");
            out.writeBytes(data);
            write("\r\n");
            return this;
        }

        byte[] end() {
            write("--" + BOUNDARY + "--\r\n");
            return out.toByteArray();
        }

        private void write(String s) {
            out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        }
    }
}
