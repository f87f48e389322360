package dev.stoa.vertx;

import dev.stoa.api.StoaException;
import dev.stoa.vertx.internal.JsonFields;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the fields of a JSON request for services that take a {@link JsonObject} with several fields (a search
 * request, a document to index), failing as {@link Payloads} does: {@link dev.stoa.api.FailureCode#BAD_INPUT} naming
 * the field and what to send. Stateless and thread-safe.
 */
public final class RequestFields {

    private RequestFields() {}

    /** @return the string at {@code field}; fails when it is missing or not a string */
    public static String string(JsonObject json, String field) {
        return JsonFields.string(json, field);
    }

    /** @return the string at {@code field}, or {@code fallback} when the field is absent or null */
    public static String string(JsonObject json, String field, String fallback) {
        return json.getValue(field) == null ? fallback : JsonFields.string(json, field);
    }

    /** @return the whole number at {@code field}, or {@code fallback} when the field is absent or null */
    public static int integer(JsonObject json, String field, int fallback) {
        return json.getValue(field) == null ? fallback : JsonFields.integer(json, field);
    }

    /** @return the numbers of the array at {@code field} as floats; fails when it is missing */
    public static float[] floats(JsonObject json, String field) {
        return JsonFields.floats(json, field);
    }

    /**
     * @param json the request
     * @param field a field holding an object of strings, e.g. {@code {"lang": "en"}}
     * @return its entries in order, or an empty map when the field is absent or null
     */
    public static Map<String, String> strings(JsonObject json, String field) {
        Object value = json.getValue(field);
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof JsonObject object)) {
            throw StoaException.badInput(field, "must be an object of strings, e.g. {\"lang\": \"en\"}");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : object.fieldNames()) {
            out.put(key, JsonFields.string(object, key));
        }
        return out;
    }
}
