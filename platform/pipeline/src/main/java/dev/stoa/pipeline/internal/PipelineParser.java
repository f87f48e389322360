package dev.stoa.pipeline.internal;

import dev.stoa.api.pipeline.Ref;
import dev.stoa.api.pipeline.ServiceStage;
import dev.stoa.api.pipeline.SpecNode;
import dev.stoa.api.pipeline.Stage;
import dev.stoa.api.pipeline.StageKind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Reads a pipeline file, and the stage files it includes, into a {@link PipelineDefinition}, collecting every
 * problem it finds (not just the first), each with its file, line and field. Each stage's own fields are read by its
 * kind ({@link StageKind}); the fields every stage shares are read here. Whether the services exist and the types fit
 * is checked afterwards by {@link PipelineValidator}, against the services running at that moment.
 */
final class PipelineParser {

    /** The suffix of a file of shared stages: included by pipelines, never loaded as one. */
    static final String STAGE_FILE_SUFFIX = ".stages.yaml";

    private static final Set<String> TOP_FIELDS = Set.of("description", "input", "include", "stages", "output");
    private static final Set<String> STAGE_FILE_FIELDS = Set.of("description", "include", "stages");
    private static final Set<String> EVERY_STAGE = Set.of("description", "when");
    private static final Set<String> CALLING_STAGE = Set.of("timeout", "retries", "maxInFlight", "optional");

    private final String folder;
    private final long defaultTimeoutMs;
    private final int defaultMaxInFlight;
    private final StageKinds kinds;
    private final Function<String, String> includes;
    private final List<PipelineError> errors = new ArrayList<>();
    private final SpecReader reader = new SpecReader(errors);
    private final Map<String, StageEntry> stages = new LinkedHashMap<>();
    private final Set<String> included = new LinkedHashSet<>();

    /** What parsing produced: a definition when there were no errors. */
    record Result(PipelineDefinition definition, List<PipelineError> errors) {}

    /** The settings a parse needs besides the text. */
    record Settings(
            long defaultTimeoutMs, int defaultMaxInFlight, StageKinds kinds, Function<String, String> includes) {}

    private PipelineParser(String file, Settings settings) {
        this.folder = file.contains("/") ? file.substring(0, file.lastIndexOf('/') + 1) : "";
        this.defaultTimeoutMs = settings.defaultTimeoutMs();
        this.defaultMaxInFlight = settings.defaultMaxInFlight();
        this.kinds = settings.kinds();
        this.includes = settings.includes();
    }

    /**
     * @param file the file, relative to etc/ (for messages), e.g. {@code pipelines/caption.yaml}
     * @param name the pipeline's name
     * @param text the file's content
     * @param settings defaults, the stage kinds, and how to read an included file by its name in the folder
     *     ({@code null} when it does not exist)
     */
    static Result parse(String file, String name, String text, Settings settings) {
        return new PipelineParser(file, settings).parse(name, file, text);
    }

    /** Parses with the built-in kinds and no included files: for tests and the benchmarks. */
    static Result parse(String file, String name, String text, long defaultTimeoutMs, int defaultMaxInFlight) {
        return parse(
                file, name, text, new Settings(defaultTimeoutMs, defaultMaxInFlight, StageKinds.builtIn(), n -> null));
    }

    private Result parse(String name, String file, String text) {
        SpecNode root = YamlNodes.read(file, text, errors);
        if (root == null) {
            return result(null);
        }
        if (!(root instanceof SpecNode.Mapping top)) {
            errors.add(new PipelineError(file, 1, "", "must be a mapping with 'stages:' (and 'input:', 'output:')"));
            return result(null);
        }
        Map<String, SpecNode> fields = fields(top, TOP_FIELDS);
        InputSchema input = fields.containsKey("input") ? input(fields.get("input")) : InputSchema.ANY;
        if (fields.containsKey("include")) {
            include(fields.get("include"), new ArrayList<>(List.of(file)));
        }
        SpecNode stagesNode = fields.get("stages");
        if (stagesNode == null && stages.isEmpty()) {
            errors.add(new PipelineError(
                    file, top.line(), "stages", "is missing; add 'stages:' with at least one" + " stage"));
        } else if (stagesNode != null) {
            stages(stagesNode);
        }
        Ref output = null;
        if (fields.containsKey("output")) {
            output = reader.ref(fields.get("output"));
        } else if (!stages.isEmpty()) {
            output = new Ref(List.copyOf(stages.keySet()).get(stages.size() - 1), List.of());
        }
        return result(new PipelineDefinition(
                name,
                file,
                input,
                Collections.unmodifiableMap(new LinkedHashMap<>(stages)),
                output,
                Set.copyOf(included)));
    }

