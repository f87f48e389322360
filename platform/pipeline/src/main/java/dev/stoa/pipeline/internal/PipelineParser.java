package dev.stoa.pipeline.internal;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a pipeline file into a {@link PipelineDefinition}, collecting every problem it finds (not just the first),
 * each with its line and field. Whether the services exist and the types fit is checked afterwards by
 * {@link PipelineValidator}, against the services running at that moment.
 */
final class PipelineParser {

    static final Set<String> INPUT_TYPES = new TreeSet<>(
            Set.of("Text", "Image", "Audio", "Embedding", "Tokens", "Mask", "JsonObject"));
    private static final Set<String> TOP_FIELDS = Set.of("description", "input", "stages", "output");
    private static final Set<String> STAGE_FIELDS = Set.of("description", "call", "map", "template", "merge", "top",
            "by", "input", "when", "timeout", "retries", "maxInFlight", "with", "optional");
    private static final Set<String> KIND_FIELDS = Set.of("call", "map", "template", "merge", "top");

    private final String file;
    private final long defaultTimeoutMs;
    private final int defaultMaxInFlight;
    private final List<PipelineError> errors = new ArrayList<>();

    /** What parsing produced: a definition when there were no errors. */
    record Result(PipelineDefinition definition, List<PipelineError> errors) {
    }

    private PipelineParser(String file, long defaultTimeoutMs, int defaultMaxInFlight) {
        this.file = file;
        this.defaultTimeoutMs = defaultTimeoutMs;
        this.defaultMaxInFlight = defaultMaxInFlight;
    }

    /**
     * @param file the file, relative to etc/ (for messages)
     * @param name the pipeline's name
     * @param text the file's content
     * @param defaultTimeoutMs a stage's timeout when it sets none
     * @param defaultMaxInFlight a stage's bound on concurrent calls when it sets none
     */
    static Result parse(String file, String name, String text, long defaultTimeoutMs, int defaultMaxInFlight) {
        return new PipelineParser(file, defaultTimeoutMs, defaultMaxInFlight).parse(name, text);
    }

