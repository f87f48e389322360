package dev.stoa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import dev.stoa.api.generation.TextGenerator;
import dev.stoa.api.train.TrainingService;
import dev.stoa.api.train.TrainingStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.InvalidSyntaxException;

/**
 * The OpenAI-compatible API of the distribution, called by the official {@code openai} npm client (pinned in
 * itests/osgi/pom.xml, installed with npm into {@code target/openai-node}) from a Node script,
 * {@code src/test/node/openai-it.js}: {@code models.list}, {@code embeddings.create} (as base64, the client's default,
 * and as floats), {@code chat.completions.create} with and without {@code stream: true}, a vision message with a base64
 * PNG, and an unknown model's error. Every answer is compared with what Stoa's own API answers for the same call.
 *
 * <p>The vision model: {@code socratic-vqa} needs three trained models, which a fresh work folder has not, so the
 * client's call to it must get OpenAI's error object with 503 naming what is missing; the vision answer itself comes
 * from a pipeline this test writes with services that serve untrained ({@code vision-it}: PaddleOCR reads the
 * PNG, a template writes what it read and the question), named as a model in {@code etc/dev.stoa.openai.cfg} while
 * the server runs. The generator is a GPT trained two steps here, as in {@code GenerationIT}.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class OpenAiApiIT extends StoaTestSupport {

    private static final String GENERATOR = "gpt-openai-it";
    private static final String VISION = "vision-it";
    private static final String EMBEDDER = "all-minilm-l6-v2";
    private static final List<String> TEXTS = List.of("a red circle", "two blue squares and a green triangle");
    private static final String QUESTION = "What does the sign say?";

    @Override
    @Configuration
    public Option[] config() throws IOException {
        List<Option> options = new ArrayList<>(Arrays.asList(super.config()));
        options.add(systemProperty("stoa.openai.client").value(System.getProperty("stoa.openai.client", "")));
        return options.toArray(Option[]::new);
    }

    @Test
    public void theOfficialOpenAiClientListsEmbedsChatsStreamsAndSendsAnImage() throws Exception {
        Path client = clientFolder();
        await("the gateway and " + EMBEDDER, () -> status("/health/ready") == 200);
        await("the OpenAI API at /openai/v1", () -> status("/openai/v1/models") == 200);
        trainGenerator();
        await("TextGenerator " + GENERATOR, () -> registered(TextGenerator.class, "(stoa.id=" + GENERATOR + ")"));
        writeVisionModel();
        await("model " + VISION + " in /openai/v1/models", () -> modelIds().contains(VISION));
        await(GENERATOR + " answers", () -> {
            try {
                return httpPost("/v1/services/" + GENERATOR, "{\"prompt\": \"a\", \"max_tokens\": 1}")
                                .statusCode()
                        == 200;
            } catch (IOException | InterruptedException e) {
                return false;
            }
        });

        String png =
                Base64.getEncoder().encodeToString(OcrIT.render(List.of("STOP")).encodePng());
        JsonObject result = runClient(
                client,
                new JsonObject()
                        .put("baseUrl", baseUrl() + "/openai/v1")
                        // the SDK always sends a key: a real one, as a user would (bin/stoa key add)
                        .put("apiKey", adminKey())
                        .put("embeddingModel", EMBEDDER)
                        .put("texts", new JsonArray(TEXTS))
                        .put("chatModel", GENERATOR)
                        .put("prompt", "a red")
                        .put("visionModel", VISION)
                        .put("vqaModel", "socratic-vqa")
                        .put("question", QUESTION)
                        .put("png", png));

        // models.list: the shipped names whose services run, a generator by its id (exposeAll), the vision pipeline
        List<Object> models = result.getJsonArray("models").getList();
        assertTrue(models.toString(), models.containsAll(List.of(EMBEDDER, GENERATOR, VISION, "socratic-vqa")));

        // embeddings.create: the same vectors as Stoa's own API, in input order
        JsonArray vectors = result.getJsonArray("embeddings");
        assertEquals(TEXTS.size(), vectors.size());
        assertEquals(List.of(0, 1), result.getJsonArray("embeddingIndexes").getList());
        for (int i = 0; i < TEXTS.size(); i++) {
            JsonArray own = new JsonObject(ok(httpPost(
                            "/v1/services/" + EMBEDDER,
                            new JsonObject().put("text", TEXTS.get(i)).encode())))
                    .getJsonArray("embedding");
            assertEquals(384, own.size());
            double cos = cosine(vectors.getJsonArray(i), own);
            System.out.printf("[measure] openai client embedding %d vs POST /v1/services: cosine %.7f%n", i, cos);
            assertTrue("cosine " + cos + " for '" + TEXTS.get(i) + "'", cos >= 0.9999);
        }
        assertTrue(cosine(result.getJsonArray("floatEmbedding"), vectors.getJsonArray(0)) >= 0.9999);
        assertNotNull(result.getJsonObject("embeddingUsage").getInteger("prompt_tokens"));

        // chat.completions.create: the generator's own greedy answer to the same prompt
        JsonObject chat = result.getJsonObject("chat");
        JsonObject own = new JsonObject(ok(httpPost(
                "/v1/services/" + GENERATOR,
                new JsonObject().put("prompt", "a red").put("max_tokens", 6).encode())));
        assertEquals(own.getString("text"), chat.getString("content"));
        assertEquals("assistant", chat.getString("role"));
        assertEquals("chat.completion", chat.getString("object"));
        assertEquals(own.getString("finish_reason"), chat.getString("finish"));
        assertEquals((int) own.getInteger("tokens"), (int)
                chat.getJsonObject("usage").getInteger("completion_tokens"));

        // stream: true, sampled with a seed: the pieces join to the text of the same call without streaming
        JsonObject stream = result.getJsonObject("stream");
        StringBuilder joined = new StringBuilder();
        stream.getJsonArray("pieces").forEach(joined::append);
        assertTrue(
                "pieces: " + stream.getJsonArray("pieces"),
                stream.getJsonArray("pieces").size() >= 1);
        assertEquals(result.getString("sampled"), joined.toString());
        assertEquals(List.of("assistant"), stream.getJsonArray("roles").getList());
        assertTrue(List.of("stop", "length").contains(stream.getString("finish")));
        assertNotNull("include_usage: the usage chunk", stream.getJsonObject("usage"));

        // the vision message: the PNG reached the pipeline's image input, the text its question
        JsonObject vision = result.getJsonObject("vision");
        assertNotNull(vision.encode(), vision.getString("ok"));
        String ownVision = new JsonObject(ok(httpPost(
                        "/v1/pipelines/" + VISION,
                        new JsonObject()
                                .put("image", png)
                                .put("question", QUESTION)
                                .encode())))
                .getString("text");
        assertEquals(ownVision, vision.getString("ok"));
        assertTrue(ownVision, ownVision.startsWith("read: ") && ownVision.endsWith("; asked: " + QUESTION));
        assertTrue(
                "the OCR stage read the PNG's word: " + ownVision,
                ownVision.toUpperCase().contains("STOP"));

        // socratic-vqa: its models are untrained in a fresh work folder, so the client gets the error object
        JsonObject vqa = result.getJsonObject("vqa");
        if (vqa.containsKey("ok")) {
            assertTrue(vqa.encode(), !vqa.getString("ok").isEmpty());
        } else {
            JsonObject e = vqa.getJsonObject("error");
            assertEquals(e.encode(), 503, (int) e.getInteger("status"));
            assertEquals("server_error", e.getString("type"));
            // waiting for its models (the pipeline is not served), or served by stand-ins that answer UNTRAINED
            assertTrue(e.encode(), List.of("unavailable", "untrained").contains(e.getString("code")));
            assertTrue(e.getString("message"), !e.getString("message").isEmpty());
            System.out.println("[measure] socratic-vqa through the openai client: " + e.getString("message"));
        }

        // a list is one batched call: the encoder's batching queue (etc/dev.stoa.bus.cfg) gets the inputs as one group
        double[] before = batches();
        List<String> five = List.of("one", "two", "three", "four", "five");
        ok(httpPost(
                "/openai/v1/embeddings",
                new JsonObject()
                        .put("model", EMBEDDER)
                        .put("input", new JsonArray(five))
                        .encode()));
        double[] after = batches();
        System.out.printf(
                "[measure] POST /openai/v1/embeddings with 5 inputs: %.0f batch(es), %.0f calls%n",
                after[0] - before[0], after[1] - before[1]);
        assertEquals("batches for one request of 5 inputs", 1, after[0] - before[0], 0);
        assertEquals("calls in them", 5, after[1] - before[1], 0);

        JsonObject unknown = result.getJsonObject("unknown").getJsonObject("error");
        assertEquals(404, (int) unknown.getInteger("status"));
        assertEquals("model_not_found", unknown.getString("code"));
        assertEquals("invalid_request_error", unknown.getString("type"));
        assertEquals("model", unknown.getString("param"));
    }

    /** @return target/openai-node with the installed client, or fails saying how to get it */
    private static Path clientFolder() {
        String dir = System.getProperty("stoa.openai.client", "");
        Path folder = Path.of(dir.isEmpty() ? "target/openai-node" : dir);
        if (!Files.isRegularFile(folder.resolve("node_modules/openai/package.json"))) {
            fail("the openai npm package is not installed in " + folder.toAbsolutePath() + ": the build installs it"
                    + " there with 'npm install openai@<openai.npm.version of itests/osgi/pom.xml>' (phase"
                    + " pre-integration-test); install Node.js 20+ and npm, let npm reach its registry once, and run"
                    + " the build again");
        }
        return folder;
    }

    private JsonObject runClient(Path client, JsonObject request) throws Exception {
        Path requestFile = Path.of(context.getProperty("stoa.home")).resolve("openai-it-request.json");
        Files.writeString(requestFile, request.encode());
        Path stdout = requestFile.resolveSibling("openai-it-out.json");
        Path stderr = requestFile.resolveSibling("openai-it-err.txt");
        Process node;
        try {
            node = new ProcessBuilder("node", "openai-it.js", requestFile.toString())
                    .directory(client.toFile())
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .start();
        } catch (IOException e) {
            fail("cannot run 'node' (" + e.getMessage() + "); install Node.js 20+ so that 'node' is on the PATH");
            return null;
        }
        if (!node.waitFor(5, TimeUnit.MINUTES)) {
            node.destroyForcibly();
            fail("the openai client did not finish in 5 minutes; " + Files.readString(stderr));
        }
        String err = Files.readString(stderr, StandardCharsets.UTF_8);
        assertEquals("node openai-it.js: " + err, 0, node.exitValue());
        return new JsonObject(Files.readString(stdout, StandardCharsets.UTF_8));
    }

    /** A pipeline of services that serve untrained: OCR reads the image, a template answers with it and the question. */
    private void writeVisionModel() throws IOException {
        Path etc = Path.of(context.getProperty("felix.fileinstall.dir"));
        Files.writeString(etc.resolve("pipelines/" + VISION + ".yaml"), """
                input: {image: Image, question: String}
                stages:
                  ocr:
                    call: ocr-paddle
                    with: {image: $input.image}
                    timeout: 30s
                  answer:
                    template: "read: {{ocr.text}}; asked: {{input.question}}"
                output: $answer
                """);
        Path cfg = etc.resolve("dev.stoa.openai.cfg");
        Files.writeString(
                cfg,
                Files.readString(cfg) + "\nmodel." + VISION + " = pipeline:" + VISION + "\nmodel." + VISION
                        + ".text = question\n");
    }

    /** @return the encoder's batch count and the calls in them, from /metrics */
    private double[] batches() throws IOException, InterruptedException {
        double[] out = new double[2];
        for (String line : http("/metrics").body().split("\n")) {
            if (line.startsWith("stoa_service_batch_size_count{id=\"" + EMBEDDER + "\"")) {
                out[0] = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            } else if (line.startsWith("stoa_service_batch_size_sum{id=\"" + EMBEDDER + "\"")) {
                out[1] = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return out;
    }

    private List<String> modelIds() {
        try {
            HttpResponse<String> r = http("/openai/v1/models");
            List<String> ids = new ArrayList<>();
            new JsonObject(r.body()).getJsonArray("data").forEach(o -> ids.add(((JsonObject) o).getString("id")));
            return ids;
        } catch (IOException | InterruptedException | RuntimeException e) {
            return List.of();
        }
    }

    /** The scene-QA GPT of etc/train/gpt-scene-qa.yaml, two steps, published as {@link #GENERATOR}. */
    private void trainGenerator() throws Exception {
        TrainingService trainer = service(TrainingService.class);
        Path file = Path.of(context.getProperty("stoa.home")).resolve("etc/train/openai-it.yaml");
        Files.writeString(file, """
                name: openai-it
                output: gpt-openai-it
                model: {id: scene-qa, context_length: 176, width: 32, layers: 1, heads: 2}
                loss: {id: captioning}
                dataset: {id: shapes, options: {seed: 1, image_size: 8, max_count: 3}}
                train: {seed: 7, steps: 2, batch_size: 4, log_every: 1, checkpoint_every: 2}
                evaluate: {examples: 2}
                """);
        TrainingStatus run = trainer.start(file);
        await(
                "the two-step run",
                () -> trainer.run(run.id()).map(TrainingStatus::finished).orElse(false));
        assertEquals(
                trainer.run(run.id()).orElseThrow().message(),
                "succeeded",
                trainer.run(run.id()).orElseThrow().state());
    }

    private static String ok(HttpResponse<String> r) {
        assertEquals(r.body(), 200, r.statusCode());
        return r.body();
    }

    private static double cosine(JsonArray a, JsonArray b) {
        assertEquals(b.size(), a.size());
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.size(); i++) {
            double x = ((Number) a.getValue(i)).doubleValue();
            double y = ((Number) b.getValue(i)).doubleValue();
            dot += x * y;
            na += x * x;
            nb += y * y;
        }
        return dot / Math.sqrt(na * nb);
    }

    private boolean registered(Class<?> type, String filter) {
        try {
            return context.getServiceReferences(type.getName(), filter) != null;
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
