package dev.stoa.pipeline.internal;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A reference to a value in a running pipeline: {@code $input} (the request), {@code $<stage>} (a stage's output),
 * optionally followed by a field path, {@code $tags.label}.
 *
 * @param source {@code input} or a stage id
 * @param path field names into the source's JSON, possibly empty
 */
record Ref(String source, List<String> path) {

    static final String INPUT = "input";

    Ref {
        path = List.copyOf(path);
    }

    /**
     * @param text {@code source.field.field} (without {@code $} or braces)
     * @return the reference
     */
    static Ref parse(String text) {
        String[] parts = text.trim().split("\\.");
        return new Ref(parts[0], List.of(parts).subList(1, parts.length));
    }

    /** @return the value this reference points to in {@code values}, or {@code null} when absent */
    Object resolve(java.util.Map<String, JsonObject> values) {
        Object current = values.get(source);
        for (String field : path) {
            if (!(current instanceof JsonObject o)) {
                return null;
            }
            current = o.getValue(field);
        }
        return current;
    }

    @Override
    public String toString() {
        return path.isEmpty() ? source : source + "." + String.join(".", path);
    }
}
