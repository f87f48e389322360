package dev.stoa.api.pipeline;

import java.util.List;

/**
 * A reference to a value of a running pipeline: {@code $input} (the request) or {@code $<stage>} (a stage's output),
 * optionally followed by field names, {@code $tags.label}.
 *
 * @param source {@code input} or a stage id
 * @param path field names into the source, possibly empty
 */
public record Ref(String source, List<String> path) {

    /** The source name of the request. */
    public static final String INPUT = "input";

    public Ref {
        path = List.copyOf(path);
    }

    /**
     * @param text {@code source.field.field}, without {@code $} or braces
     * @return the reference
     */
    public static Ref parse(String text) {
        String[] parts = text.trim().split("\\.");
        return new Ref(parts[0], List.of(parts).subList(1, parts.length));
    }

    /** @return the last field name, or the source when there is no path (the key a merge uses) */
    public String lastName() {
        return path.isEmpty() ? source : path.get(path.size() - 1);
    }

    @Override
    public String toString() {
        return path.isEmpty() ? source : source + "." + String.join(".", path);
    }
}
