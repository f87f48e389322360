package dev.stoa.launcher.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The command against a small HTTP server that speaks the gateway's protocol (the real service and pipelines run in
 * the distribution; their scoring is tested in bundles/vqa). The fake pipeline "half" answers the question with the
 * right answer for items with an even number, and the fake scorer counts exact matches, so the table must show what
 * the pipeline answered.
 */
class EvalVqaCommandTest {

    private HttpServer server;
    private final List<JsonObject> pipelineBodies = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private static void reply(HttpExchange ex, int code, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(code, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/services/vqa-eval-set", ex -> {
            JsonObject req = JsonParser.parseString(new String(ex.getRequestBody().readAllBytes(),
                    StandardCharsets.UTF_8)).getAsJsonObject();
            int n = req.get("n").getAsInt();
            if (!req.has("answers")) {
                StringBuilder items = new StringBuilder("{\"items\": [");
                for (int i = 0; i < n; i++) {
                    items.append(i == 0 ? "" : ",").append("{\"id\": \"test/").append(i).append("/colour\", \"type\":"
                            + " \"colour\", \"question\": \"What colour is it?\", \"answer\": \"red\", \"image\":"
                            + " \"aW1n\"}");
                }
                reply(ex, 200, items.append("]}").toString());
                return;
            }
            JsonObject answers = req.getAsJsonObject("answers");
            int right = (int) answers.entrySet().stream().filter(e -> e.getValue().getAsString().strip().equals("red"))
                    .count();
            reply(ex, 200, "{\"by_type\": {\"colour\": {\"correct\": " + right + ", \"total\": " + n
                    + ", \"accuracy\": " + (double) right / n + "}}, \"overall\": {\"correct\": " + right
                    + ", \"total\": " + n + ", \"accuracy\": " + (double) right / n + "}, \"wrong\": []}");
        });
        server.createContext("/v1/pipelines/half", ex -> {
            JsonObject body = JsonParser.parseString(new String(ex.getRequestBody().readAllBytes(),
                    StandardCharsets.UTF_8)).getAsJsonObject();
            pipelineBodies.add(body);
            // answers right for every other call
            reply(ex, 200, "{\"text\": \"" + (pipelineBodies.size() % 2 == 0 ? " red" : " blue") + "\"}");
        });
        server.createContext("/v1/pipelines/broken", ex -> {
            ex.getRequestBody().readAllBytes();
            reply(ex, 503, "{\"error\": \"UNAVAILABLE\", \"code\": 503, \"message\": \"clip-tiny is training\"}");
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private int run(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", "http://127.0.0.1:" + server.getAddress().getPort(), "--parallel", "1"));
        return new EvalVqaCommand(name -> null).run(all, new PrintStream(out, true), new PrintStream(err, true));
    }

    @Test
    void printsAccuracyPerTypeForEachPipeline() throws Exception {
        assertThat(run("--n", "4", "--pipeline", "half,broken")).isZero();
        String printed = out.toString(StandardCharsets.UTF_8);
        // the pipeline got the image and the question of the set
        assertThat(pipelineBodies).hasSize(4).allSatisfy(b -> {
            assertThat(b.get("image").getAsString()).isEqualTo("aW1n");
            assertThat(b.get("question").getAsString()).isEqualTo("What colour is it?");
        });
        assertThat(printed).contains("4 questions").containsPattern("colour\\s+50\\.0% \\(2/4\\)\\s+0\\.0% \\(0/4\\)")
                .containsPattern("overall\\s+50\\.0% \\(2/4\\)");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("broken: 4 of 4 calls failed")
                .contains("clip-tiny is training");
    }

    @Test
    void badOptionIsAUsageError() throws Exception {
        assertThat(run("--n", "zero")).isEqualTo(CommandLine.USAGE_ERROR);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--n is 'zero'; use a whole number from 1 to 10000");
    }
}
