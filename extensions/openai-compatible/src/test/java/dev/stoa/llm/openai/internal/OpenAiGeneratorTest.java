package dev.stoa.llm.openai.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.generation.FinishReason;
import dev.stoa.api.generation.Generation;
import dev.stoa.api.generation.GenerationOptions;
import dev.stoa.api.generation.GenerationRequest;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The adapter against a local HTTP server that stands in for a remote LLM server (vLLM, llama.cpp, an OpenAI
 * endpoint), which cannot run here: it speaks the OpenAI protocol on {@code /v1/chat/completions} and
 * {@code /v1/completions}, whole answers and server-sent events, and can be told to be slow, fail with 5xx or 4xx, or
 * answer malformed JSON. The adapter's own HTTP client, JSON, retries and timeouts are the real ones.
 */
class OpenAiGeneratorTest {

    enum Mode {
        OK,
        SLOW,
        ERROR_500,
        FAIL_ONCE,
        MALFORMED,
        BAD_REQUEST,
        UNAUTHORIZED,
        STREAM
    }

    private HttpServer server;
    private volatile Mode mode = Mode.OK;
    private final AtomicInteger requests = new AtomicInteger();
    private final List<JsonObject> bodies = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/v1/chat/completions", exchange -> answer(exchange, true));
        server.createContext("/v1/completions", exchange -> answer(exchange, false));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void answer(HttpExchange exchange, boolean chat) throws IOException {
        int n = requests.incrementAndGet();
        JsonObject body = new JsonObject(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        bodies.add(body);
        authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
        switch (mode) {
            case SLOW -> {
                sleep(1500);
                send(exchange, 200, reply(chat, "late"));
            }
            case ERROR_500 -> send(exchange, 500, "{\"error\": {\"message\": \"the model is loading\"}}");
            case FAIL_ONCE -> send(exchange, n == 1 ? 503 : 200, n == 1 ? "busy" : reply(chat, "Paris."));
            case MALFORMED -> send(exchange, 200, "<html><body>502 Bad Gateway from a proxy</body></html>");
            case BAD_REQUEST -> send(exchange, 400, "{\"error\": {\"message\": \"max_tokens must be at most 4096\"}}");
            case UNAUTHORIZED -> send(exchange, 401, "{\"error\": {\"message\": \"invalid api key\"}}");
            case STREAM -> stream(exchange, chat, List.of("Pa", "ris", ", ", "France."));
            default -> send(exchange, 200, reply(chat, "Paris."));
        }
    }

    private static String reply(boolean chat, String text) {
        JsonObject choice = chat
                ? new JsonObject()
                        .put("index", 0)
                        .put(
                                "message",
                                new JsonObject().put("role", "assistant").put("content", text))
                : new JsonObject().put("index", 0).put("text", text);
        return new JsonObject()
                .put("id", "x")
                .put("choices", List.of(choice.put("finish_reason", "stop")))
                .put("usage", new JsonObject().put("prompt_tokens", 9).put("completion_tokens", 3))
                .encode();
    }

    private static void stream(HttpExchange exchange, boolean chat, List<String> pieces) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
            for (String piece : pieces) {
                JsonObject choice = chat
                        ? new JsonObject().put("delta", new JsonObject().put("content", piece))
                        : new JsonObject().put("text", piece);
                out.write(("data: "
                                + new JsonObject()
                                        .put("choices", List.of(choice.put("index", 0)))
                                        .encode() + "\n\n")
                        .getBytes(StandardCharsets.UTF_8));
                out.flush();
                sleep(20);
            }
            JsonObject last = new JsonObject()
                    .put(
                            "choices",
                            List.of(new JsonObject()
                                    .put("index", 0)
                                    .put("delta", new JsonObject())
                                    .put("finish_reason", "length")));
            out.write(("data: " + last.encode() + "\n\ndata: [DONE]\n\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private OpenAiGenerator generator(String mode, long timeoutMs, int retries, String apiKey) {
        Map<String, Object> values = Map.of(
                "baseUrl",
                "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/",
                "model",
                "llama-3-8b",
                "mode",
                mode,
                "timeoutMs",
                timeoutMs,
                "retries",
                retries,
                "backoffMs",
                10L,
                "_apiKey",
                apiKey,
                "systemPrompt",
                "Answer briefly.");
        return new OpenAiGenerator(EndpointSettings.from("remote-llm", config(values), name -> null));
    }

    /** The typed configuration as SCR would make it from a .cfg file. */
    private static OpenAiConfig config(Map<String, Object> values) {
        return (OpenAiConfig) Proxy.newProxyInstance(
                OpenAiConfig.class.getClassLoader(), new Class<?>[] {OpenAiConfig.class}, (proxy, method, args) -> {
                    if (method.getName().equals("annotationType")) {
                        return OpenAiConfig.class;
                    }
                    Object v = values.get(method.getName());
                    return v != null ? v : method.getDefaultValue();
                });
    }

    private static final GenerationRequest QUESTION = new GenerationRequest(
            "What is the capital of France?", new GenerationOptions(20, 0.2, 40, 0.9, 1, List.of("\n"), 7L));

    @Test
    void chatSendsTheOpenAiRequestAndReadsTheAnswer() {
        Generation g = generator("chat", 2000, 0, "sk-test").call(QUESTION);
        assertThat(g.text()).isEqualTo("Paris.");
        assertThat(g.tokenCount()).isEqualTo(3);
        assertThat(g.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(g.model()).isEqualTo("llama-3-8b");
        JsonObject sent = bodies.get(0);
        assertThat(sent.getString("model")).isEqualTo("llama-3-8b");
        assertThat(sent.getJsonArray("messages").getJsonObject(0).getString("role"))
                .isEqualTo("system");
        assertThat(sent.getJsonArray("messages").getJsonObject(1).getString("content"))
                .isEqualTo("What is the capital of France?");
        assertThat(sent.getInteger("max_tokens")).isEqualTo(20);
        assertThat(sent.getDouble("temperature")).isEqualTo(0.2);
        assertThat(sent.getDouble("top_p")).isEqualTo(0.9);
        assertThat(sent.getInteger("top_k")).isEqualTo(40);
        assertThat(sent.getJsonArray("stop").getList()).containsExactly("\n");
        assertThat(sent.getLong("seed")).isEqualTo(7L);
        assertThat(sent.containsKey("stream")).isFalse();
        assertThat(authorizations).containsExactly("Bearer sk-test");
    }

    @Test
    void completionModePostsThePromptAsIs() {
        Generation g = generator("completion", 2000, 0, "").call(new GenerationRequest("The capital of France is"));
        assertThat(g.text()).isEqualTo("Paris.");
        assertThat(bodies.get(0).getString("prompt")).isEqualTo("The capital of France is");
        assertThat(bodies.get(0).containsKey("messages")).isFalse();
        assertThat(authorizations).containsExactly("null"); // no key, no header
    }

    @Test
    void streamingHandsOverEachChunkOnceInOrder() {
        mode = Mode.STREAM;
        for (String m : List.of("chat", "completion")) {
            List<String> pieces = new CopyOnWriteArrayList<>();
            Generation g = generator(m, 2000, 0, "").generate(QUESTION, pieces::add);
            assertThat(pieces).containsExactly("Pa", "ris", ", ", "France.");
            assertThat(g.text()).isEqualTo("Paris, France.");
            assertThat(g.finishReason()).isEqualTo(FinishReason.LENGTH);
            assertThat(g.tokenCount()).isEqualTo(4);
        }
        assertThat(bodies).allMatch(b -> b.getBoolean("stream"));
    }

    @Test
    void aSlowServerTimesOutAfterEveryAttemptWithAMessageNamingIt() {
        mode = Mode.SLOW;
        long started = System.nanoTime();
        assertThatThrownBy(() -> generator("chat", 200, 1, "").call(QUESTION))
                .isInstanceOf(StoaException.class)
                .satisfies(e -> assertThat(((StoaException) e).code()).isEqualTo(FailureCode.TIMEOUT))
                .hasMessageContaining("/v1/chat/completions")
                .hasMessageContaining("remote-llm")
                .hasMessageContaining("after 2 attempts")
                .hasMessageContaining("timeoutMs");
        assertThat((System.nanoTime() - started) / 1e6).isLessThan(1400); // did not wait for the slow answers
        assertThat(requests.get()).isEqualTo(2);
    }

    @Test
    void serverErrorsAreRetriedThenReportedAsUnavailable() {
        mode = Mode.ERROR_500;
        assertThatThrownBy(() -> generator("chat", 2000, 2, "").call(QUESTION))
                .isInstanceOf(StoaException.class)
                .satisfies(e -> assertThat(((StoaException) e).code()).isEqualTo(FailureCode.UNAVAILABLE))
                .hasMessageContaining("HTTP 500")
                .hasMessageContaining("the model is loading")
                .hasMessageContaining("after 3 attempts");
        assertThat(requests.get()).isEqualTo(3);
    }

    @Test
    void oneServerErrorThenSuccessIsRetriedTransparently() {
        mode = Mode.FAIL_ONCE;
        assertThat(generator("chat", 2000, 2, "").call(QUESTION).text()).isEqualTo("Paris.");
        assertThat(requests.get()).isEqualTo(2);
    }

    @Test
    void aMalformedReplyFailsQuotingItsStart() {
        mode = Mode.MALFORMED;
        assertThatThrownBy(() -> generator("chat", 2000, 2, "").call(QUESTION))
                .isInstanceOf(StoaException.class)
                .satisfies(e -> assertThat(((StoaException) e).code()).isEqualTo(FailureCode.INTERNAL))
                .hasMessageContaining("not OpenAI chat JSON")
                .hasMessageContaining("502 Bad Gateway from a proxy");
        assertThat(requests.get()).isEqualTo(1);
    }

    @Test
    void clientErrorsCarryTheServersMessageAndAreNotRetried() {
        mode = Mode.BAD_REQUEST;
        assertThatThrownBy(() -> generator("chat", 2000, 2, "").call(QUESTION))
                .isInstanceOf(StoaException.class)
                .satisfies(e -> assertThat(((StoaException) e).code()).isEqualTo(FailureCode.BAD_INPUT))
                .hasMessageContaining("HTTP 400")
                .hasMessageContaining("max_tokens must be at most 4096");
        mode = Mode.UNAUTHORIZED;
        assertThatThrownBy(() -> generator("chat", 2000, 2, "wrong").call(QUESTION))
                .satisfies(e -> assertThat(((StoaException) e).code()).isEqualTo(FailureCode.BAD_CONFIG))
                .hasMessageContaining("invalid api key")
                .hasMessageContaining("apiKeyEnv");
        assertThat(requests.get()).isEqualTo(2);
    }

    @Test
    void anUnreachableServerIsUnavailable() {
        int port = server.getAddress().getPort();
        server.stop(0);
        OpenAiGenerator g = new OpenAiGenerator(EndpointSettings.from(
                "remote-llm",
                config(Map.of(
                        "baseUrl", "http://127.0.0.1:" + port + "/v1", "model", "m", "retries", 1, "backoffMs", 1L)),
                name -> null));
        assertThatThrownBy(() -> g.call(QUESTION))
                .satisfies(e -> assertThat(((StoaException) e).code()).isEqualTo(FailureCode.UNAVAILABLE))
                .hasMessageContaining("127.0.0.1:" + port)
                .hasMessageContaining("cannot reach");
    }

    @Test
    void beamSearchAndBadSettingsAreRefusedWithTheFix() {
        assertThatThrownBy(() -> generator("chat", 2000, 0, "")
                        .call(new GenerationRequest("q", new GenerationOptions(5, 0, 0, 1, 4, List.of(), null))))
                .satisfies(e -> assertThat(((StoaException) e).code()).isEqualTo(FailureCode.BAD_INPUT))
                .hasMessageContaining("beam_size");
        assertThat(requests.get()).isZero();
        assertThatThrownBy(() -> EndpointSettings.from(
                        "x", config(Map.of("baseUrl", "localhost:8000", "model", "m")), name -> null))
                .hasMessageContaining("baseUrl")
                .hasMessageContaining("http://");
        assertThatThrownBy(() -> EndpointSettings.from(
                        "x", config(Map.of("baseUrl", "http://h/v1", "model", "m", "mode", "edit")), name -> null))
                .hasMessageContaining("'mode'")
                .hasMessageContaining("chat or");
        assertThatThrownBy(() -> EndpointSettings.from("x", config(Map.of("baseUrl", "http://h/v1")), name -> null))
                .hasMessageContaining("'model' is missing");
        assertThatThrownBy(() -> EndpointSettings.from(
                        "x",
                        config(Map.of("baseUrl", "http://h/v1", "model", "m", "apiKeyEnv", "NO_SUCH_KEY")),
                        name -> null))
                .hasMessageContaining("NO_SUCH_KEY");
        assertThat(EndpointSettings.from(
                                "x",
                                config(Map.of(
                                        "baseUrl", "http://h/v1", "model", "m", "apiKeyEnv", "KEY", "_apiKey", "file")),
                                name -> "from-env")
                        .apiKey())
                .isEqualTo("from-env");
    }
}
