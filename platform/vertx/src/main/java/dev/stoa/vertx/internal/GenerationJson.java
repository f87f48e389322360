package dev.stoa.vertx.internal;

import dev.stoa.api.StoaException;
import dev.stoa.api.generation.FinishReason;
import dev.stoa.api.generation.Generation;
import dev.stoa.api.generation.GenerationOptions;
import dev.stoa.api.generation.GenerationRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON of {@link GenerationRequest} and {@link Generation}, in OpenAI's field names: in {@code {"prompt": "...",
 * "max_tokens": 32, "temperature": 0, "top_k": 0, "top_p": 1, "beam_size": 1, "stop": ["\n"] or "\n", "seed": 7}}
 * ({@code text} is read where {@code prompt} is absent, so a {@code Text} reply can feed a generator); out
 * {@code {"text": "...", "tokens": n, "finish_reason": "stop", "model": "...", "trained": true}}.
 */
public final class GenerationJson {

    private GenerationJson() {}

    /**
     * @param json a request
     * @return the request, options defaulting to greedy decoding of 32 tokens
     * @throws StoaException {@code BAD_INPUT} naming the field at fault
     */
    public static GenerationRequest request(JsonObject json) {
        String prompt = json.getValue("prompt") != null || json.getValue("text") == null
                ? JsonFields.string(json, "prompt")
                : JsonFields.string(json, "text");
        GenerationOptions d = GenerationOptions.GREEDY;
        GenerationOptions options = new GenerationOptions(
                json.getValue("max_tokens") == null ? d.maxTokens() : JsonFields.integer(json, "max_tokens"),
                number(json, "temperature", d.temperature()),
                json.getValue("top_k") == null ? d.topK() : JsonFields.integer(json, "top_k"),
                number(json, "top_p", d.topP()),
                json.getValue("beam_size") == null ? d.beamSize() : JsonFields.integer(json, "beam_size"),
                stop(json.getValue("stop")),
                json.getValue("seed") == null ? null : seed(json.getValue("seed")));
        return new GenerationRequest(prompt, options);
    }

    /**
     * @param request a request
     * @return its JSON
     */
    public static JsonObject request(GenerationRequest request) {
        GenerationOptions o = request.options();
        JsonObject json = new JsonObject()
                .put("prompt", request.prompt())
                .put("max_tokens", o.maxTokens())
                .put("temperature", o.temperature())
                .put("top_k", o.topK())
                .put("top_p", o.topP())
                .put("beam_size", o.beamSize())
                .put("stop", new JsonArray(new ArrayList<>(o.stop())));
        if (o.seed() != null) {
            json.put("seed", o.seed());
        }
        return json;
    }

    /**
     * @param json a generation
     * @return the record
     */
    public static Generation generation(JsonObject json) {
        Object trained = json.getValue("trained");
        return new Generation(
                JsonFields.string(json, "text"),
                JsonFields.integer(json, "tokens"),
                FinishReason.of(JsonFields.string(json, "finish_reason")),
                JsonFields.string(json, "model"),
                !(trained instanceof Boolean b) || b);
    }

    /**
     * @param generation a generation
     * @return its JSON, {@code text} first
     */
    public static JsonObject generation(Generation generation) {
        return new JsonObject()
                .put("text", generation.text())
                .put("tokens", generation.tokenCount())
                .put("finish_reason", generation.finishReason().jsonName())
                .put("model", generation.model())
                .put("trained", generation.trained());
    }

    private static double number(JsonObject json, String field, double fallback) {
        Object v = json.getValue(field);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw StoaException.badInput(field, "must be a number, not " + v);
    }

    private static long seed(Object v) {
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.longValue();
        }
        throw StoaException.badInput("seed", "must be a whole number, not " + v);
    }

    private static List<String> stop(Object v) {
        if (v == null) {
            return List.of();
        }
        if (v instanceof String s) {
            return List.of(s);
        }
        if (v instanceof JsonArray array) {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < array.size(); i++) {
                if (!(array.getValue(i) instanceof String s)) {
                    throw StoaException.badInput("stop[" + i + "]", "must be a string");
                }
                out.add(s);
            }
            return out;
        }
        throw StoaException.badInput("stop", "must be a string or an array of strings");
    }
}
