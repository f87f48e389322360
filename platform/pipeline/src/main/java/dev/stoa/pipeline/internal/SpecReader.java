package dev.stoa.pipeline.internal;

import dev.stoa.api.pipeline.Ref;
import dev.stoa.api.pipeline.SpecNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads scalars, references, literals, numbers and durations from {@link SpecNode}s, collecting problems. */
class SpecReader {

    private static final Pattern REF = Pattern.compile("\\$[A-Za-z][A-Za-z0-9_-]*(\\.[A-Za-z0-9_-]+)*");
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m)?");

    final List<PipelineError> errors;

    SpecReader(List<PipelineError> errors) {
        this.errors = errors;
    }

    void problem(SpecNode at, String message) {
        errors.add(new PipelineError(at.file(), at.line(), at.path(), message));
    }

    String scalar(SpecNode node) {
        if (node instanceof SpecNode.Scalar s) {
            return s.text();
        }
        problem(node, "must be a single value, not a " + (node instanceof SpecNode.Mapping ? "mapping" : "list"));
        return null;
    }

    Ref ref(SpecNode node) {
        String text = scalar(node);
        if (text == null) {
            return null;
        }
        if (!REF.matcher(text).matches()) {
            problem(node, "is '" + text + "'; write a reference: '$input', '$<stage>' or '$<stage>.<field>'");
            return null;
        }
        return Ref.parse(text.substring(1));
    }

    /**
     * A {@code with:} value: {@code $ref} becomes a {@link Ref}; a plain scalar a number, boolean or string (quoted
     * scalars stay strings); a list a list of such values.
     */
    Object literal(SpecNode node) {
        if (node instanceof SpecNode.Sequence seq) {
            List<Object> items = new ArrayList<>();
            for (SpecNode item : seq.items()) {
                Object v = literal(item);
                if (v != null) {
                    items.add(v);
                }
            }
            return List.copyOf(items);
        }
        if (!(node instanceof SpecNode.Scalar sn)) {
            problem(node, "must be a value or a list of values, not a mapping");
            return null;
        }
        String text = sn.text();
        if (sn.quoted()) {
            return text;
        }
        if (text.startsWith("$")) {
            return ref(node);
        }
        if (text.equals("true") || text.equals("false")) {
            return Boolean.parseBoolean(text);
        }
        if (text.matches("-?[0-9]+")) {
            return Long.parseLong(text);
        }
        if (text.matches("-?[0-9]*\\.[0-9]+([eE]-?[0-9]+)?")) {
            return Double.parseDouble(text);
        }
        return text;
    }

    long duration(SpecNode node, long fallback) {
        String text = scalar(node);
        if (text != null) {
            Matcher m = DURATION.matcher(text.trim());
            if (m.matches()) {
                long v = Long.parseLong(m.group(1));
                long ms = switch (m.group(2) == null ? "ms" : m.group(2)) {
                    case "s" -> v * 1000;
                    case "m" -> v * 60_000;
                    default -> v;
                };
                if (ms > 0) {
                    return ms;
                }
            }
            problem(node, "is '" + text + "'; write a positive duration such as 500ms, 5s or 2m");
        }
        return fallback;
    }

    int integer(SpecNode node, int min, int max) {
        String text = scalar(node);
        if (text != null) {
            try {
                int v = Integer.parseInt(text.trim());
                if (v >= min && v <= max) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            problem(node, "is '" + text + "'; write a whole number from " + min + " to " + max);
        }
        return min;
    }

    boolean bool(SpecNode node) {
        String text = scalar(node);
        if ("true".equals(text) || "false".equals(text)) {
            return Boolean.parseBoolean(text);
        }
        if (text != null) {
            problem(node, "is '" + text + "'; write true or false");
        }
        return false;
    }
}
