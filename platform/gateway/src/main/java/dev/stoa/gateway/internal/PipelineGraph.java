package dev.stoa.gateway.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.runtime.PipelineDirectory;
import dev.stoa.api.runtime.PipelineInfo;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * {@code GET /v1/pipelines/{name}}: one pipeline as a console draws it: its state and every error split into file,
 * line and message, the YAML source (and that of the stage files it includes), and its stages with the edges their
 * references make ({@code $stage.field}, and {@code {{stage.field}}} in templates): a stage that reads another has an
 * edge from it, {@code input} stands for the request and {@code output} for what the pipeline answers.
 *
 * <p>The graph is read from the file on disk with SnakeYAML's node API (the pipeline engine's own parser is internal
 * to its bundle), so it shows what the file says now, also while the file is invalid and its last valid version
 * serves. It names stages and references only; the engine's validator decides whether they are right.
 */
final class PipelineGraph {

    /** Larger files are not answered: no pipeline file is near it, and the answer must stay small. */
    static final long MAX_SOURCE_BYTES = 1 << 20;

    private static final Set<String> KNOWN_KINDS = Set.of("call", "template", "map", "merge", "top");
    /** Fields of a stage that are settings, not its kind (PipelineParser's common and calling fields). */
    private static final Set<String> SETTINGS =
            Set.of("description", "when", "timeout", "retries", "maxInFlight", "optional", "with", "input", "by");

    private static final Pattern REF = Pattern.compile("\\$([A-Za-z][A-Za-z0-9_-]*)");
    private static final Pattern TEMPLATE_REF = Pattern.compile("\\{\\{\\s*([A-Za-z][A-Za-z0-9_-]*)");
    private static final Pattern PROBLEM = Pattern.compile("^([^:\\s]+)(?::(\\d+))?: (.*)$", Pattern.DOTALL);

    private final Vertx vertx;
    private final Supplier<PipelineDirectory> pipelines;
    private final Path etc;

    /**
     * @param etc the folder pipeline files are relative to ({@code <stoa.home>/etc})
     */
    PipelineGraph(Vertx vertx, Supplier<PipelineDirectory> pipelines, Path etc) {
        this.vertx = vertx;
        this.pipelines = pipelines;
        this.etc = etc;
    }

    void handle(RoutingContext rc) {
        String name = rc.pathParam("name");
        PipelineDirectory d = pipelines.get();
        PipelineInfo info = d == null
                ? null
                : d.pipelines().stream()
                        .filter(p -> p.name().equals(name))
                        .findFirst()
                        .orElse(null);
        if (info == null) {
            HttpGateway.error(
                    rc,
                    FailureCode.UNKNOWN_SERVICE,
                    "no pipeline '" + name + "'"
                            + (d == null
                                    ? "; the pipeline bundle (dev.stoa.pipeline) is not running"
                                    : "; GET /v1/pipelines lists them"));
            return;
        }
        vertx.executeBlocking(() -> describe(info, etc), false).onComplete(ar -> {
            if (ar.succeeded()) {
                HttpGateway.json(rc, 200, ar.result());
            } else {
                HttpGateway.error(rc, FailureCode.INTERNAL, "cannot describe pipeline '" + name + "': " + ar.cause());
            }
        });
    }

    /** @return the JSON of a pipeline, as {@code GET /v1/pipelines} lists it */
    static JsonObject summary(PipelineInfo i) {
        return new JsonObject()
                .put("name", i.name())
                .put("file", i.file())
                .put("state", i.state())
                .put("address", "stoa.pipeline." + i.name())
                .put("errors", new JsonArray(i.errors()))
                .put("missingServices", new JsonArray(i.missingServices()))
                .put("problems", problems(i.errors()));
    }

    /** @return each error split into {@code file}, {@code line} (0 for the whole file) and {@code message} */
    static JsonArray problems(List<String> errors) {
        JsonArray out = new JsonArray();
        for (String e : errors) {
            Matcher m = PROBLEM.matcher(e);
            if (m.matches()) {
                out.add(new JsonObject()
                        .put("file", m.group(1))
                        .put("line", m.group(2) == null ? 0 : Integer.parseInt(m.group(2)))
                        .put("message", m.group(3)));
            } else {
                out.add(new JsonObject().putNull("file").put("line", 0).put("message", e));
            }
        }
        return out;
    }

    /**
     * @param info the pipeline
     * @param etc the folder its file is relative to
     * @return the answer of {@code GET /v1/pipelines/{name}}
     */
    static JsonObject describe(PipelineInfo info, Path etc) {
        JsonObject out = summary(info);
        String source;
        try {
            source = read(etc, info.file());
        } catch (IOException | RuntimeException e) {
            return out.putNull("description")
                    .putNull("source")
                    .put("sourceError", "cannot read " + info.file() + ": " + e.getMessage())
                    .put("includes", new JsonArray())
                    .put("stages", new JsonArray())
                    .put("edges", new JsonArray())
                    .putNull("output");
        }
        out.put("source", source);
        String folder =
                info.file().contains("/") ? info.file().substring(0, info.file().lastIndexOf('/') + 1) : "";
        Map<String, JsonObject> stages = new LinkedHashMap<>();
        Map<String, Node> bodies = new LinkedHashMap<>();
        JsonArray includes = new JsonArray();
        MappingNode top = mapping(compose(source));
        String description = null;
        Node output = null;
        String lastStage = null;
        if (top != null) {
            description = scalar(value(top, "description"));
            output = value(top, "output");
            collect(top, info.file(), folder, etc, stages, bodies, includes, new LinkedHashSet<>(Set.of(info.file())));
            MappingNode own = mapping(value(top, "stages"));
            if (own != null && !own.getValue().isEmpty()) {
                lastStage = scalar(own.getValue().get(own.getValue().size() - 1).getKeyNode());
            }
        }
        JsonArray edges = new JsonArray();
        for (Map.Entry<String, JsonObject> s : stages.entrySet()) {
            List<String> refs = refs(bodies.get(s.getKey()), stages.keySet());
            s.getValue().put("refs", new JsonArray(refs));
            refs.forEach(r -> edges.add(new JsonObject().put("from", r).put("to", s.getKey())));
        }
        List<String> outputRefs =
                output == null ? (lastStage == null ? List.of() : List.of(lastStage)) : refs(output, stages.keySet());
        outputRefs.forEach(r -> edges.add(new JsonObject().put("from", r).put("to", "output")));
        return out.put("description", description)
                .put("includes", includes)
                .put("stages", new JsonArray(new ArrayList<>(stages.values())))
                .put("edges", edges)
                .put("output", outputRefs.size() == 1 ? outputRefs.get(0) : null);
    }

