package dev.stoa.pipeline.internal;

import dev.stoa.api.StoaException;
import dev.stoa.api.data.Audio;
import dev.stoa.api.data.Embedding;
import dev.stoa.api.data.Image;
import dev.stoa.api.data.Mask;
import dev.stoa.api.data.Text;
import dev.stoa.api.data.Tokens;
import dev.stoa.api.pipeline.ValueType;
import dev.stoa.vertx.Payloads;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a pipeline's request holds: {@code input: Image} (one record, in its JSON form) or {@code input: {image:
 * Image, question: String, k: Number?}} (a JSON object with these fields; {@code ?} marks an optional one). The
 * request is read here, once, when it arrives: an image is decoded from its base64 here and every stage then reads
 * the decoded {@link Image}; a missing or mistyped field fails the request before any stage runs.
 *
 * @param type for a single-type input, its simple name ({@code JsonObject} when the fields are declared)
 * @param fields the declared fields and their types, in file order; {@code null} for a single-type input
 */
record InputSchema(String type, Map<String, Field> fields) {

    /** The types a whole request may have. */
    static final Map<String, Class<?>> TYPES = Map.of(
            "Text",
            Text.class,
            "Image",
            Image.class,
            "Audio",
            Audio.class,
            "Embedding",
            Embedding.class,
            "Tokens",
            Tokens.class,
            "Mask",
            Mask.class,
            "JsonObject",
            JsonObject.class);
    /** The types a declared field may have. */
    static final Set<String> FIELD_TYPES =
            new TreeSet<>(Set.of("Image", "String", "Number", "Boolean", "List", "Object"));

    /** A request of any JSON object, read by no one before the stages: today's {@code input: JsonObject}. */
    static final InputSchema ANY = new InputSchema("JsonObject", null);

    /**
     * @param type one of {@link #FIELD_TYPES}
     * @param optional whether a request may leave it out
     */
    record Field(String type, boolean optional) {}

    /** @return the type the validator checks {@code $input} against */
    ValueType valueType() {
        if (fields == null) {
            return ValueType.of(type);
        }
        Map<String, String> types = new LinkedHashMap<>();
        fields.forEach((name, f) -> types.put(name, f.type().equals("Object") ? "JsonObject" : f.type()));
        return new ValueType("JsonObject", types);
    }

    /**
     * Reads a request: the edge where JSON becomes the values the stages share.
     *
     * @param json the request as it arrived
     * @return {@code $input}: the JSON object itself, a record, or a map whose declared image fields hold decoded
     *     images
     * @throws StoaException {@code BAD_INPUT} naming the field that is missing or of the wrong type
     */
    Object admit(JsonObject json) {
        if (fields == null) {
            Class<?> cls = TYPES.get(type);
            return cls == JsonObject.class ? json : Payloads.fromJson(json, cls);
        }
        Map<String, Object> values = new StageRequest(json.size() + 1);
        for (String key : json.fieldNames()) {
            values.put(key, json.getValue(key));
        }
        fields.forEach((name, f) -> {
            Object v = json.getValue(name);
            if (v == null) {
                if (!f.optional()) {
                    throw StoaException.badInput(
                            name, "is missing; this pipeline's input declares it (" + f.type() + ")");
                }
                return;
            }
            values.put(name, read(name, f.type(), v));
        });
        return values;
    }

    private static Object read(String name, String type, Object v) {
        boolean fits = switch (type) {
            case "Image", "String" -> v instanceof String;
            case "Number" -> v instanceof Number;
            case "Boolean" -> v instanceof Boolean;
            case "List" -> v instanceof JsonArray || v instanceof List<?>;
            default -> v instanceof JsonObject || v instanceof Map<?, ?>;
        };
        if (!fits) {
            throw StoaException.badInput(
                    name,
                    "must be "
                            + (type.equals("Image")
                                    ? "the base64 of a PNG or JPEG" + " file"
                                    : ValueType.of(type).withArticle())
                            + ", not " + v.getClass().getSimpleName());
        }
        // the one decode of the request's image: every stage reads this record
        return type.equals("Image") ? Payloads.fromJson(new JsonObject().put("image", v), Image.class) : v;
    }
}
