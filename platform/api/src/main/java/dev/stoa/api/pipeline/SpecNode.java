package dev.stoa.api.pipeline;

import java.util.List;
import java.util.Map;

/**
 * A piece of a pipeline file as written, with where it is: a stage kind reads its fields from these, and reports
 * problems at them, so a message names the file, the line and the field.
 */
public sealed interface SpecNode permits SpecNode.Scalar, SpecNode.Sequence, SpecNode.Mapping {

    /** @return the file, relative to {@code etc/}, e.g. {@code pipelines/caption.yaml} */
    String file();

    /** @return the 1-based line where it starts */
    int line();

    /** @return the field's path, e.g. {@code stages.tags.with.image} */
    String path();

    /**
     * A single value.
     *
     * @param text the value as written
     * @param quoted whether it was quoted (then it is a string, never a number or a reference)
     */
    record Scalar(String file, int line, String path, String text, boolean quoted) implements SpecNode {}

    /** A list. */
    record Sequence(String file, int line, String path, List<SpecNode> items) implements SpecNode {
        public Sequence {
            items = List.copyOf(items);
        }
    }

    /** A mapping, in file order. */
    record Mapping(String file, int line, String path, Map<String, SpecNode> entries) implements SpecNode {
        public Mapping {
            entries = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(entries));
        }
    }
}
