package dev.stoa.pipeline.internal;

import dev.stoa.api.runtime.ExportedService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Checks a parsed pipeline against itself and the services running now: references point at the input or a stage,
 * no cycle, every template variable exists, each call's input type is what its service accepts. A service that is
 * not installed is not an error in the file: the pipeline waits for it.
 */
final class PipelineValidator {

    /**
     * The JSON fields of each record type (from dev.stoa.vertx.Payloads), so a template or condition naming a field
     * the value cannot have is caught before the first request.
     */
    private static final Map<String, Set<String>> FIELDS = Map.of(
            "Text", Set.of("text"),
            "Embedding", Set.of("embedding"),
            "Tokens", Set.of("ids", "attentionMask"),
            "Image", Set.of("image"),
            "Audio", Set.of("samples", "sampleRate", "channels"),
            "Mask", Set.of("width", "height", "bits"),
            "RecognizedText", Set.of("lines", "text"));

    /** The outcome: errors in the file, and services it needs that are not installed. */
    record Result(List<PipelineError> errors, Set<String> missingServices) {
    }

    private PipelineValidator() {
    }

    /**
     * @param p the pipeline
     * @param services finds a running service by id, or answers {@code null}
     */
    static Result validate(PipelineDefinition p, Function<String, ExportedService> services) {
        List<PipelineError> errors = new ArrayList<>();
        Set<String> missing = new TreeSet<>();
        Map<String, String> types = new HashMap<>();
        types.put(Ref.INPUT, p.inputType());
        for (Stage s : p.stages().values()) {
            switch (s.kind()) {
                case CALL, MAP -> {
                    ExportedService svc = services.apply(s.service());
                    if (svc == null || "gone".equals(svc.state())) {
                        if (!s.optional()) {
                            missing.add(s.service());
                        }
                    } else {
                        types.put(s.id(), s.kind() == Stage.Kind.MAP ? "JsonObject" : svc.outputType());
                    }
                }
                case TEMPLATE -> types.put(s.id(), "Text");
                case MERGE, TOP -> types.put(s.id(), "JsonObject");
                default -> throw new IllegalStateException(s.kind().name());
            }
        }
        for (Stage s : p.stages().values()) {
            String at = "stages." + s.id();
            for (Ref r : s.reads()) {
                checkRef(p, s, r, at, types, errors);
            }
            if (s.kind() == Stage.Kind.CALL && s.input() != null && s.input().path().isEmpty()) {
                ExportedService svc = services.apply(s.service());
                String from = types.get(s.input().source());
                if (svc != null && from != null && !compatible(from, svc.inputType())) {
                    errors.add(new PipelineError(p.file(), s.line(), at + ".input", "'$" + s.input() + "' is "
                            + article(from) + " but service '" + s.service() + "' takes " + article(svc.inputType())
                            + "; wire it to a stage that produces " + article(svc.inputType())
                            + " (a template produces Text)"));
                }
            }
            if (s.when() != null && s.when().op() != null && !(s.when().literal() instanceof Double)
                    && !s.when().op().equals("==") && !s.when().op().equals("!=")) {
                errors.add(new PipelineError(p.file(), s.line(), at + ".when", "'" + s.when().op() + "' compares"
                        + " numbers only; use == or != for strings and booleans"));
            }
        }
        if (p.output() == null) {
            errors.add(new PipelineError(p.file(), 0, "output", "is missing; add 'output: $<stage>'"));
        } else if (!p.output().source().equals(Ref.INPUT) && !p.stages().containsKey(p.output().source())) {
            errors.add(new PipelineError(p.file(), 0, "output", "'$" + p.output() + "' names no stage; use one of "
                    + p.stages().keySet()));
        }
        List<String> cycle = findCycle(p);
        if (!cycle.isEmpty()) {
            Stage first = p.stages().get(cycle.get(0));
            errors.add(new PipelineError(p.file(), first.line(), "stages." + first.id(), "is part of a cycle: "
                    + String.join(" -> ", cycle) + "; a stage can only read stages that do not read it"));
        }
        return new Result(errors, missing);
    }

    private static void checkRef(PipelineDefinition p, Stage s, Ref r, String at, Map<String, String> types,
            List<PipelineError> errors) {
        if (!r.source().equals(Ref.INPUT) && !p.stages().containsKey(r.source())) {
            String near = Suggestions.closest(r.source(), p.stages().keySet());
            errors.add(new PipelineError(p.file(), s.line(), at, "reads '" + r.source() + "', which is neither"
                    + " 'input' nor a stage" + (near == null ? "" : "; did you mean '" + near + "'?")
                    + " (stages: " + p.stages().keySet() + ")"));
            return;
        }
        if (r.source().equals(s.id())) {
            errors.add(new PipelineError(p.file(), s.line(), at, "reads its own output; read an earlier stage"));
            return;
        }
        String type = types.get(r.source());
        Set<String> known = type == null ? null : FIELDS.get(type);
        if (known != null && !r.path().isEmpty() && !known.contains(r.path().get(0))) {
            errors.add(new PipelineError(p.file(), s.line(), at, "reads '" + r + "', but '" + r.source() + "' is "
                    + article(type) + " with fields " + new TreeSet<>(known) + "; use one of those"));
        }
    }

    private static boolean compatible(String from, String to) {
        return from.equals(to) || to.equals("JsonObject") || to.equals("Map") || from.equals("JsonObject");
    }

    /** @return the stage ids of one cycle, first repeated at the end, or an empty list */
    static List<String> findCycle(PipelineDefinition p) {
        Map<String, Integer> state = new HashMap<>(); // 1 = on the path, 2 = done
        for (String id : p.stages().keySet()) {
            List<String> path = new ArrayList<>();
            if (visit(p, id, state, path)) {
                return path;
            }
        }
        return List.of();
    }

    private static boolean visit(PipelineDefinition p, String id, Map<String, Integer> state, List<String> path) {
        Integer st = state.get(id);
        if (st != null && st == 2) {
            return false;
        }
        if (st != null && st == 1) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(id), path.size()));
            cycle.add(id);
            path.clear();
            path.addAll(cycle);
            return true;
        }
        state.put(id, 1);
        path.add(id);
        Stage s = p.stages().get(id);
        Set<String> deps = new LinkedHashSet<>();
        s.reads().forEach(r -> deps.add(r.source()));
        for (String d : deps) {
            if (p.stages().containsKey(d) && !d.equals(id) && visit(p, d, state, path)) {
                return true;
            }
        }
        path.remove(path.size() - 1);
        state.put(id, 2);
        return false;
    }

    private static String article(String type) {
        return ("AEIOU".indexOf(type.charAt(0)) >= 0 ? "an " : "a ") + type;
    }
}