    /** Adds the stages of a file (its includes' first, as the engine reads them) in file order. */
    private static void collect(
            MappingNode top,
            String file,
            String folder,
            Path etc,
            Map<String, JsonObject> stages,
            Map<String, Node> bodies,
            JsonArray includes,
            Set<String> seen) {
        Node include = value(top, "include");
        List<Node> names =
                include instanceof SequenceNode seq ? seq.getValue() : include == null ? List.of() : List.of(include);
        for (Node n : names) {
            String name = scalar(n);
            if (name == null || name.contains("..") || name.startsWith("/") || !seen.add(folder + name)) {
                continue; // the engine reports a bad or repeated include; the graph shows what it can
            }
            JsonObject entry = new JsonObject().put("file", folder + name);
            includes.add(entry);
            try {
                String text = read(etc, folder + name);
                entry.put("source", text);
                MappingNode included = mapping(compose(text));
                if (included != null) {
                    collect(included, folder + name, folder, etc, stages, bodies, includes, seen);
                }
            } catch (IOException | RuntimeException e) {
                entry.putNull("source").put("sourceError", "cannot read " + folder + name + ": " + e.getMessage());
            }
        }
        MappingNode own = mapping(value(top, "stages"));
        if (own == null) {
            return;
        }
        for (NodeTuple t : own.getValue()) {
            String name = scalar(t.getKeyNode());
            if (name == null) {
                continue;
            }
            JsonObject stage = new JsonObject()
                    .put("name", name)
                    .put("kind", kind(t.getValueNode()))
                    .put("file", file)
                    .put("line", t.getKeyNode().getStartMark().getLine() + 1);
            String call = scalar(value(mapping(t.getValueNode()), "call"));
            if (call != null) {
                stage.put("call", call);
            }
            stage.put("optional", "true".equals(scalar(value(mapping(t.getValueNode()), "optional"))));
            stages.put(name, stage);
            bodies.put(name, t.getValueNode());
        }
    }

    private static String kind(Node body) {
        MappingNode m = mapping(body);
        if (m == null) {
            return null;
        }
        String other = null;
        for (NodeTuple t : m.getValue()) {
            String key = scalar(t.getKeyNode());
            if (KNOWN_KINDS.contains(key)) {
                return key;
            }
            if (other == null && key != null && !SETTINGS.contains(key)) {
                other = key;
            }
        }
        return other;
    }

    /** @return the stages (and {@code input}) a node refers to, in order of first mention */
    static List<String> refs(Node node, Set<String> stages) {
        Set<String> out = new LinkedHashSet<>();
        walk(node, text -> {
            for (Pattern p : new Pattern[] {REF, TEMPLATE_REF}) {
                Matcher m = p.matcher(text);
                while (m.find()) {
                    String name = m.group(1);
                    if (name.equals("input") || stages.contains(name)) {
                        out.add(name);
                    }
                }
            }
        });
        return new ArrayList<>(out);
    }

    private static void walk(Node node, java.util.function.Consumer<String> scalars) {
        if (node instanceof ScalarNode s) {
            scalars.accept(s.getValue());
        } else if (node instanceof SequenceNode seq) {
            seq.getValue().forEach(n -> walk(n, scalars));
        } else if (node instanceof MappingNode m) {
            m.getValue().forEach(t -> walk(t.getValueNode(), scalars));
        }
    }

    private static String read(Path etc, String file) throws IOException {
        Path base = etc.toAbsolutePath().normalize();
        Path path = base.resolve(file).normalize();
        if (!path.startsWith(base)) {
            throw new IOException("it lies outside " + base);
        }
        try (InputStream in = Files.newInputStream(path)) {
            byte[] bytes = in.readNBytes((int) MAX_SOURCE_BYTES + 1);
            if (bytes.length > MAX_SOURCE_BYTES) {
                throw new IOException("it is larger than " + MAX_SOURCE_BYTES + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private static Node compose(String text) {
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(true);
            return new Yaml(new SafeConstructor(options)).compose(new StringReader(text));
        } catch (RuntimeException e) {
            return null; // YAML that does not parse: the engine's error names its line
        }
    }

    private static MappingNode mapping(Node n) {
        return n instanceof MappingNode m ? m : null;
    }

    private static Node value(MappingNode m, String key) {
        if (m == null) {
            return null;
        }
        for (NodeTuple t : m.getValue()) {
            if (key.equals(scalar(t.getKeyNode()))) {
                return t.getValueNode();
            }
        }
        return null;
    }

    private static String scalar(Node n) {
        return n instanceof ScalarNode s ? s.getValue() : null;
    }
}
