package dev.stoa.protocol.openai.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.BatchingService;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StreamingService;
import dev.stoa.api.data.Embedding;
import dev.stoa.api.data.Text;
import dev.stoa.api.generation.FinishReason;
import dev.stoa.api.generation.Generation;
import dev.stoa.api.generation.GenerationRequest;
import dev.stoa.api.runtime.ExportedService;
import dev.stoa.api.runtime.PipelineInfo;
import dev.stoa.vertx.LocalCodecs;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The API's routes through a real Vert.x HTTP server and event bus, mounted under {@code /openai/v1} as the gateway
 * mounts them. The services are event-bus consumers that answer as the bus exporter does (records in one JVM; a
 * generator streams its pieces to the {@code stoa.stream} header's address before replying), standing in for
 * {@code dev.stoa.bus}, which needs OSGi: the itest {@code OpenAiApiIT} runs the real ones with the real client.
 */
class OpenAiRouterTest {

    private static final List<String> PIECES = List.of("a", " red", " circle");

    private Vertx vertx;
    private HttpServer server;
    private final HttpClient client = HttpClient.newHttpClient();
    private final List<Object> received = new CopyOnWriteArrayList<>();
    private final List<String> traces = new CopyOnWriteArrayList<>();
    private final List<String> groups = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        LocalCodecs.registerAll(vertx);
        // an encoder whose vector is worked out from the text: (length, first char, 1)
        vertx.eventBus().<Text>consumer("stoa.encoder.enc", m -> {
            received.add(m.body());
            traces.add(String.valueOf(m.headers().get("traceparent")));
            groups.add(String.valueOf(m.headers().get(BatchingService.GROUP_HEADER)));
            String t = m.body().value();
            m.reply(new Embedding(new float[] {t.length(), t.charAt(0), 1}));
        });
        vertx.eventBus().<GenerationRequest>consumer("stoa.model.gen", m -> {
            received.add(m.body());
            String stream = m.headers().get(StreamingService.STREAM_HEADER);
            if (stream != null) {
                for (int i = 0; i < PIECES.size(); i++) {
                    vertx.eventBus()
                            .send(stream, new JsonObject().put("index", i).put("text", PIECES.get(i)));
                }
            }
            m.reply(new Generation(String.join("", PIECES), 3, FinishReason.LENGTH, "gen", true));
        });
        vertx.eventBus()
                .<GenerationRequest>consumer(
                        "stoa.model.untrained",
                        m -> m.fail(
                                FailureCode.UNTRAINED.code(),
                                "model 'untrained' has no trained weights; train etc/train/x.yaml"));
        vertx.eventBus().<JsonObject>consumer("stoa.pipeline.vqa", m -> {
            received.add(m.body());
            m.reply(new JsonObject()
                    .put(
                            "text",
                            "q=" + m.body().getString("question") + " image="
                                    + m.body().getString("image")));
        });
        List<ExportedService> services = List.of(
                service("enc", "encoder", "Text", "Embedding"),
                service("gen", "model", "GenerationRequest", "Generation"),
                service("untrained", "model", "GenerationRequest", "Generation"),
                service("ocr", "model", "Image", "RecognizedText"),
                service("vqa", "pipeline", "JsonObject", "JsonObject"));
        List<PipelineInfo> files = List.of(
                new PipelineInfo("vqa", "pipelines/vqa.yaml", "serving", List.of(), List.of()),
                new PipelineInfo("waits", "pipelines/waits.yaml", "waiting", List.of(), List.of("clip-x")));
        OpenAiSettings settings = OpenAiSettings.parse(Map.of(
                "model.vision", "pipeline:vqa",
                "model.waiting", "pipeline:waits",
                "model.short", "service:enc",
                "model.short.dimensions", "2",
                "model.absent", "service:nothing"));
        Router root = Router.router(vertx);
        root.route("/openai/v1/*")
                .subRouter(
                        new OpenAiRouter(vertx, settings, () -> new ModelCatalog(settings, services, files)).router());
        server = vertx.createHttpServer().requestHandler(root).listen(0).await();
    }

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    @Test
    void modelsListsTheConfiguredNamesAndEveryEncoderAndGenerator() throws Exception {
        HttpResponse<String> r = get("/models");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject body = new JsonObject(r.body());
        assertThat(body.getString("object")).isEqualTo("list");
        List<String> ids = new ArrayList<>();
        body.getJsonArray("data").forEach(o -> ids.add(((JsonObject) o).getString("id")));
        // configured first (absent: its service is not running), then exposeAll; ocr is neither encoder nor generator
        assertThat(ids).containsExactly("short", "vision", "waiting", "enc", "gen", "untrained");
        JsonObject vision = body.getJsonArray("data").getJsonObject(1);
        assertThat(vision.getString("object")).isEqualTo("model");
        assertThat(vision.getString("owned_by")).isEqualTo("stoa");
        assertThat(vision.getJsonObject("stoa").getString("target")).isEqualTo("pipeline:vqa");
        assertThat(new JsonObject(get("/models/gen").body()).getString("id")).isEqualTo("gen");
        HttpResponse<String> absent = get("/models/absent");
        assertThat(absent.statusCode()).isEqualTo(404);
        assertThat(error(absent).getString("message"))
                .contains("service:nothing")
                .contains("no such service runs");
    }

    @Test
    void embeddingsAnswerEachInputsVectorInOrderAsFloatsOrBase64() throws Exception {
        HttpResponse<String> r = post(
                "/embeddings",
                "{\"model\": \"enc\", \"input\": [\"hello\", \"xy\"]}",
                "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject body = new JsonObject(r.body());
        assertThat(body.getString("object")).isEqualTo("list");
        assertThat(body.getString("model")).isEqualTo("enc");
        assertThat(body.getJsonObject("usage").containsKey("prompt_tokens")).isTrue();
        JsonArray data = body.getJsonArray("data");
        assertThat(data.getJsonObject(0).getInteger("index")).isEqualTo(0);
        assertThat(data.getJsonObject(0).getJsonArray("embedding").getList()).containsExactly(5.0, 104.0, 1.0);
        assertThat(data.getJsonObject(1).getJsonArray("embedding").getList()).containsExactly(2.0, 120.0, 1.0);
        assertThat(traces).containsOnly("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        assertThat(groups).as("both inputs sent as one group, for one batch").containsExactly("2", "2");

        JsonObject b64 = new JsonObject(
                post("/embeddings", "{\"model\": \"enc\", \"input\": \"abc\", \"encoding_format\": \"base64\"}", null)
                        .body());
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder()
                        .decode(b64.getJsonArray("data").getJsonObject(0).getString("embedding")))
                .order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new float[] {bytes.getFloat(), bytes.getFloat(), bytes.getFloat()})
                .containsExactly(3f, 97f, 1f);
    }

    @Test
    void dimensionsAreCutOnlyForAModelConfiguredSo() throws Exception {
        HttpResponse<String> refused =
                post("/embeddings", "{\"model\": \"enc\", \"input\": \"ab\", \"dimensions\": 2}", null);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(error(refused).getString("param")).isEqualTo("dimensions");
        assertThat(error(refused).getString("type")).isEqualTo("invalid_request_error");
        JsonObject cut =
                new JsonObject(post("/embeddings", "{\"model\": \"short\", \"input\": \"ab\", \"dimensions\": 2}", null)
                        .body());
        JsonArray v = cut.getJsonArray("data").getJsonObject(0).getJsonArray("embedding");
        double n = Math.hypot(2, 97);
        assertThat(v.getDouble(0)).isCloseTo(2 / n, org.assertj.core.api.Assertions.within(1e-6));
        assertThat(v.getDouble(1)).isCloseTo(97 / n, org.assertj.core.api.Assertions.within(1e-6));
    }

    @Test
    void aChatCompletionCallsTheGeneratorWithItsOptions() throws Exception {
        HttpResponse<String> r = post(
                "/chat/completions",
                "{\"model\": \"gen\", \"messages\": [{\"role\": \"user\", \"content\": \"a red\"}], \"max_tokens\": 3,"
                        + " \"temperature\": 0.8, \"top_p\": 0.5, \"stop\": [\".\"], \"seed\": 4, \"n\": 2}",
                null);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject body = new JsonObject(r.body());
        assertThat(body.getString("object")).isEqualTo("chat.completion");
        assertThat(body.getString("id")).startsWith("chatcmpl-");
        assertThat(body.getJsonArray("choices")).hasSize(2);
        JsonObject choice = body.getJsonArray("choices").getJsonObject(1);
        assertThat(choice.getInteger("index")).isEqualTo(1);
        assertThat(choice.getJsonObject("message").getString("role")).isEqualTo("assistant");
        assertThat(choice.getJsonObject("message").getString("content")).isEqualTo("a red circle");
        assertThat(choice.getString("finish_reason")).isEqualTo("length");
        assertThat(body.getJsonObject("usage").getInteger("completion_tokens")).isEqualTo(6);
        List<Long> seeds = new ArrayList<>();
        for (Object o : received) {
            GenerationRequest g = (GenerationRequest) o;
            assertThat(g.prompt()).isEqualTo("a red");
            assertThat(g.options().maxTokens()).isEqualTo(3);
            assertThat(g.options().temperature()).isEqualTo(0.8);
            assertThat(g.options().topP()).isEqualTo(0.5);
            assertThat(g.options().stop()).containsExactly(".");
            seeds.add(g.options().seed());
        }
        assertThat(seeds).containsExactlyInAnyOrder(4L, 5L);
    }

    @Test
    void aStreamedChatSendsTheRoleEachPieceTheFinishUsageAndDone() throws Exception {
        HttpResponse<String> r = post(
                "/chat/completions",
                "{\"model\": \"gen\", \"messages\": [{\"role\": \"user\", \"content\": \"a red\"}], \"stream\": true,"
                        + " \"stream_options\": {\"include_usage\": true}}",
                null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/event-stream");
        List<String> events = events(r.body());
        assertThat(events.get(events.size() - 1)).isEqualTo("[DONE]");
        List<JsonObject> chunks = events.subList(0, events.size() - 1).stream()
                .map(JsonObject::new)
                .toList();
        assertThat(chunks).allSatisfy(c -> assertThat(c.getString("object")).isEqualTo("chat.completion.chunk"));
        assertThat(chunks.stream().map(c -> c.getString("id")).distinct()).hasSize(1);
        JsonObject role = chunks.get(0).getJsonArray("choices").getJsonObject(0);
        assertThat(role.getJsonObject("delta").getString("role")).isEqualTo("assistant");
        StringBuilder text = new StringBuilder();
        for (JsonObject c : chunks.subList(1, 1 + PIECES.size())) {
            text.append(c.getJsonArray("choices")
                    .getJsonObject(0)
                    .getJsonObject("delta")
                    .getString("content"));
        }
        assertThat(text.toString()).isEqualTo("a red circle");
        JsonObject finish =
                chunks.get(1 + PIECES.size()).getJsonArray("choices").getJsonObject(0);
        assertThat(finish.getString("finish_reason")).isEqualTo("length");
        JsonObject usage = chunks.get(chunks.size() - 1);
        assertThat(usage.getJsonArray("choices")).isEmpty();
        assertThat(usage.getJsonObject("usage").getInteger("completion_tokens")).isEqualTo(3);
    }

    @Test
    void aVisionMessageReachesThePipelinesImageAndQuestionFields() throws Exception {
        HttpResponse<String> r = post(
                "/chat/completions",
                "{\"model\": \"vision\", \"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"text\","
                        + " \"text\": \"What colour?\"}, {\"type\": \"image_url\", \"image_url\": {\"url\":"
                        + " \"data:image/png;base64,iVBORw0KGgo=\"}}]}]}",
                null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(r.body())
                        .getJsonArray("choices")
                        .getJsonObject(0)
                        .getJsonObject("message")
                        .getString("content"))
                .isEqualTo("q=What colour? image=iVBORw0KGgo=");
        // streamed: a pipeline does not stream, its answer is one piece
        List<String> events =
                events(post("/completions", "{\"model\": \"vision\", \"prompt\": \"Why?\", \"stream\": true}", null)
                        .body());
        assertThat(events).hasSize(3);
        JsonObject piece = new JsonObject(events.get(0));
        assertThat(piece.getString("object")).isEqualTo("text_completion");
        assertThat(piece.getJsonArray("choices").getJsonObject(0).getString("text"))
                .isEqualTo("q=Why? image=null");
        assertThat(events.get(2)).isEqualTo("[DONE]");
    }

    @Test
    void failuresAreOpenAisErrorObjectWithTheCodesStatus() throws Exception {
        HttpResponse<String> unknown = post(
                "/chat/completions",
                "{\"model\": \"nope\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}",
                null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(error(unknown).getString("code")).isEqualTo("model_not_found");
        assertThat(error(unknown).getString("param")).isEqualTo("model");

        HttpResponse<String> untrained = post("/completions", "{\"model\": \"untrained\", \"prompt\": \"x\"}", null);
        assertThat(untrained.statusCode()).isEqualTo(503);
        assertThat(error(untrained).getString("type")).isEqualTo("server_error");
        assertThat(error(untrained).getString("code")).isEqualTo("untrained");
        assertThat(error(untrained).getString("message")).contains("etc/train/x.yaml");

        HttpResponse<String> streamedUntrained =
                post("/completions", "{\"model\": \"untrained\", \"prompt\": \"x\", \"stream\": true}", null);
        assertThat(streamedUntrained.statusCode()).isEqualTo(503);

        HttpResponse<String> waiting = post(
                "/chat/completions",
                "{\"model\": \"waiting\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}",
                null);
        assertThat(waiting.statusCode()).isEqualTo(503);
        assertThat(error(waiting).getString("message")).contains("waiting").contains("clip-x");

        HttpResponse<String> wrong = post("/embeddings", "{\"model\": \"gen\", \"input\": \"x\"}", null);
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(error(wrong).getString("message")).contains("/chat/completions");

        HttpResponse<String> notJson = post("/embeddings", "{not json", null);
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(error(notJson).getString("type")).isEqualTo("invalid_request_error");

        HttpResponse<String> imageToText = post(
                "/chat/completions",
                "{\"model\": \"gen\", \"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"image_url\","
                        + " \"image_url\": {\"url\": \"data:image/png;base64,AAAA\"}}]}]}",
                null);
        assertThat(imageToText.statusCode()).isEqualTo(400);
        assertThat(error(imageToText).getString("param")).isEqualTo("messages[0].content[0].image_url.url");

        HttpResponse<String> nStream =
                post("/completions", "{\"model\": \"gen\", \"prompt\": \"x\", \"n\": 2, \"stream\": true}", null);
        assertThat(nStream.statusCode()).isEqualTo(400);
        assertThat(error(nStream).getString("param")).isEqualTo("n");

        assertThat(get("/files").statusCode()).isEqualTo(404);
        assertThat(error(get("/files")).getString("message")).contains("/chat/completions");
    }

    private static ExportedService service(String id, String kind, String in, String out) {
        return new ExportedService(id, kind, "1", "stoa." + kind + "." + id, in, out, "test", 1, "available", 0, 0, 0);
    }

    private static JsonObject error(HttpResponse<String> r) {
        return new JsonObject(r.body()).getJsonObject("error");
    }

    private static List<String> events(String body) {
        List<String> out = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.startsWith("data: ")) {
                out.add(line.substring(6));
            }
        }
        return out;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body, String traceparent) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (traceparent != null) {
            b.header("traceparent", traceparent);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.actualPort() + "/openai/v1" + path);
    }
}
