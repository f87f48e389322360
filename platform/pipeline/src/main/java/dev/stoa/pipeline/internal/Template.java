package dev.stoa.pipeline.internal;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A language template, the Socratic step: text with {@code {{stage.field}}} placeholders filled from earlier outputs.
 * A list renders as its items joined with ", " (so {@code {{tags.labels}}} reads as words); a missing value (a skipped
 * stage) renders as nothing.
 *
 * @param source the template as written
 * @param refs the placeholders, in order
 */
record Template(String source, List<Ref> refs) {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_.-]+)\\s*}}");

    static Template parse(String source) {
        List<Ref> refs = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(source);
        while (m.find()) {
            refs.add(Ref.parse(m.group(1)));
        }
        return new Template(source, refs);
    }

    String render(Map<String, JsonObject> values) {
        Matcher m = PLACEHOLDER.matcher(source);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(text(Ref.parse(m.group(1)).resolve(values))));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String text(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof JsonArray a) {
            List<String> items = new ArrayList<>();
            a.forEach(v -> items.add(text(v)));
            return String.join(", ", items);
        }
        if (value instanceof JsonObject o && o.getValue("text") instanceof String s) {
            return s;
        }
        return value.toString();
    }
}
