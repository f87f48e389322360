package dev.stoa.pipeline.internal;

import dev.stoa.api.pipeline.Ref;
import dev.stoa.api.pipeline.StageTypes;
import dev.stoa.api.pipeline.ValueType;
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
 * no cycle, every field read exists on the value it is read from, and each stage's kind type-checks what it sends
 * against the service it calls. A service that is not installed is not an error in the file: the pipeline waits for
 * it. What cannot be checked before a request (the fields of a service's JSON answer, when the service publishes
 * only {@code JsonObject} or {@code Map}) is listed as a note, so a reader knows where the check stops.
 */
final class PipelineValidator {

    /** The outcome: errors in the file, services it needs that are not installed, and what was left unchecked. */
    record Result(List<PipelineError> errors, Set<String> missingServices, List<String> notes) {}

    /**
     * What a JSON service publishes about its fields ({@link dev.stoa.api.pipeline.ServiceSchema}).
     *
     * @param input the request's fields and their types, or {@code null} when not published
     * @param output the answer's fields and their types, or {@code null} when not published
     */
    record Schema(Map<String, String> input, Map<String, String> output) {}

    private PipelineValidator() {}

    /**
     * @param p the pipeline
     * @param services finds a running service by id, or answers {@code null}
     */
    static Result validate(PipelineDefinition p, Function<String, ExportedService> services) {
        return validate(p, services, id -> null);
    }

    /**
     * @param p the pipeline
     * @param services finds a running service by id, or answers {@code null}
     * @param schemas finds what a service publishes about its JSON fields, or answers {@code null}
     */
    static Result validate(
            PipelineDefinition p, Function<String, ExportedService> services, Function<String, Schema> schemas) {
        List<PipelineError> errors = new ArrayList<>();
        Set<String> missing = new TreeSet<>();
        List<String> notes = new ArrayList<>();
        Map<String, ValueType> types = new HashMap<>();
        types.put(Ref.INPUT, p.input().valueType());
        Map<String, String> producedBy = new HashMap<>();
        List<String> cycle = findCycle(p);
        if (!cycle.isEmpty()) {
            StageEntry first = p.stages().get(cycle.get(0));
            errors.add(new PipelineError(
                    first.file(),
                    first.line(),
                    "stages." + first.id(),
                    "is part of a cycle: " + String.join(" -> ", cycle)
                            + "; a stage can only read stages that do not read it"));
        }
        for (StageEntry s : order(p)) {
            String at = "stages." + s.id();
            boolean refsOk = true;
            for (Ref r : s.reads()) {
                refsOk &= checkRef(p, s, r, at, types, producedBy, errors, notes);
            }
            for (String id : s.services()) {
                ExportedService svc = present(services.apply(id));
                if (svc == null && !s.optional()) {
                    missing.add(id);
                } else if (svc != null
                        && json(svc.inputType())
                        && (schemas.apply(id) == null || schemas.apply(id).input() == null)) {
                    notes.add(at + ": service '" + id + "' takes " + svc.inputType() + " and publishes no schema: what"
                            + " the stage sends it is checked by the service, at the first request");
                }
            }
            if (!refsOk) {
                types.put(s.id(), ValueType.UNKNOWN);
                continue;
            }
            ValueType out = s.stage().check(new Types(p, s, services, schemas, types, errors));
            if (out == null) {
                out = ValueType.UNKNOWN;
            }
            if (s.when() != null
                    && s.when().op() != null
                    && !(s.when().literal() instanceof Double)
                    && !s.when().op().equals("==")
                    && !s.when().op().equals("!=")) {
                errors.add(new PipelineError(
                        s.file(),
                        s.line(),
                        at + ".when",
                        "'" + s.when().op() + "' compares" + " numbers only; use == or != for strings and booleans"));
            }
            types.put(s.id(), out);
            if (!s.services().isEmpty()) {
                producedBy.put(s.id(), s.services().get(0));
            }
        }
        if (p.output() == null) {
            errors.add(new PipelineError(p.file(), 0, "output", "is missing; add 'output: $<stage>'"));
        } else if (!p.output().source().equals(Ref.INPUT)
                && !p.stages().containsKey(p.output().source())) {
            errors.add(new PipelineError(
                    p.file(),
                    0,
                    "output",
                    "'$" + p.output() + "' names no stage; use one of "
                            + p.stages().keySet()));
        }
        return new Result(errors, missing, notes);
    }

    private static boolean json(String type) {
        return type.equals("Map") || type.equals("JsonObject");
    }

    private static ExportedService present(ExportedService s) {
        return s == null || "gone".equals(s.state()) ? null : s;
    }