    private Result result(PipelineDefinition definition) {
        // report in reading order per file: the file's own problems first, then each included file's
        Map<String, Integer> fileOrder = new HashMap<>();
        errors.forEach(e -> fileOrder.putIfAbsent(e.file(), fileOrder.size()));
        List<PipelineError> sorted = new ArrayList<>(errors);
        sorted.sort(Comparator.comparing((PipelineError e) -> fileOrder.get(e.file()))
                .thenComparingInt(PipelineError::line));
        return new Result(sorted.isEmpty() ? definition : null, List.copyOf(sorted));
    }

    private InputSchema input(SpecNode node) {
        if (node instanceof SpecNode.Mapping m) {
            Map<String, InputSchema.Field> declared = new LinkedHashMap<>();
            m.entries().forEach((field, typeNode) -> {
                String type = reader.scalar(typeNode);
                if (type == null) {
                    return;
                }
                boolean optional = type.endsWith("?");
                String bare = optional ? type.substring(0, type.length() - 1).trim() : type.trim();
                if (!InputSchema.FIELD_TYPES.contains(bare)) {
                    String near = Suggestions.closest(bare, InputSchema.FIELD_TYPES);
                    reader.problem(
                            typeNode,
                            "is '" + type + "'; use one of " + InputSchema.FIELD_TYPES
                                    + (near == null ? "" : " (did you mean '" + near + "'?)")
                                    + ", with '?' for an optional"
                                    + " field");
                    return;
                }
                declared.put(field, new InputSchema.Field(bare, optional));
            });
            return new InputSchema("JsonObject", declared);
        }
        String type = reader.scalar(node);
        if (type != null && !InputSchema.TYPES.containsKey(type)) {
            reader.problem(
                    node,
                    "is '" + type + "'; use one of " + new TreeSet<>(InputSchema.TYPES.keySet())
                            + ", or list the request's fields, e.g. '{image: Image, question: String}'");
            return InputSchema.ANY;
        }
        return type == null ? InputSchema.ANY : new InputSchema(type, null);
    }

    /** Reads the stage files {@code node} names, depth first; {@code chain} is the path of includes to here. */
    private void include(SpecNode node, List<String> chain) {
        List<SpecNode> names = node instanceof SpecNode.Sequence seq ? seq.items() : List.of(node);
        for (SpecNode n : names) {
            String name = reader.scalar(n);
            if (name == null) {
                continue;
            }
            if (!name.endsWith(STAGE_FILE_SUFFIX) || name.contains("..") || name.startsWith("/")) {
                reader.problem(
                        n,
                        "is '" + name + "'; include a file of shared stages in this folder, whose name ends" + " in "
                                + STAGE_FILE_SUFFIX + " (so it is not loaded as a pipeline itself)");
                continue;
            }
            String file = folder + name;
            if (chain.contains(file)) {
                List<String> cycle = new ArrayList<>(chain.subList(chain.indexOf(file), chain.size()));
                cycle.add(file);
                reader.problem(
                        n,
                        "includes '" + name + "', which is a cycle: " + String.join(" -> ", cycle)
                                + "; remove one of these includes");
                continue;
            }
            if (included.contains(file)) {
                continue; // included twice through different files: its stages are already here
            }
            String text = includes.apply(name);
            if (text == null) {
                reader.problem(
                        n,
                        "names '" + name + "', which is not in " + (folder.isEmpty() ? "the folder" : folder)
                                + "; create it or fix the name");
                continue;
            }
            included.add(file);
            SpecNode root = YamlNodes.read(file, text, errors);
            if (root == null) {
                continue;
            }
            if (!(root instanceof SpecNode.Mapping top)) {
                errors.add(new PipelineError(file, 1, "", "must be a mapping with 'stages:'"));
                continue;
            }
            Map<String, SpecNode> fields = fields(top, STAGE_FILE_FIELDS);
            List<String> deeper = new ArrayList<>(chain);
            deeper.add(file);
            if (fields.containsKey("include")) {
                include(fields.get("include"), deeper);
            }
            if (fields.containsKey("stages")) {
                stages(fields.get("stages"));
            } else {
                errors.add(new PipelineError(file, top.line(), "stages", "is missing; a stage file holds 'stages:'"));
            }
        }
    }

    private void stages(SpecNode node) {
        if (!(node instanceof SpecNode.Mapping map) || map.entries().isEmpty()) {
            reader.problem(node, "must map stage names to stages, e.g. 'caption: {call: captioner}'");
            return;
        }
        map.entries().forEach((id, body) -> {
            if (!id.matches("[A-Za-z][A-Za-z0-9_-]*") || id.equals(Ref.INPUT)) {
                reader.problem(
                        body,
                        "is not a usable stage name; start with a letter, use letters, digits, '_' or"
                                + " '-', and do not use 'input'");
                return;
            }
            StageEntry first = stages.get(id);
            if (first != null) {
                reader.problem(
                        body,
                        "is defined twice (first "
                                + (first.file().equals(body.file()) ? "" : "in " + first.file() + " ") + "on line "
                                + first.line() + "); give each stage its own name");
                return;
            }
            StageEntry stage = stage(id, body);
            if (stage != null) {
                stages.put(id, stage);
            }
        });
    }

