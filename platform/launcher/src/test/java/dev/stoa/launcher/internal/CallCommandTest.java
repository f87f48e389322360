package dev.stoa.launcher.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI's calls. The server is the JDK's own HTTP server answering as the gateway does (the gateway itself is
 * tested in the itests); it records what the CLI sent.
 */
class CallCommandTest {

    private HttpServer server;
    private final AtomicReference<String> lastBody = new AtomicReference<>();
    private final AtomicReference<String> lastPath = new AtomicReference<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/pipelines", ex -> {
            String path = ex.getRequestURI().getPath();
            lastPath.set(path);
            lastBody.set(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String body = path.equals("/v1/pipelines")
                    ? "[{\"name\": \"chorus\", \"state\": \"serving\", \"missingServices\": [], \"errors\": []}]"
                    : "{\"text\": \"HI! HI!\", \"_trace\": {\"id\": \"t-1\", \"stages\": ["
                            + "{\"stage\": \"loud\", \"outcome\": \"ok\", \"ms\": 12.5},"
                            + "{\"stage\": \"chorus\", \"outcome\": \"ok\", \"ms\": 0.25}]}}";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, bytes.length);
            ex.getResponseBody().write(bytes);
            ex.close();
        });
        server.createContext("/v1/services", ex -> {
            lastPath.set(ex.getRequestURI().getPath());
            byte[] bytes = "{\"error\": \"UNKNOWN_SERVICE\", \"code\": 404, \"message\": \"no service has id 'nope'\"}"
                    .getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(404, bytes.length);
            ex.getResponseBody().write(bytes);
            ex.close();
        });
        server.createContext("/v1/services/draw", ex -> {
            lastBody.set(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String b64a = Base64.getEncoder().encodeToString(PNG_A);
            String b64b = Base64.getEncoder().encodeToString(PNG_B);
            String body = lastBody.get().contains("\"n\":\"1\"")
                    ? "{\"masks\": [{\"mask\": \"data:image/png;base64," + b64a + "\", \"box\": [1, 2, 3, 4]}]}"
                    : lastBody.get().contains("\"n\":\"0\"")
                            ? "{\"text\": \"nothing drawn\"}"
                            : "{\"images\": [{\"image\": \"" + b64a + "\"}, {\"image\": \"" + b64b
                                    + "\"}], \"seed\": 7}";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, bytes.length);
            ex.getResponseBody().write(bytes);
            ex.close();
        });
        server.createContext("/v1/services/sampler", ex -> {
            lastPath.set(ex.getRequestURI().toString());
            lastBody.set(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            boolean fail = lastBody.get().contains("fail");
            String body = "event: token\ndata: {\"index\": 0, \"step\": 1, \"steps\": 4}\n\n"
                    + "event: token\ndata: {\"index\": 1, \"text\": \"{\\\"step\\\": 4, \\\"steps\\\": 4}\"}\n\n"
                    + (fail
                            ? "event: error\ndata: {\"error\": \"TIMEOUT\", \"code\": 504, \"message\": \"too slow\"}\n\n"
                            : "event: done\ndata: {\"seed\": 3}\n\n");
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, bytes.length);
            ex.getResponseBody().write(bytes);
            ex.close();
        });
        server.start();
    }

    private static final byte[] PNG_A = png(0xFF0000);
    private static final byte[] PNG_B = png(0x00FF00);

    private static byte[] png(int rgb) {
        java.awt.image.BufferedImage img =
                new java.awt.image.BufferedImage(4, 3, java.awt.image.BufferedImage.TYPE_INT_RGB);
        img.setRGB(1, 1, rgb);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            javax.imageio.ImageIO.write(img, "png", bytes);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private int call(String... args) throws Exception {
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("--url", url));
        return new CallCommand(name -> null).run(all, new PrintStream(out, true), new PrintStream(err, true));
    }

    @Test
    void pipelineCallPrintsTheAnswerAndEachStage() throws Exception {
        assertThat(call("chorus", "--text", "hi")).isZero();
        assertThat(lastPath.get()).isEqualTo("/v1/pipelines/chorus");
        assertThat(lastBody.get()).contains("\"text\":\"hi\"").contains("\"_trace\":true");
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("\"text\": \"HI! HI!\"").doesNotContain("_trace");
        assertThat(printed)
                .containsPattern("loud\\s+ok\\s+12.5")
                .containsPattern("chorus\\s+ok\\s+0.3")
                .contains("(trace t-1)");
    }

    @Test
    void serverErrorIsOneLineWithCodeAndExitOne() throws Exception {
        assertThat(call("nope", "--text", "x")).isEqualTo(1);
        assertThat(lastPath.get()).isEqualTo("/v1/services/nope");
        assertThat(err.toString(StandardCharsets.UTF_8).trim())
                .isEqualTo("stoa call nope: UNKNOWN_SERVICE: no service has id 'nope'");
    }

    @Test
    void noServerIsExplained() throws Exception {
        int code = new CallCommand(name -> null)
                .run(
                        List.of("x", "--url", "http://127.0.0.1:1"),
                        new PrintStream(out, true),
                        new PrintStream(err, true));
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no Stoa server answers at http://127.0.0.1:1");
    }

    @Test
    void imageIsSentAsBase64AndJsonFieldsAreMerged(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("x.png");
        Files.write(png, new byte[] {1, 2, 3});
        Map<String, com.google.gson.JsonElement> body =
                CallCommand.bodyOf(List.of("p", "--image", png.toString(), "--json", "{\"question\": \"what?\"}"));
        assertThat(body.get("image").getAsString())
                .isEqualTo(Base64.getEncoder().encodeToString(new byte[] {1, 2, 3}));
        assertThat(body.get("question").getAsString()).isEqualTo("what?");
    }

    @Test
    void fieldsAreStringsBesideTextAndImage(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("x.png");
        Files.write(png, new byte[] {9, 8});
        Map<String, com.google.gson.JsonElement> body = CallCommand.bodyOf(List.of(
                "p", "--image", png.toString(), "--text", "hi", "--field", "question=what = this?", "--field", "k=3"));
        assertThat(body.get("question").getAsString()).isEqualTo("what = this?");
        assertThat(body.get("k").getAsJsonPrimitive().isString()).isTrue();
        assertThat(body.get("k").getAsString()).isEqualTo("3");
        assertThat(body.get("text").getAsString()).isEqualTo("hi");
        assertThat(body.get("image").getAsString())
                .isEqualTo(Base64.getEncoder().encodeToString(new byte[] {9, 8}));
    }

    @Test
    void malformedOrRepeatedFieldIsAUsageError() throws Exception {
        assertThat(new CallCommand(n -> null)
                        .run(List.of("p", "--field", "novalue"), new PrintStream(out), new PrintStream(err)))
                .isEqualTo(CommandLine.USAGE_ERROR);
        assertThat(new CallCommand(n -> null)
                        .run(
                                List.of("p", "--field", "a=1", "--field", "a=2"),
                                new PrintStream(out),
                                new PrintStream(err)))
                .isEqualTo(CommandLine.USAGE_ERROR);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("--field novalue: write it as KEY=VALUE")
                .contains("--field a is given twice");
    }

    @Test
    void badArgumentsAreUsageErrors() throws Exception {
        assertThat(new CallCommand(n -> null).run(List.of("--text"), new PrintStream(out), new PrintStream(err)))
                .isEqualTo(CommandLine.USAGE_ERROR);
        assertThat(new CallCommand(n -> null)
                        .run(List.of("p", "--imgae", "x"), new PrintStream(out), new PrintStream(err)))
                .isEqualTo(CommandLine.USAGE_ERROR);
        assertThat(new CallCommand(n -> null)
                        .run(List.of("p", "--image", "/no/such.png"), new PrintStream(out), new PrintStream(err)))
                .isEqualTo(CommandLine.USAGE_ERROR);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("unknown option --imgae")
                .contains("--image /no/such.png: no such file");
    }

    @Test
    void serverIsFoundFromTheEnvironment() {
        assertThat(ServerClient.locate(null, Map.of("STOA_HTTP_PORT", "9000")::get)
                        .toString())
                .isEqualTo("http://127.0.0.1:9000");
        assertThat(ServerClient.locate(null, Map.of("STOA_URL", "http://h:1")::get)
                        .toString())
                .isEqualTo("http://h:1");
        assertThat(ServerClient.locate(null, k -> null).toString()).isEqualTo("http://127.0.0.1:8080");
    }

    @Test
    void saveWritesEveryPngOfTheAnswerAndPrintsTheFilesInstead(@TempDir Path dir) throws Exception {
        assertThat(call(
                        "draw",
                        "--text",
                        "a red circle",
                        "--save",
                        dir.resolve("out.png").toString()))
                .isZero();
        assertThat(Files.readAllBytes(dir.resolve("out-1.png"))).isEqualTo(PNG_A);
        assertThat(Files.readAllBytes(dir.resolve("out-2.png"))).isEqualTo(PNG_B);
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed)
                .contains("saved to " + dir.resolve("out-1.png"))
                .contains("saved to " + dir.resolve("out-2.png"))
                .contains("\"seed\": 7")
                .doesNotContain(Base64.getEncoder().encodeToString(PNG_A));
    }

    @Test
    void oneNestedPngGoesToTheFileNamed(@TempDir Path dir) throws Exception {
        assertThat(call(
                        "draw",
                        "--field",
                        "n=1",
                        "--save",
                        dir.resolve("mask.png").toString()))
                .isZero();
        assertThat(Files.readAllBytes(dir.resolve("mask.png"))).isEqualTo(PNG_A);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"box\"");
    }

    @Test
    void saveWithNoPngInTheAnswerSaysSo(@TempDir Path dir) throws Exception {
        assertThat(call(
                        "draw",
                        "--field",
                        "n=0",
                        "--save",
                        dir.resolve("out.png").toString()))
                .isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("the answer holds no PNG image");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("nothing drawn");
        assertThat(dir.resolve("out.png")).doesNotExist();
        assertThat(call("draw", "--save", dir.resolve("no/such/folder/out.png").toString()))
                .isEqualTo(CommandLine.USAGE_ERROR);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("does not exist; create it");
    }

    @Test
    void numberedNamesKeepTheExtension() {
        assertThat(SavedImages.numbered(Path.of("a/out.png"), 2)).isEqualTo(Path.of("a/out-2.png"));
        assertThat(SavedImages.numbered(Path.of("out"), 3)).isEqualTo(Path.of("out-3"));
    }

    @Test
    void progressStreamsTheCallAndDrawsABar() throws Exception {
        assertThat(call("sampler", "--text", "a red circle", "--progress")).isZero();
        assertThat(lastPath.get()).isEqualTo("/v1/services/sampler?stream=true");
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("step 1/4")
                .contains(" 25% ")
                .contains("[" + "#".repeat(30) + "] 100% step 4/4");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"seed\": 3");
        assertThat(call("sampler", "--text", "fail", "--progress")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("stoa call sampler: TIMEOUT: too slow");
    }

    @Test
    void progressShowsAGeneratorsTextAsItComes() {
        JsonObject piece = new JsonObject();
        piece.addProperty("index", 0);
        piece.addProperty("text", "a red");
        assertThat(CallCommand.progressText(piece)).isEqualTo("a red");
    }
}
