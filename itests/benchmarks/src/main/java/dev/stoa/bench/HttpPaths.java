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
 * an HTTP round trip with no model and no bus (the floor under every door). The report mounts the two front-ends
 * with their modules' fixtures ({@code OpenAiFronts}, {@code V2Fronts}); a door that answers 404 all the same is left
 * out with a note. Each door's answer is read back into the vector ({@link #stoaVector}, {@link #openAiVector},
 * {@link #v2Vector}), so the report can check that every door carries raw ONNX Runtime's embedding.
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

    /**
     * One call's outcome.
     *
     * @param status the HTTP status
     * @param body the body
     * @param inferenceHeaderLength the {@code Inference-Header-Content-Length} answer header (the v2 binary
     *     answer's JSON length), or {@code null}
     */
    record Answer(int status, Buffer body, String inferenceHeaderLength) {}

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

    /** @return the embedding of Stoa's JSON answer ({@code {"embedding": [...]}}) */
    static float[] stoaVector(Answer a) {
        check(a);
        return floats(new JsonObject(a.body()).getJsonArray("embedding"));
    }

    /** @return the embedding of the OpenAI answer ({@code {"object": "list", "data": [{"embedding": [...]}]}}) */
    static float[] openAiVector(Answer a) {
        check(a);
        JsonArray data = new JsonObject(a.body()).getJsonArray("data");
        if (data == null || data.size() != 1) {
            throw new IllegalStateException("OpenAI answer without one 'data' entry: " + a.body());
        }
        return floats(data.getJsonObject(0).getJsonArray("embedding"));
    }

    /**
     * @return the embedding of the v2 binary answer: the JSON header ({@code Inference-Header-Content-Length} bytes)
     *     names the output {@code embedding}, FP32 of shape {@code [1, D]}, with {@code binary_data_size} 4 D; the
     *     little-endian floats follow it
     */
    static float[] v2Vector(Answer a) {
        check(a);
        if (a.inferenceHeaderLength() == null) {
            throw new IllegalStateException("v2 answer without Inference-Header-Content-Length (not binary): "
                    + a.body().toString(StandardCharsets.UTF_8));
        }
        int headerLength = Integer.parseInt(a.inferenceHeaderLength());
        JsonObject header = new JsonObject(a.body().getBuffer(0, headerLength));
        JsonArray outputs = header.getJsonArray("outputs");
        if (outputs == null || outputs.size() != 1) {
            throw new IllegalStateException("v2 answer without one output: " + header);
        }
        JsonObject out = outputs.getJsonObject(0);
        JsonArray shape = out.getJsonArray("shape");
        int size = out.getJsonObject("parameters").getInteger("binary_data_size");
        if (!"embedding".equals(out.getString("name"))
                || !"FP32".equals(out.getString("datatype"))
                || shape.size() != 2
                || shape.getLong(0) != 1
                || size != 4 * shape.getLong(1)
                || a.body().length() != headerLength + size) {
            throw new IllegalStateException("v2 answer is not one FP32 [1, D] 'embedding' in binary: " + header
                    + " and " + (a.body().length() - headerLength) + " bytes");
        }
        ByteBuffer data = ByteBuffer.wrap(a.body().getBytes(headerLength, headerLength + size))
                .order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[size / 4];
        data.asFloatBuffer().get(v);
        return v;
    }

    private static float[] floats(JsonArray a) {
        if (a == null) {
            throw new IllegalStateException("answer without an 'embedding' array");
        }
        float[] v = new float[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.getNumber(i).floatValue();
        }
        return v;
    }

    private Answer post(String path, Map<String, String> headers, Buffer body) {
        return client.request(HttpMethod.POST, port, "127.0.0.1", path)
                .compose(req -> {
                    req.putHeader("content-type", "application/json");
                    headers.forEach(req::putHeader);
                    return req.send(body)
                            .compose(resp -> resp.body()
                                    .map(b -> new Answer(
                                            resp.statusCode(), b, resp.getHeader("Inference-Header-Content-Length"))));
                })
                .await();
    }
}
