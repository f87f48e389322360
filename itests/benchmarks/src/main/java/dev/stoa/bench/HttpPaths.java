package dev.stoa.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The HTTP doors of the single-call comparison, each one call of MiniLM at batch 1 through the same server and
 * client: Stoa's JSON (compact, and with {@code ?pretty}, the indented answer every call got before), the
 * OpenAI-compatible embeddings endpoint and the Open Inference v2 endpoint with Triton's binary tensor extension, and
 * an HTTP round trip with no model and no bus (the floor under every door). A door that answers 404 (its front-end is
 * not mounted on this build) is left out with a note, so the report runs before and after those front-ends exist.
 */
final class HttpPaths {

    /** Row names, as the report shows them. */
    static final String JSON = "Stoa over HTTP";

    static final String PRETTY = "Stoa over HTTP, ?pretty (the answer before)";
    static final String OPENAI = "OpenAI embeddings over HTTP";
    static final String V2 = "Open Inference v2, binary, over HTTP";
    static final String FLOOR = "HTTP round trip, no model, no bus";

    /** Ratio keys in the report's {@code ratios}, beside {@code http_over_raw}. */
    static final Map<String, String> RATIO_KEYS = Map.of(
            PRETTY, "http_pretty_over_raw",
            OPENAI, "openai_http_over_raw",
            V2, "v2_binary_http_over_raw");

    private final HttpClient client;
    private final int port;
    private final String service;

    /**
     * @param client the client every door shares
     * @param port the server with Stoa's routes and the front-ends
     * @param service the encoder's id (and model name for the OpenAI and v2 doors)
     */
    HttpPaths(HttpClient client, int port, String service) {
        this.client = client;
        this.port = port;
        this.service = service;
    }

    /** One call's outcome: the status and the body. */
    record Answer(int status, Buffer body) {}

    /** {@code POST /v1/services/{id}} with {@code {"text": ...}}; the compact JSON answer, or indented. */
    Answer stoa(String sentence, boolean pretty) {
        String body = new JsonObject().put("text", sentence).encode();
        return post("/v1/services/" + service + (pretty ? "?pretty" : ""), Map.of(), Buffer.buffer(body));
    }

    /** {@code POST /openai/v1/embeddings} with one input, floats. */
    Answer openAi(String sentence) {
        String body = new JsonObject()
                .put("model", service)
                .put("input", sentence)
                .put("encoding_format", "float")
                .encode();
        return post("/openai/v1/embeddings", Map.of(), Buffer.buffer(body));
    }

    /**
     * {@code POST /v2/models/{name}/infer}: the JSON header, then the text as one BYTES element in the binary tensor
     * data extension's layout (a 4-byte little-endian length, then the bytes), asking for the output in binary too.
     */
    Answer v2Binary(String sentence) {
        byte[] text = sentence.getBytes(StandardCharsets.UTF_8);
        byte[] tensor = ByteBuffer.allocate(4 + text.length)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(text.length)
                .put(text)
                .array();
        byte[] header = new JsonObject()
                .put(
                        "inputs",
                        new JsonArray()
                                .add(new JsonObject()
                                        .put("name", "text")
                                        .put("shape", new JsonArray().add(1))
                                        .put("datatype", "BYTES")
                                        .put("parameters", new JsonObject().put("binary_data_size", tensor.length))))
                .put(
                        "outputs",
                        new JsonArray()
                                .add(new JsonObject()
                                        .put("name", "embedding")
                                        .put("parameters", new JsonObject().put("binary_data", true))))
                .encode()
                .getBytes(StandardCharsets.UTF_8);
        Buffer body =
                Buffer.buffer(header.length + tensor.length).appendBytes(header).appendBytes(tensor);
        return post(
                "/v2/models/" + service + "/infer",
                Map.of(
                        "Inference-Header-Content-Length",
                        Integer.toString(header.length),
                        "content-type",
                        "application/octet-stream"),
                body);
    }

    /**
     * Probes a door once and returns its call, or {@code null} with a note when the door is not there.
     *
     * @param name the row's name
     * @param call one call, by sentence index
     * @param notes where the reason goes when the door is left out
     * @param path the door, for the note
     */
    static IntFunction<Answer> probe(String name, IntFunction<Answer> call, List<String> notes, String path) {
        Answer first;
        try {
            first = call.apply(0);
        } catch (RuntimeException e) {
            notes.add(String.format(Locale.ROOT, "%s: left out, %s failed (%s).", name, path, e.getMessage()));
            return null;
        }
        if (first.status() == 404) {
            notes.add(String.format(
                    Locale.ROOT,
                    "%s: left out, %s answered 404 (that front-end is not mounted on this build; the benchmark's"
                            + " HTTP server mounts every dev.stoa.gateway.api.HttpRoutes that ServiceLoader finds on its"
                            + " class path).",
                    name,
                    path));
            return null;
        }
        if (first.status() != 200) {
            String text = first.body().toString(StandardCharsets.UTF_8);
            notes.add(String.format(
                    Locale.ROOT,
                    "%s: left out, %s answered %d: %s",
                    name,
                    path,
                    first.status(),
                    text.substring(0, Math.min(300, text.length()))));
            return null;
        }
        return call;
    }

    /** @throws IllegalStateException when the call did not answer 200 */
    static void check(Answer a) {
        if (a.status() != 200) {
            throw new IllegalStateException(
                    "HTTP " + a.status() + ": " + a.body().toString(StandardCharsets.UTF_8));
        }
    }

    private Answer post(String path, Map<String, String> headers, Buffer body) {
        return client.request(HttpMethod.POST, port, "127.0.0.1", path)
                .compose(req -> {
                    req.putHeader("content-type", "application/json");
                    headers.forEach(req::putHeader);
                    return req.send(body).compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), b)));
                })
                .await();
    }
}
