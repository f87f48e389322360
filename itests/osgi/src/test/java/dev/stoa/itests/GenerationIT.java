package dev.stoa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.stoa.api.generation.TextGenerator;
import dev.stoa.api.train.TrainingService;
import dev.stoa.api.train.TrainingStatus;
import dev.stoa.nn.lm.LanguageModelFactory;
import dev.stoa.nn.loss.LossFactory;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.InvalidSyntaxException;

/**
 * Text generation in the distribution: the GPT bundle's factory and generators (an untrained variant answers
 * UNTRAINED; a model trained while the server runs is served), the captioning loss, tokens streamed
 * over HTTP as server-sent events, and a remote model configured by a file in etc/ (answered by a Vert.x server in
 * the test that stands in for an OpenAI-compatible LLM server, which cannot run here).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class GenerationIT extends StoaTestSupport {

    /** The generator the test calls: a GPT trained two steps while the server runs, so the model repository serves it. */
    private static final String MODEL = "gpt-generation-it";

    @Test
    public void gptServesTokensOverTheBusAndAsServerSentEvents() throws Exception {
        await("LanguageModelFactory gpt", () -> registered(LanguageModelFactory.class, "(stoa.id=gpt)"));
        await("LossFactory captioning", () -> registered(LossFactory.class, "(stoa.id=captioning)"));
        Vertx vertx = service(Vertx.class);
        // an untrained variant is listed, but answers UNTRAINED instead of random bytes
        await("TextGenerator gpt-tiny", () -> registered(TextGenerator.class, "(stoa.id=gpt-tiny)"));
        await("gpt-tiny answers UNTRAINED", () -> {
            try {
                vertx.eventBus()
                        .request("stoa.model.gpt-tiny", new JsonObject().put("prompt", "a red"))
                        .await();
                return false;
            } catch (ReplyException e) {
                return e.failureCode() == dev.stoa.api.FailureCode.UNTRAINED.code();
            }
        });
        trainTwoSteps();
        await("TextGenerator " + MODEL, () -> registered(TextGenerator.class, "(stoa.id=" + MODEL + ")"));
        AtomicReference<JsonObject> answer = new AtomicReference<>();
        await("an answer from stoa.model." + MODEL, () -> {
            try {
                answer.set((JsonObject) vertx.eventBus()
                        .request(
                                "stoa.model." + MODEL,
                                new JsonObject().put("prompt", "a red").put("max_tokens", 6))
                        .await()
                        .body());
                return true;
            } catch (ReplyException e) {
                return false;
            }
        });
        assertTrue("a published version is trained", answer.get().getBoolean("trained"));
        assertTrue(answer.get().getInteger("tokens") <= 6);

        // temperature 1 with a seed: two steps leave the weights near random, which rarely pick the end-of-text
        // token, so several pieces stream
        HttpResponse<java.util.stream.Stream<String>> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/services/" + MODEL + "?stream=true"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"a red\", \"max_tokens\": 12,"
                                        + " \"temperature\": 1.0, \"seed\": 3}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, response.statusCode());
        List<String> names = new ArrayList<>();
        List<JsonObject> data = new ArrayList<>();
        for (String line : (Iterable<String>) response.body()::iterator) {
            if (line.startsWith("event: ")) {
                names.add(line.substring(7));
            } else if (line.startsWith("data: ")) {
                data.add(new JsonObject(line.substring(6)));
            }
        }
        assertEquals("done", names.get(names.size() - 1));
        StringBuilder joined = new StringBuilder();
        for (int i = 0; i < names.size() - 1; i++) {
            assertEquals("token", names.get(i));
            assertEquals(i, (int) data.get(i).getInteger("index"));
            joined.append(data.get(i).getString("text"));
        }
        JsonObject done = data.get(data.size() - 1);
        assertEquals(done.getString("text"), joined.toString());
        assertEquals(MODEL, done.getString("model"));
    }

    @Test
    public void aRemoteModelConfiguredInEtcAnswersThroughTheBus() throws Exception {
        Vertx vertx = service(Vertx.class);
        List<JsonObject> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        HttpServer server = vertx.createHttpServer()
                .requestHandler(request -> request.body().onSuccess(body -> {
                    received.add(body.toJsonObject());
                    request.response()
                            .putHeader("Content-Type", "application/json")
                            .end(new JsonObject()
                                    .put(
                                            "choices",
                                            new JsonArray()
                                                    .add(new JsonObject()
                                                            .put("index", 0)
                                                            .put("finish_reason", "stop")
                                                            .put(
                                                                    "message",
                                                                    new JsonObject()
                                                                            .put("role", "assistant")
                                                                            .put("content", "Paris."))))
                                    .put("usage", new JsonObject().put("completion_tokens", 2))
                                    .encode());
                }))
                .listen(0, "127.0.0.1")
                .await();
        try {
            Path etc = Path.of(context.getProperty("felix.fileinstall.dir"));
            Files.writeString(
                    etc.resolve("dev.stoa.llm.openai-stand-in.cfg"),
                    "stoa.id = stand-in-llm\n"
                            + "baseUrl = http://127.0.0.1:" + server.actualPort() + "/v1\nmodel = tiny-chat\n"
                            + "timeoutMs = 5000\n");
            await("TextGenerator stand-in-llm", () -> registered(TextGenerator.class, "(stoa.id=stand-in-llm)"));
            AtomicReference<JsonObject> answer = new AtomicReference<>();
            await("an answer from stoa.model.stand-in-llm", () -> {
                try {
                    answer.set((JsonObject) vertx.eventBus()
                            .request(
                                    "stoa.model.stand-in-llm",
                                    new JsonObject().put("prompt", "What is the capital of France?"))
                            .await()
                            .body());
                    return true;
                } catch (ReplyException e) {
                    return false;
                }
            });
            assertEquals("Paris.", answer.get().getString("text"));
            assertEquals(2, (int) answer.get().getInteger("tokens"));
            assertEquals("tiny-chat", received.get(0).getString("model"));
            assertEquals(
                    "What is the capital of France?",
                    received.get(0).getJsonArray("messages").getJsonObject(0).getString("content"));
        } finally {
            server.close().await();
        }
    }

    /** The scene-QA GPT of etc/train/gpt-scene-qa.yaml, two steps, published as {@link #MODEL}. */
    private void trainTwoSteps() throws Exception {
        TrainingService trainer = service(TrainingService.class);
        Path file = Path.of(context.getProperty("stoa.home")).resolve("etc/train/generation-it.yaml");
        Files.writeString(file, """
                name: generation-it
                output: gpt-generation-it
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

    private boolean registered(Class<?> type, String filter) {
        try {
            return context.getServiceReferences(type == null ? null : type.getName(), filter) != null;
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