    private Result parse(String name, String text) {
        Node root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            root = new Yaml(options).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            errors.add(new PipelineError(file, line, "", "is not valid YAML: " + e.getProblem()
                    + "; check the indentation and quoting near this line"));
            return new Result(null, errors);
        } catch (YAMLException e) {
            errors.add(new PipelineError(file, 0, "", "is not valid YAML: " + e.getMessage()));
            return new Result(null, errors);
        }
        if (!(root instanceof MappingNode top)) {
            errors.add(new PipelineError(file, 1, "", "must be a mapping with 'stages:' (and 'input:', 'output:')"));
            return new Result(null, errors);
        }
        Map<String, Node> fields = fields(top, "", TOP_FIELDS);
        String inputType = "JsonObject";
        if (fields.containsKey("input")) {
            inputType = scalar(fields.get("input"), "input");
            if (inputType != null && !INPUT_TYPES.contains(inputType)) {
                error(fields.get("input"), "input", "is '" + inputType + "'; use one of " + INPUT_TYPES);
            }
        }
        Map<String, Stage> stages = new LinkedHashMap<>();
        Node stagesNode = fields.get("stages");
        if (stagesNode == null) {
            errors.add(new PipelineError(file, line(top), "stages", "is missing; add 'stages:' with at least one stage"));
        } else if (!(stagesNode instanceof MappingNode stageMap) || stageMap.getValue().isEmpty()) {
            error(stagesNode, "stages", "must map stage names to stages, e.g. 'caption: {call: captioner}'");
        } else {
            for (NodeTuple t : stageMap.getValue()) {
                String id = scalar(t.getKeyNode(), "stages");
                if (id == null) {
                    continue;
                }
                if (!id.matches("[A-Za-z][A-Za-z0-9_-]*") || id.equals(Ref.INPUT)) {
                    error(t.getKeyNode(), "stages." + id, "is not a usable stage name; start with a letter, use"
                            + " letters, digits, '_' or '-', and do not use 'input'");
                    continue;
                }
                if (stages.containsKey(id)) {
                    error(t.getKeyNode(), "stages." + id, "is defined twice (first on line " + stages.get(id).line()
                            + "); give each stage its own name");
                    continue;
                }
                Stage stage = stage(id, line(t.getKeyNode()), t.getValueNode());
                if (stage != null) {
                    stages.put(id, stage);
                }
            }
        }
        Ref output = null;
        if (fields.containsKey("output")) {
            output = ref(fields.get("output"), "output");
        } else if (!stages.isEmpty()) {
            output = new Ref(List.copyOf(stages.keySet()).get(stages.size() - 1), List.of());
        }
        if (!errors.isEmpty()) {
            return new Result(null, errors);
        }
        return new Result(new PipelineDefinition(name, file, inputType, stages, output), errors);
    }

    private Stage stage(String id, int line, Node node) {
        String at = "stages." + id;
        if (!(node instanceof MappingNode map)) {
            error(node, at, "must be a mapping with one of " + KIND_FIELDS);
            return null;
        }
        Map<String, Node> f = fields(map, at, STAGE_FIELDS);
        Set<String> kinds = new HashSet<>(f.keySet());
        kinds.retainAll(KIND_FIELDS);
        if (kinds.size() != 1) {
            error(node, at, kinds.isEmpty() ? "says nothing to do; add one of " + new TreeSet<>(KIND_FIELDS)
                    : "has " + new TreeSet<>(kinds) + "; a stage does one thing: keep one and split the rest");
            return null;
        }
        Stage.Kind kind = Stage.Kind.valueOf(kinds.iterator().next().toUpperCase(java.util.Locale.ROOT));
        String service = null;
        Template template = null;
        List<Ref> merge = null;
        Ref input = null;
        int top = 0;
        String by = null;
        switch (kind) {
            case CALL, MAP -> {
                service = scalar(f.get(kind.name().toLowerCase(java.util.Locale.ROOT)), at + "." + kind.name()
                        .toLowerCase(java.util.Locale.ROOT));
                input = f.containsKey("input") ? ref(f.get("input"), at + ".input") : new Ref(Ref.INPUT, List.of());
                if (kind == Stage.Kind.MAP && !f.containsKey("input")) {
                    error(node, at + ".input", "is missing; 'map' needs the list to go over, e.g. 'input: $tags.labels'");
                }
            }
            case TEMPLATE -> {
                String text = scalar(f.get("template"), at + ".template");
                template = text == null ? null : Template.parse(text);
            }
            case MERGE -> {
                Node m = f.get("merge");
                if (m instanceof SequenceNode seq && !seq.getValue().isEmpty()) {
                    merge = new ArrayList<>();
                    for (Node item : seq.getValue()) {
                        Ref r = ref(item, at + ".merge");
                        if (r != null) {
                            merge.add(r);
                        }
                    }
                } else {
                    error(m, at + ".merge", "must list what to join, e.g. '[$tags, $caption]'");
                }
            }
            case TOP -> {
                top = integer(f.get("top"), at + ".top", 1, 10_000);
                if (f.containsKey("input")) {
                    input = ref(f.get("input"), at + ".input");
                } else {
                    error(node, at + ".input", "is missing; 'top' needs the list to rank, e.g. 'input: $scores.items'");
                }
                by = f.containsKey("by") ? scalar(f.get("by"), at + ".by") : null;
            }
            default -> throw new IllegalStateException(kind.name());
        }
        if (kind == Stage.Kind.TEMPLATE || kind == Stage.Kind.MERGE) {
            if (f.containsKey("input")) {
                error(f.get("input"), at + ".input", "only 'call', 'map' and 'top' stages take an input; remove it");
            }
        }
        if (kind != Stage.Kind.TOP && f.containsKey("by")) {
            error(f.get("by"), at + ".by", "only a 'top' stage ranks by a field; remove it");
        }
        Condition when = null;
        if (f.containsKey("when")) {
            String text = scalar(f.get("when"), at + ".when");
            when = text == null ? null : Condition.parse(text);
            if (text != null && when == null) {
                error(f.get("when"), at + ".when", "is '" + text + "'; write '$stage.field' or"
                        + " '$stage.field > 0.5' (== != > >= < <= with a number, a quoted string, true or false)");
            }
        }
        long timeout = f.containsKey("timeout") ? duration(f.get("timeout"), at + ".timeout") : defaultTimeoutMs;
        int retries = f.containsKey("retries") ? integer(f.get("retries"), at + ".retries", 0, 10) : 0;
        int maxInFlight = f.containsKey("maxInFlight") ? integer(f.get("maxInFlight"), at + ".maxInFlight", 1, 100_000)
                : defaultMaxInFlight;
        java.util.Map<String, Object> with = new LinkedHashMap<>();
        if (f.containsKey("with")) {
            if (kind != Stage.Kind.CALL) {
                error(f.get("with"), at + ".with", "only a 'call' stage adds fields to what it sends; remove it");
            } else if (f.get("with") instanceof MappingNode wm) {
                for (NodeTuple t : wm.getValue()) {
                    String key = scalar(t.getKeyNode(), at + ".with");
                    Object value = literal(t.getValueNode(), at + ".with." + key);
                    if (key != null && value != null) {
                        with.put(key, value);
                    }
                }
            } else {
                error(f.get("with"), at + ".with", "must map field names to values, e.g."
                        + " '{prompt: $describe.text, max_tokens: 8}'");
            }
        }
        if (kind == Stage.Kind.CALL && !with.isEmpty() && !f.containsKey("input")) {
            input = null; // 'with' alone is the request
        }
        boolean optional = false;
        if (f.containsKey("optional")) {
            String text = scalar(f.get("optional"), at + ".optional");
            if ("true".equals(text) || "false".equals(text)) {
                optional = Boolean.parseBoolean(text);
            } else if (text != null) {
                error(f.get("optional"), at + ".optional", "is '" + text + "'; write true or false");
            }
            if (optional && kind != Stage.Kind.CALL && kind != Stage.Kind.MAP) {
                error(f.get("optional"), at + ".optional", "only 'call' and 'map' stages call a service that may be"
                        + " absent; remove it");
            }
        }
        return new Stage(id, line, kind, service, input, template, merge, top, by, when, timeout, retries,
                maxInFlight, java.util.Collections.unmodifiableMap(with), optional);
    }

    private Map<String, Node> fields(MappingNode map, String at, Set<String> allowed) {
        Map<String, Node> out = new LinkedHashMap<>();
        for (NodeTuple t : map.getValue()) {
            String key = scalar(t.getKeyNode(), at);
            if (key == null) {
                continue;
            }
            String path = at.isEmpty() ? key : at + "." + key;
            if (out.containsKey(key)) {
                error(t.getKeyNode(), path, "is set twice; keep one");
                continue;
            }
            if (!allowed.contains(key)) {
                String near = Suggestions.closest(key, allowed);
                error(t.getKeyNode(), path, "is not a known field" + (near == null ? "" : "; did you mean '" + near
                        + "'?") + " (known: " + new TreeSet<>(allowed) + ")");
                continue;
            }
            out.put(key, t.getValueNode());
        }
        return out;
    }

    private Ref ref(Node node, String at) {
        String text = scalar(node, at);
        if (text == null) {
            return null;
        }
        if (!text.matches("\\$[A-Za-z][A-Za-z0-9_-]*(\\.[A-Za-z0-9_-]+)*")) {
            error(node, at, "is '" + text + "'; write a reference: '$input', '$<stage>' or '$<stage>.<field>'");
            return null;
        }
        return Ref.parse(text.substring(1));
    }

    /**
     * A {@code with:} value: {@code $ref} becomes a {@link Ref}; a plain scalar a number, boolean or string (quoted
     * scalars stay strings); a list a list of such values.
     */
    private Object literal(Node node, String at) {
        if (node instanceof SequenceNode seq) {
            List<Object> items = new ArrayList<>();
            for (Node item : seq.getValue()) {
                Object v = literal(item, at);
                if (v != null) {
                    items.add(v);
                }
            }
            return items;
        }
        if (!(node instanceof ScalarNode sn)) {
            error(node, at, "must be a value or a list of values, not a mapping");
            return null;
        }
        String text = sn.getValue();
        if (sn.getScalarStyle() != org.yaml.snakeyaml.DumperOptions.ScalarStyle.PLAIN) {
            return text;
        }
        if (text.startsWith("$")) {
            return ref(node, at);
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

    private long duration(Node node, String at) {
        String text = scalar(node, at);
        if (text != null) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)\\s*(ms|s|m)?").matcher(text.trim());
            if (m.matches()) {
                long v = Long.parseLong(m.group(1));
                String unit = m.group(2) == null ? "ms" : m.group(2);
                long ms = switch (unit) {
                    case "s" -> v * 1000;
                    case "m" -> v * 60_000;
                    default -> v;
                };
                if (ms > 0) {
                    return ms;
                }
            }
            error(node, at, "is '" + text + "'; write a positive duration such as 500ms, 5s or 2m");
        }
        return defaultTimeoutMs;
    }

    private int integer(Node node, String at, int min, int max) {
        String text = scalar(node, at);
        if (text != null) {
            try {
                int v = Integer.parseInt(text.trim());
                if (v >= min && v <= max) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            error(node, at, "is '" + text + "'; write a whole number from " + min + " to " + max);
        }
        return min;
    }

    private String scalar(Node node, String at) {
        if (node instanceof ScalarNode s) {
            return s.getValue();
        }
        error(node, at, "must be a single value, not a " + (node instanceof MappingNode ? "mapping" : "list"));
        return null;
    }

    private void error(Node node, String field, String message) {
        errors.add(new PipelineError(file, node == null ? 0 : line(node), field, message));
    }

    private static int line(Node node) {
        return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }
}