    private StageEntry stage(String id, SpecNode node) {
        if (!(node instanceof SpecNode.Mapping map)) {
            reader.problem(node, "must be a mapping with one of " + kinds.names());
            return null;
        }
        Set<String> present = new TreeSet<>(map.entries().keySet());
        present.retainAll(kinds.names());
        if (present.size() != 1) {
            reader.problem(
                    node,
                    present.isEmpty()
                            ? "says nothing to do; add one of " + kinds.names() + unknownKindHint(map)
                            : "has " + present + "; a stage does one thing: keep one and split the rest");
            return null;
        }
        String kindName = present.iterator().next();
        StageKind kind = kinds.get(kindName);
        Set<String> allowed = new TreeSet<>(EVERY_STAGE);
        allowed.addAll(CALLING_STAGE);
        allowed.addAll(kind.fields());
        allowed.add(kindName);
        Map<String, SpecNode> fields = stageFields(map, kindName, allowed);
        Condition when = null;
        if (fields.containsKey("when")) {
            String text = reader.scalar(fields.get("when"));
            when = text == null ? null : Condition.parse(text);
            if (text != null && when == null) {
                reader.problem(
                        fields.get("when"),
                        "is '" + text + "'; write '$stage.field' or '$stage.field > 0.5'"
                                + " (== != > >= < <= with a number, a quoted string, true or false)");
            }
        }
        long timeout = fields.containsKey("timeout")
                ? reader.duration(fields.get("timeout"), defaultTimeoutMs)
                : defaultTimeoutMs;
        int retries = fields.containsKey("retries") ? reader.integer(fields.get("retries"), 0, 10) : 0;
        int maxInFlight = fields.containsKey("maxInFlight")
                ? reader.integer(fields.get("maxInFlight"), 1, 100_000)
                : defaultMaxInFlight;
        boolean optional = fields.containsKey("optional") && reader.bool(fields.get("optional"));
        Stage stage;
        try {
            stage = kind.parse(new StageSource(id, fields.get(kindName), fields, reader));
        } catch (RuntimeException e) {
            reader.problem(
                    node,
                    "could not be read by the '" + kindName + "' stage kind (" + e + "); report this to"
                            + " the bundle that provides it");
            return null;
        }
        if (stage == null) {
            return null;
        }
        CallSettings calls = null;
        if (stage instanceof ServiceStage) {
            calls = new CallSettings(timeout, retries, maxInFlight, optional);
        } else {
            for (String f : CALLING_STAGE) {
                if (fields.containsKey(f)) {
                    reader.problem(
                            fields.get(f),
                            "applies only to stages that call a service; a '" + kindName
                                    + "' stage calls none: remove it");
                }
            }
        }
        return new StageEntry(id, node.file(), node.line(), kindName, stage, when, calls);
    }

    private String unknownKindHint(SpecNode.Mapping map) {
        for (String key : map.entries().keySet()) {
            String near = Suggestions.closest(key, kinds.names());
            if (near != null && !EVERY_STAGE.contains(key) && !CALLING_STAGE.contains(key)) {
                return "; did you mean '" + near + "' for '" + key + "'?";
            }
        }
        return " (a bundle may add more kinds)";
    }

    /** A stage's fields, each unknown one reported with the closest known name, or the kinds that take it. */
    private Map<String, SpecNode> stageFields(SpecNode.Mapping map, String kindName, Set<String> allowed) {
        Map<String, SpecNode> out = new LinkedHashMap<>();
        Map<String, Set<String>> owners = kinds.fieldOwners();
        map.entries().forEach((key, value) -> {
            if (allowed.contains(key)) {
                out.put(key, value);
            } else if (owners.containsKey(key)) {
                reader.problem(
                        value,
                        "only "
                                + String.join(
                                        ", ",
                                        owners.get(key).stream()
                                                .map(k -> "'" + k + "'")
                                                .toList()) + " stages take '" + key + "'; a '" + kindName
                                + "' stage does not: remove it");
            } else {
                unknown(value, key, allowed);
            }
        });
        return out;
    }

    private Map<String, SpecNode> fields(SpecNode.Mapping map, Set<String> allowed) {
        Map<String, SpecNode> out = new LinkedHashMap<>();
        map.entries().forEach((key, value) -> {
            if (allowed.contains(key)) {
                out.put(key, value);
            } else {
                unknown(value, key, allowed);
            }
        });
        return out;
    }

    private void unknown(SpecNode at, String key, Set<String> allowed) {
        String near = Suggestions.closest(key, allowed);
        reader.problem(
                at,
                "is not a known field" + (near == null ? "" : "; did you mean '" + near + "'?") + " (known: "
                        + new TreeSet<>(allowed) + ")");
    }
}
