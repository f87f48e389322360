package dev.stoa.vertx;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Audio;
import dev.stoa.api.data.Embedding;
import dev.stoa.api.data.Image;
import dev.stoa.api.data.Mask;
import dev.stoa.api.data.RecognizedText;
import dev.stoa.api.data.Segment;
import dev.stoa.api.data.Text;
import dev.stoa.api.data.TextLine;
import dev.stoa.api.data.Tokens;
import dev.stoa.api.generation.Generation;
import dev.stoa.api.generation.GenerationRequest;
import dev.stoa.vertx.internal.GenerationJson;
import dev.stoa.vertx.internal.JsonFields;
import dev.stoa.vertx.internal.MaskJson;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Converts Stoa's data records to and from the JSON that external callers (HTTP, the TCP bridge, other
 * languages) send and receive. One JSON shape per type:
 *
 * <table>
 *   <caption>JSON shapes</caption>
 *   <tr><th>Type</th><th>JSON</th></tr>
 *   <tr><td>{@link Text}, {@link String}</td><td>{@code {"text": "..."}}</td></tr>
 *   <tr><td>{@link Embedding}</td><td>{@code {"embedding": [0.1, ...]}}</td></tr>
 *   <tr><td>{@link Tokens}</td><td>{@code {"ids": [101, ...], "attentionMask": [1, ...]}}; the mask is
 *       optional</td></tr>
 *   <tr><td>{@link Image}</td><td>{@code {"image": "<base64 of a PNG or JPEG file>"}}; a {@code data:} URL
 *       prefix is accepted; output is always PNG</td></tr>
 *   <tr><td>{@link Audio}</td><td>{@code {"samples": [...], "sampleRate": 16000, "channels": 1}};
 *       {@code channels} defaults to 1</td></tr>
 *   <tr><td>{@link Mask}</td><td>{@code {"width": W, "height": H, "mask": "<base64 PNG, 0 black, 255 white>",
 *       "rle": {"size": [H, W], "counts": [...], "order": "column-major"}, "area": n}}; COCO's uncompressed run
 *       lengths; read from {@code mask}, else {@code rle}, else the first form's {@code "bits": "<base64 of W*H
 *       bytes, each 0 or 1>"} with width and height</td></tr>
 *   <tr><td>{@link Segment}</td><td>{@code {"mask": "<base64 PNG>", "rle": {...}, "box": [x0, y0, x1, y1],
 *       "score": 0.93, "area": n, "label": "..."}}; box in pixel edges (x1, y1 exclusive), defaulting to the mask's
 *       tightest; score defaults to 1; label optional ({@link MaskJson})</td></tr>
 *   <tr><td>{@link RecognizedText}</td><td>{@code {"text": "line 1\nline 2", "lines": [{"text": "line 1",
 *       "confidence": 0.98, "x": 10, "y": 4, "width": 120, "height": 22}, ...]}}; {@code text} is every line
 *       joined with newlines (so the reply also reads as a {@link Text}) and is ignored on input</td></tr>
 *   <tr><td>{@link GenerationRequest}</td><td>{@code {"prompt": "...", "max_tokens": 32, "temperature": 0,
 *       "top_k": 0, "top_p": 1, "beam_size": 1, "stop": ["\n"], "seed": 7}}; all but the prompt optional, and
 *       {@code text} is read when {@code prompt} is absent</td></tr>
 *   <tr><td>{@link Generation}</td><td>{@code {"text": "...", "tokens": 5, "finish_reason": "stop", "model":
 *       "gpt-tiny", "trained": true}}</td></tr>
 *   <tr><td>{@link JsonObject}, {@link Map}</td><td>passed through unchanged</td></tr>
 * </table>
 *
 * <p>Malformed input fails with a {@link StoaException} of code {@link FailureCode#BAD_INPUT} whose message names
 * the field and the fix, e.g. {@code 'embedding': is missing; send the vector as an array of numbers}. Asking for a
 * type that has no JSON shape is a programming error and fails with {@link FailureCode#INTERNAL}.
 *
 * <p>Stateless and thread-safe.
 */
public final class Payloads {

    private static final Map<Class<?>, Shape<?>> SHAPES = new LinkedHashMap<>();

    static {
        shape(
                Text.class,
                json -> new Text(JsonFields.string(json, "text")),
                t -> new JsonObject().put("text", t.value()));
        shape(String.class, json -> JsonFields.string(json, "text"), s -> new JsonObject().put("text", s));
        shape(
                Embedding.class,
                json -> new Embedding(JsonFields.floats(json, "embedding")),
                e -> new JsonObject().put("embedding", JsonFields.array(e.vector())));
        shape(Tokens.class, Payloads::tokens, Payloads::tokens);
        shape(
                Image.class,
                json -> Image.decode(JsonFields.base64(json, "image")),
                i -> new JsonObject().put("image", Base64.getEncoder().encodeToString(i.encodePng())));
        shape(
                Audio.class,
                Payloads::audio,
                a -> new JsonObject()
                        .put("samples", JsonFields.array(a.samples()))
                        .put("sampleRate", a.sampleRate())
                        .put("channels", a.channels()));
        shape(Mask.class, MaskJson::mask, MaskJson::mask);
        shape(Segment.class, MaskJson::segment, MaskJson::segment);
        shape(RecognizedText.class, Payloads::recognizedText, Payloads::recognizedText);
        shape(GenerationRequest.class, GenerationJson::request, GenerationJson::request);
        shape(Generation.class, GenerationJson::generation, GenerationJson::generation);
        shape(JsonObject.class, json -> json, json -> json);
        // JsonObject wraps the map it is given, so neither direction copies
        shape(Map.class, JsonObject::getMap, JsonObject::new);
    }

    private Payloads() {}

    /**
     * Reads a value of the given type from its JSON shape (see the class comment).
     *
     * @param json the JSON a caller sent
     * @param type {@link Text}, {@link Embedding}, {@link Tokens}, {@link Image}, {@link Audio}, {@link Mask},
     *        {@link RecognizedText}, {@link String}, {@link JsonObject} or {@link Map}
     * @param <T> the type
     * @return the value, validated by its record's constructor
     * @throws StoaException {@link FailureCode#BAD_INPUT} naming the missing or malformed field (or
     *         {@link FailureCode#TOO_LARGE} for an oversized image); {@link FailureCode#INTERNAL} for a type with no
     *         JSON shape
     */
    public static <T> T fromJson(JsonObject json, Class<T> type) {
        if (json == null) {
            throw StoaException.badInput("body", "is missing; send a JSON object");
        }
        return type.cast(shapeOf(type).read.apply(json));
    }

    /**
     * As {@link #fromJson(JsonObject, Class)}, with the pixel budget of the service that reads it: an {@link Image}
     * with more pixels is decoded subsampled ({@link Image#decode(byte[], long)}).
     *
     * @param json the JSON a caller sent
     * @param type as for {@link #fromJson(JsonObject, Class)}
     * @param maxImagePixels the most pixels a decoded image may have
     * @param <T> the type
     * @return the value
     */
    public static <T> T fromJson(JsonObject json, Class<T> type, long maxImagePixels) {
        if (type == Image.class && json != null) {
            return type.cast(Image.decode(JsonFields.base64(json, "image"), maxImagePixels));
        }
        return fromJson(json, type);
    }

    /**
     * Writes a value as its JSON shape (see the class comment); images are written as PNG.
     *
     * @param value a {@link Text}, {@link Embedding}, {@link Tokens}, {@link Image}, {@link Audio}, {@link Mask},
     *        {@link RecognizedText}, {@link String}, {@link JsonObject} or {@link Map}
     * @return the JSON
     * @throws StoaException {@link FailureCode#INTERNAL} for {@code null} or a type with no JSON shape
     */
    @SuppressWarnings("unchecked")
    public static JsonObject toJson(Object value) {
        if (value == null) {
            throw new StoaException(FailureCode.INTERNAL, "cannot write null as JSON; a service returned no value");
        }
        return ((Shape<Object>) shapeOf(value.getClass())).write.apply(value);
    }

    /** @return the types {@link #fromJson} and {@link #toJson} accept, in the order of the class comment */
    public static Set<Class<?>> types() {
        return Collections.unmodifiableSet(SHAPES.keySet());
    }

    private static Shape<?> shapeOf(Class<?> type) {
        Shape<?> shape = SHAPES.get(type);
        if (shape == null) {
            // records are final, so only Map and JsonObject can have subclasses
            if (JsonObject.class.isAssignableFrom(type)) {
                shape = SHAPES.get(JsonObject.class);
            } else if (Map.class.isAssignableFrom(type)) {
                shape = SHAPES.get(Map.class);
            } else {
                throw new StoaException(
                        FailureCode.INTERNAL,
                        type.getName() + " has no JSON form; use one of "
                                + SHAPES.keySet().stream()
                                        .map(Class::getSimpleName)
                                        .toList());
            }
        }
        return shape;
    }

    private static Tokens tokens(JsonObject json) {
        long[] ids = JsonFields.longs(json, "ids");
        int[] mask = json.getValue("attentionMask") == null ? null : JsonFields.ints(json, "attentionMask");
        return new Tokens(ids, mask);
    }

    private static JsonObject tokens(Tokens t) {
        JsonObject json = new JsonObject().put("ids", JsonFields.array(t.ids()));
        if (t.attentionMask() != null) {
            json.put("attentionMask", JsonFields.array(t.attentionMask()));
        }
        return json;
    }

    private static Audio audio(JsonObject json) {
        int channels = json.getValue("channels") == null ? 1 : JsonFields.integer(json, "channels");
        return new Audio(JsonFields.floats(json, "samples"), JsonFields.integer(json, "sampleRate"), channels);
    }

    private static RecognizedText recognizedText(JsonObject json) {
        Object v = json.getValue("lines");
        if (!(v instanceof JsonArray array)) {
            throw StoaException.badInput(
                    "lines",
                    v == null ? "is missing; send an array of line objects" : "must be an array of line objects");
        }
        List<TextLine> lines = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            if (!(array.getValue(i) instanceof JsonObject line)) {
                throw StoaException.badInput(
                        "lines[" + i + "]", "must be an object with text, confidence, x, y," + " width and height");
            }
            Object confidence = line.getValue("confidence");
            if (!(confidence instanceof Number c)) {
                throw StoaException.badInput("lines[" + i + "].confidence", "must be a number in [0, 1]");
            }
            try {
                lines.add(new TextLine(
                        JsonFields.string(line, "text"),
                        c.doubleValue(),
                        JsonFields.integer(line, "x"),
                        JsonFields.integer(line, "y"),
                        JsonFields.integer(line, "width"),
                        JsonFields.integer(line, "height")));
            } catch (StoaException e) {
                // the record names only the field: say which line it is in
                throw new StoaException(
                        e.code(), "'lines[" + i + "]." + e.getMessage().substring(1), e);
            }
        }
        return new RecognizedText(lines);
    }

    private static JsonObject recognizedText(RecognizedText text) {
        JsonArray lines = new JsonArray(new ArrayList<>(text.lines().size()));
        for (TextLine l : text.lines()) {
            lines.add(new JsonObject()
                    .put("text", l.text())
                    .put("confidence", l.confidence())
                    .put("x", l.x())
                    .put("y", l.y())
                    .put("width", l.width())
                    .put("height", l.height()));
        }
        return new JsonObject().put("text", text.fullText()).put("lines", lines);
    }

    private static <T> void shape(Class<T> type, Function<JsonObject, T> read, Function<T, JsonObject> write) {
        SHAPES.put(type, new Shape<>(read, write));
    }

    private record Shape<T>(Function<JsonObject, T> read, Function<T, JsonObject> write) {}
}
