package dev.stoa.pipeline.internal;

import dev.stoa.api.pipeline.Ref;
import dev.stoa.api.pipeline.Values;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A language template, the Socratic step: text with {@code {{stage.field}}} placeholders filled from earlier outputs.
 * A list renders as its items joined with ", " (so {@code {{tags.labels}}} reads as words), an object or record with
 * a text as that text, a missing value (a skipped stage) as nothing.
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
        return new Template(source, List.copyOf(refs));
    }

    String render(Values values) {
        Matcher m = PLACEHOLDER.matcher(source);
        StringBuilder out = new StringBuilder(source.length() + 64);
        int i = 0;
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(JsonValues.text(values.get(refs.get(i++)))));
        }
        m.appendTail(out);
        return out.toString();
    }
}