    /** The stages in an order where each comes after what it reads (file order where free; cycles left in place). */
    private static List<StageEntry> order(PipelineDefinition p) {
        List<StageEntry> out = new ArrayList<>();
        Set<String> placed = new LinkedHashSet<>();
        Set<String> visiting = new java.util.HashSet<>();
        for (String id : p.stages().keySet()) {
            place(p, id, placed, visiting, out);
        }
        return out;
    }

    private static void place(
            PipelineDefinition p, String id, Set<String> placed, Set<String> visiting, List<StageEntry> out) {
        if (placed.contains(id) || !visiting.add(id)) {
            return;
        }
        StageEntry s = p.stages().get(id);
        for (Ref r : s.reads()) {
            if (p.stages().containsKey(r.source())) {
                place(p, r.source(), placed, visiting, out);
            }
        }
        placed.add(id);
        out.add(s);
    }

    /** @return whether the reference can be read; reports why not */
    private static boolean checkRef(
            PipelineDefinition p,
            StageEntry s,
            Ref r,
            String at,
            Map<String, ValueType> types,
            Map<String, String> producedBy,
            List<PipelineError> errors,
            List<String> notes) {
        if (!r.source().equals(Ref.INPUT) && !p.stages().containsKey(r.source())) {
            String near = Suggestions.closest(r.source(), p.stages().keySet());
            errors.add(new PipelineError(
                    s.file(),
                    s.line(),
                    at,
                    "reads '" + r.source() + "', which is neither"
                            + " 'input' nor a stage" + (near == null ? "" : "; did you mean '" + near + "'?")
                            + " (stages: " + p.stages().keySet() + ")"));
            return false;
        }
        if (r.source().equals(s.id())) {
            errors.add(new PipelineError(s.file(), s.line(), at, "reads its own output; read an earlier stage"));
            return false;
        }
        ValueType type = types.getOrDefault(r.source(), ValueType.UNKNOWN);
        String walked = r.source();
        for (String field : r.path()) {
            if (!type.known()) {
                String service = producedBy.get(r.source());
                if (service != null) {
                    notes.add(at + ": reads '$" + r + "' from service '" + service + "', which answers JSON without"
                            + " a schema: '" + field + "' is checked only when it answers");
                }
                return true;
            }
            ValueType next = type.field(field);
            if (next == null) {
                String near = Suggestions.closest(field, type.fields().keySet());
                errors.add(new PipelineError(
                        s.file(),
                        s.line(),
                        at,
                        "reads '" + r + "', but '" + walked + "' is "
                                + type.withArticle() + " with fields "
                                + new TreeSet<>(type.fields().keySet())
                                + (near == null ? "; use one of those" : "; did you mean '" + near + "'?")
                                + (walked.equals(Ref.INPUT) && type.name().equals("JsonObject")
                                        ? ", or declare it under 'input:'"
                                        : "")));
                return false;
            }
            type = next;
            walked = walked + "." + field;
        }
        return true;
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
        Set<String> deps = new LinkedHashSet<>();
        p.stages().get(id).reads().forEach(r -> deps.add(r.source()));
        for (String d : deps) {
            if (p.stages().containsKey(d) && !d.equals(id) && visit(p, d, state, path)) {
                return true;
            }
        }
        path.remove(path.size() - 1);
        state.put(id, 2);
        return false;
    }

    /** What one stage's kind sees while it checks itself. */
    private record Types(
            PipelineDefinition p,
            StageEntry stage,
            Function<String, ExportedService> services,
            Function<String, Schema> schemas,
            Map<String, ValueType> types,
            List<PipelineError> errors)
            implements StageTypes {

        @Override
        public ValueType typeOf(Ref ref) {
            ValueType type = types.getOrDefault(ref.source(), ValueType.UNKNOWN);
            for (String field : ref.path()) {
                ValueType next = type.field(field);
                type = next == null ? ValueType.UNKNOWN : next;
            }
            return type;
        }

        @Override
        public ExportedService service(String id) {
            return present(services.apply(id));
        }

        @Override
        public ValueType inputOf(String id) {
            ExportedService svc = service(id);
            Schema schema = svc == null ? null : schemas.apply(id);
            return svc == null
                    ? ValueType.UNKNOWN
                    : json(svc.inputType()) && schema != null && schema.input() != null
                            ? new ValueType("JsonObject", schema.input())
                            : ValueType.of(svc.inputType());
        }

        @Override
        public ValueType outputOf(String id) {
            ExportedService svc = service(id);
            Schema schema = svc == null ? null : schemas.apply(id);
            return svc == null
                    ? ValueType.UNKNOWN
                    : json(svc.outputType()) && schema != null && schema.output() != null
                            ? new ValueType("JsonObject", schema.output())
                            : ValueType.of(svc.outputType());
        }

        @Override
        public void problem(String field, String message) {
            errors.add(new PipelineError(stage.file(), stage.line(), "stages." + stage.id() + "." + field, message));
        }
    }
}
