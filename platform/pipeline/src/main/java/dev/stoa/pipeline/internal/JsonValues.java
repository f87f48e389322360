package dev.stoa.pipeline.internal;

import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import dev.stoa.api.data.Text;
import dev.stoa.vertx.Payloads;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The values between stages, seen as JSON without becoming JSON: a record's fields are read by the names of its JSON
 * form ({@code dev.stoa.vertx.Payloads}), so {@code $caption.text} reads a {@link Text} record and a
 * {@code {"text": ...}} object alike, and a stage's output converts to JSON only where the pipeline answers.
 */
final class JsonValues {

    private JsonValues() {}

    /**
     * @param value a value between stages
     * @param name a field name
     * @return the field, or {@code null} when the value has no such field
     */
    static Object field(Object value, String name) {
        if (value instanceof JsonObject o) {
            return o.getValue(name);
        }
        if (value instanceof Map<?, ?> m) {
            return m.get(name);
        }
        if (value instanceof Text t) {
            return name.equals("text") ? t.value() : null;
        }
        if (value instanceof Image image) {
            // the JSON form of an image is {"image": ...}: the field is the image itself, never its base64
            return name.equals("image") ? image : null;
        }
        if (value == null
                || value instanceof String
                || value instanceof Number
                || value instanceof Boolean
                || value instanceof List<?>
                || value instanceof JsonArray) {
            return null;
        }
        try {
            return Payloads.toJson(value).getValue(name);
        } catch (StoaException noJsonForm) {
            return null;
        }
    }

    /**
     * @param value a value between stages
     * @return its JSON form: maps and lists converted deeply, records in their JSON forms (an image field as the
     *     base64 of a PNG), JSON and scalars as they are
     */
    static Object toJson(Object value) {
        if (value == null
                || value instanceof JsonObject
                || value instanceof JsonArray
                || value instanceof String
                || value instanceof Number
                || value instanceof Boolean) {
            return value;
        }
        if (value instanceof Map<?, ?> m) {
            JsonObject out = new JsonObject();
            m.forEach((k, v) -> out.put(
                    String.valueOf(k),
                    v instanceof Image image ? Base64.getEncoder().encodeToString(image.encodePng()) : toJson(v)));
            return out;
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(v -> out.add(toJson(v)));
            return new JsonArray(out);
        }
        return Payloads.toJson(value);
    }

    /** @return whether the value is a list (a JSON object is iterable too, but is not one) */
    static boolean isList(Object value) {
        return value instanceof JsonArray || value instanceof Collection<?>;
    }

    /** @return the pipeline's answer: the value's JSON form as an object ({@code {"text"}} for a string) */
    static JsonObject answer(Object value) {
        Object json = toJson(value);
        if (json instanceof JsonObject o) {
            return o;
        }
        return json instanceof String s ? new JsonObject().put("text", s) : new JsonObject().put("value", json);
    }

    /**
     * A value as a template writes it: a list as its items joined with ", ", an object (or record) with a text as that
     * text, a missing value as nothing.
     */
    static String text(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof JsonArray || value instanceof Collection<?>) {
            List<String> out = new ArrayList<>();
            ((Iterable<?>) value).forEach(v -> out.add(text(v)));
            return String.join(", ", out);
        }
        if (value instanceof Number || value instanceof Boolean || value instanceof Image) {
            return value.toString();
        }
        if (field(value, "text") instanceof String s) {
            return s;
        }
        // an object without a text reads as its JSON, as it did when every value was JSON
        return toJson(value).toString();
    }

    /**
     * @param value what a stage sends
     * @param inputType the simple name of the type the service takes
     * @return the request in the form that reaches the service without a needless conversion: a record it takes as
     *     is (an image decoded once, however many stages send it), a {@link StageRequest} to a service that takes a
     *     map (records inside untouched), JSON otherwise (the bus reads the service's type from it, as for HTTP)
     */
    static Object request(Object value, String inputType) {
        if (value instanceof String s) {
            return "Text".equals(inputType) ? new Text(s) : new JsonObject().put("text", s);
        }
        if (value instanceof JsonObject) {
            return value;
        }
        if (value instanceof Map<?, ?> m) {
            if ("Map".equals(inputType)) {
                return m instanceof StageRequest ? m : copy(m);
            }
            if ("Image".equals(inputType) && m.get("image") instanceof Image image) {
                return image;
            }
            return toJson(m);
        }
        if (value.getClass().getSimpleName().equals(inputType)) {
            return value;
        }
        if ("Map".equals(inputType)) {
            StageRequest out = new StageRequest();
            if (value instanceof Image image) {
                out.put("image", image);
            } else {
                out.putAll(Payloads.toJson(value).getMap());
            }
            return out;
        }
        return Payloads.toJson(value);
    }

    private static StageRequest copy(Map<?, ?> m) {
        StageRequest out = new StageRequest(m.size());
        m.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }
}
