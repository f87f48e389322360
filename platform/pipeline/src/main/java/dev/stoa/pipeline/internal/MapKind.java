package dev.stoa.pipeline.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.pipeline.Ref;
import dev.stoa.api.pipeline.ServiceCalls;
import dev.stoa.api.pipeline.ServiceStage;
import dev.stoa.api.pipeline.SpecNode;
import dev.stoa.api.pipeline.Stage;
import dev.stoa.api.pipeline.StageKind;
import dev.stoa.api.pipeline.StageSpec;
import dev.stoa.api.pipeline.StageTypes;
import dev.stoa.api.pipeline.ValueType;
import dev.stoa.api.pipeline.Values;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code map: tagger, input: $caption.words}: calls a service once per item of a list, in parallel, and answers
 * {@code {"items": [...]}} in the list's order. With {@code keep: [box, score]} each answer that is a JSON object
 * also carries those fields of the item it answers (segment-and-name keeps each segment's box beside the name CLIP
 * gave its picture); an item without the field leaves it out.
 */
final class MapKind implements StageKind {

    @Override
    public String name() {
        return "map";
    }

    @Override
    public Set<String> fields() {
        return Set.of("input", "keep");
    }

    @Override
    public Stage parse(StageSpec spec) {
        String service = spec.scalar(spec.value());
        SpecNode input = spec.field("input");
        if (input == null) {
            spec.problem(spec.value(), "needs 'input:', the list to go over, e.g. 'input: $tags.labels'");
            return null;
        }
        Ref ref = spec.ref(input);
        List<String> keep = keep(spec);
        return service == null || ref == null || keep == null ? null : new MapStage(spec.id(), service, ref, keep);
    }

    /** @return the {@code keep:} field names, empty when not set, {@code null} after reporting a problem */
    private static List<String> keep(StageSpec spec) {
        SpecNode node = spec.field("keep");
        if (node == null) {
            return List.of();
        }
        String example = "list the item fields each answer keeps, e.g. 'keep: [box, score]'";
        if (!(node instanceof SpecNode.Sequence seq) || seq.items().isEmpty()) {
            spec.problem(node, example);
            return null;
        }
        List<String> names = new ArrayList<>();
        for (SpecNode item : seq.items()) {
            Object name = item instanceof SpecNode.Scalar ? spec.literal(item) : null;
            if (!(name instanceof String s) || s.isEmpty() || s.startsWith("$")) {
                spec.problem(item, "is not a field name; " + example);
                return null;
            }
            names.add(s);
        }
        return List.copyOf(names);
    }

    /** The parsed stage. */
    record MapStage(String id, String service, Ref input, List<String> keep) implements ServiceStage {

        MapStage(String id, String service, Ref input) {
            this(id, service, input, List.of());
        }

        @Override
        public List<String> services() {
            return List.of(service);
        }

        @Override
        public List<Ref> reads() {
            return List.of(input);
        }

        @Override
        public ValueType check(StageTypes types) {
            ValueType in = types.typeOf(input);
            if (in.known() && !in.name().equals("List")) {
                types.problem("input", "'$" + input + "' is " + in.withArticle() + "; 'map' goes over a list");
            }
            if (!keep.isEmpty() && !types.outputOf(service).name().equals("JsonObject")) {
                ValueType out = types.outputOf(service);
                types.problem(
                        "keep",
                        "service '" + service + "' answers " + out.withArticle() + ", not a JSON object, so its"
                                + " answers cannot carry the items' fields: remove 'keep'");
            }
            return new ValueType("JsonObject", Map.of("items", "List"));
        }

        @Override
        public CompletionStage<Object> run(Values values, ServiceCalls calls) {
            Object list = values.get(input);
            if (!JsonValues.isList(list)) {
                return CompletableFuture.failedFuture(new StoaException(
                        FailureCode.BAD_INPUT,
                        "pipeline '"
                                + values.pipeline() + "', stage '" + id + "': '$" + input + "' is "
                                + (list == null ? "absent" : "not a list") + "; 'map' needs a list"));
            }
            List<CompletableFuture<Object>> each = new ArrayList<>();
            for (Object item : (Iterable<?>) list) {
                CompletableFuture<Object> answer = calls.call(service, item).toCompletableFuture();
                each.add(keep.isEmpty() ? answer : answer.thenApply(a -> kept(item, a)));
            }
            return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
                    .thenApply(done -> {
                        List<Object> out = new ArrayList<>(each.size());
                        each.forEach(f -> out.add(f.join()));
                        StageRequest answer = new StageRequest(1);
                        answer.put("items", out);
                        return answer;
                    });
        }

        /** @return the answer, a JSON object, with the kept fields of its item added (the item's value wins) */
        private Object kept(Object item, Object answer) {
            Map<String, Object> out = new LinkedHashMap<>();
            if (answer instanceof JsonObject o) {
                out.putAll(o.getMap());
            } else if (answer instanceof Map<?, ?> m) {
                m.forEach((k, v) -> out.put(String.valueOf(k), v));
            } else {
                return answer;
            }
            for (String name : keep) {
                Object v = JsonValues.field(item, name);
                if (v != null) {
                    out.put(name, v);
                }
            }
            return out;
        }
    }
}
