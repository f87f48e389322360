package dev.stoa.protocol.openai.internal;

import dev.stoa.api.data.Embedding;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * {@code POST /embeddings} to and from a {@code TextEncoder}'s calls: {@code {"model", "input": "..." | ["...",
 * ...], "encoding_format": "float" | "base64", "dimensions": n}} becomes one {@code Text} per input, and their
 * embeddings the {@code data} list. {@code base64} is OpenAI's: the float32 vector's little-endian bytes.
 */
final class EmbeddingsMapping {

    /** The most inputs in one request, as OpenAI's API allows. */
    static final int MAX_INPUTS = 2048;

    /**
     * A request, checked.
     *
     * @param model the model name
     * @param inputs the texts, at least one
     * @param base64 whether vectors are answered as base64
     * @param dimensions the vector length asked for, or {@code null}
     */
    record Request(String model, List<String> inputs, boolean base64, Integer dimensions) {}

    private EmbeddingsMapping() {}

    /**
     * @param body the JSON request
     * @return the request
     * @throws OpenAiError 400 naming the field
     */
    static Request request(JsonObject body) {
        String model = Fields.model(body);
        Object input = body.getValue("input");
        List<String> inputs = new ArrayList<>();
        if (input instanceof String s) {
            inputs.add(s);
        } else if (input instanceof JsonArray a) {
            if (a.isEmpty()) {
                throw OpenAiError.badParam("input", "'input' is an empty list; send a string or a list of strings");
            }
            if (a.size() > MAX_INPUTS) {
                throw OpenAiError.badParam(
                        "input", "'input' has " + a.size() + " items; send at most " + MAX_INPUTS + " per request");
            }
            for (int i = 0; i < a.size(); i++) {
                Object item = a.getValue(i);
                if (item instanceof String s) {
                    inputs.add(s);
                } else if (item instanceof Number || item instanceof JsonArray) {
                    throw OpenAiError.unsupported(
                            "input",
                            "'input' holds token ids; Stoa's encoders tokenize themselves: send the text as a string"
                                    + " or a list of strings");
                } else {
                    throw OpenAiError.badParam("input", "'input[" + i + "]' is " + describe(item) + "; send a string");
                }
            }
        } else if (input == null) {
            throw OpenAiError.badParam("input", "'input' is missing; send a string or a list of strings");
        } else {
            throw OpenAiError.badParam(
                    "input", "'input' is " + describe(input) + "; send a string or a list of strings");
        }
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i).isEmpty()) {
                throw OpenAiError.badParam(
                        "input",
                        "'input" + (input instanceof String ? "" : "[" + i + "]") + "' is empty; send some text");
            }
        }
        Object format = body.getValue("encoding_format");
        boolean base64;
        if (format == null || "float".equals(format)) {
            base64 = false;
        } else if ("base64".equals(format)) {
            base64 = true;
        } else {
            throw OpenAiError.badParam(
                    "encoding_format", "'encoding_format' is " + describe(format) + "; send \"float\" or \"base64\"");
        }
        Integer dimensions = null;
        Object d = body.getValue("dimensions");
        if (d != null) {
            if (!(d instanceof Integer || d instanceof Long) || ((Number) d).longValue() < 1) {
                throw OpenAiError.badParam(
                        "dimensions", "'dimensions' is " + describe(d) + "; send a positive whole number");
            }
            dimensions = ((Number) d).intValue();
        }
        return new Request(model, inputs, base64, dimensions);
    }

    /**
     * Cuts an embedding to the length asked for, where the model allows it.
     *
     * @param e the encoder's embedding
     * @param request the request
     * @param model the model's configuration, which lists the shorter lengths it may be cut to
     * @return the embedding as answered: unchanged when no or its own length is asked, else its first
     *     {@code dimensions} components scaled to unit length (Matryoshka representation learning, Kusupati et al.
     *     2022, as OpenAI's text-embedding-3 models do)
     * @throws OpenAiError 400 naming {@code dimensions} for a length the model does not allow
     */
    static Embedding cut(Embedding e, Request request, ExposedModel model) {
        Integer d = request.dimensions();
        if (d == null || d == e.dimension()) {
            return e;
        }
        if (d > e.dimension() || !model.dimensions().contains(d)) {
            throw OpenAiError.unsupported(
                    "dimensions",
                    "model '" + model.name() + "' answers " + e.dimension() + "-dimensional vectors; 'dimensions' may"
                            + " be " + e.dimension()
                            + (model.dimensions().isEmpty()
                                    ? " only (its vectors are not trained to be cut shorter)"
                                    : " or one of " + model.dimensions()
                                            + " (model." + model.name() + ".dimensions in etc/"
                                            + OpenAiSettings.PID + ".cfg)"));
        }
        float[] v = new float[d];
        System.arraycopy(e.vector(), 0, v, 0, d);
        return new Embedding(v).normalized();
    }

    /**
     * @param request the request
     * @param embeddings one per input, in order
     * @return the response body
     */
    static JsonObject response(Request request, List<Embedding> embeddings) {
        JsonArray data = new JsonArray();
        for (int i = 0; i < embeddings.size(); i++) {
            float[] v = embeddings.get(i).vector();
            Object encoded;
            if (request.base64()) {
                encoded = base64(v);
            } else {
                JsonArray a = new JsonArray(new ArrayList<>(v.length));
                for (float f : v) {
                    a.add(f);
                }
                encoded = a;
            }
            data.add(new JsonObject().put("object", "embedding").put("index", i).put("embedding", encoded));
        }
        return new JsonObject()
                .put("object", "list")
                .put("data", data)
                .put("model", request.model())
                // Stoa's encoders do not report token counts
                .put("usage", new JsonObject().put("prompt_tokens", 0).put("total_tokens", 0));
    }

    /** @return the vector's float32 little-endian bytes in base64, as OpenAI's {@code encoding_format: base64} */
    static String base64(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return Base64.getEncoder().encodeToString(b.array());
    }

    static String describe(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String s) {
            return "\"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"";
        }
        if (value instanceof JsonObject) {
            return "an object";
        }
        if (value instanceof JsonArray) {
            return "a list";
        }
        return String.valueOf(value);
    }
}
