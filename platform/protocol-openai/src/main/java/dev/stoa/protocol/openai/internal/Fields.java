package dev.stoa.protocol.openai.internal;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Reads the fields every OpenAI request shares, failing with a 400 that names the field. */
final class Fields {

    private Fields() {}

    /** @return the {@code model} string */
    static String model(JsonObject body) {
        Object model = body.getValue("model");
        if (!(model instanceof String s) || s.isEmpty()) {
            throw OpenAiError.badParam(
                    "model",
                    "'model' is " + (model == null ? "missing" : EmbeddingsMapping.describe(model))
                            + "; send a name that GET /openai/v1/models lists");
        }
        return s;
    }

    /** @return the number at {@code field}, or {@code null} when absent */
    static Double number(JsonObject body, String field) {
        Object v = body.getValue(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Number n)) {
            throw OpenAiError.badParam(
                    field, "'" + field + "' is " + EmbeddingsMapping.describe(v) + "; send a number");
        }
        return n.doubleValue();
    }

    /** @return the whole number at {@code field}, or {@code null} when absent */
    static Long whole(JsonObject body, String field) {
        Object v = body.getValue(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Integer || v instanceof Long)) {
            if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
                return n.longValue();
            }
            throw OpenAiError.badParam(
                    field, "'" + field + "' is " + EmbeddingsMapping.describe(v) + "; send a whole number");
        }
        return ((Number) v).longValue();
    }

    /** @return the boolean at {@code field}, or {@code fallback} when absent */
    static boolean bool(JsonObject body, String field, boolean fallback) {
        Object v = body.getValue(field);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Boolean b)) {
            throw OpenAiError.badParam(
                    field, "'" + field + "' is " + EmbeddingsMapping.describe(v) + "; send true or false");
        }
        return b;
    }

    /** @return whether {@code field} is absent, null, false, 0, empty or an empty list/object */
    static boolean unset(JsonObject body, String field) {
        Object v = body.getValue(field);
        return v == null
                || Boolean.FALSE.equals(v)
                || v instanceof Number n && n.doubleValue() == 0
                || v instanceof String s && s.isEmpty()
                || v instanceof JsonArray a && a.isEmpty()
                || v instanceof JsonObject o && o.isEmpty();
    }
}
