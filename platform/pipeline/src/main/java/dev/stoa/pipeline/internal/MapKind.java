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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code map: tagger, input: $caption.words}: calls a service once per item of a list, in parallel, and answers
 * {@code {"items": [...]}} in the list's order.
 */
final class MapKind implements StageKind {

    @Override
    public String name() {
        return "map";
    }

    @Override
    public Set<String> fields() {
        return Set.of("input");
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
        return service == null || ref == null ? null : new MapStage(spec.id(), service, ref);
    }

    /** The parsed stage. */
    record MapStage(String id, String service, Ref input) implements ServiceStage {

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
                each.add(calls.call(service, item).toCompletableFuture());
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
    }
}
