package dev.stoa.pipeline.internal;

import dev.stoa.api.pipeline.ComputedStage;
import dev.stoa.api.pipeline.Ref;
import dev.stoa.api.pipeline.SpecNode;
import dev.stoa.api.pipeline.Stage;
import dev.stoa.api.pipeline.StageKind;
import dev.stoa.api.pipeline.StageSpec;
import dev.stoa.api.pipeline.StageTypes;
import dev.stoa.api.pipeline.ValueType;
import dev.stoa.api.pipeline.Values;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code merge: [$query.embedding, $input.k]}: joins several values into one object (the join of a fan-out), each
 * under its last name ({@code embedding}, {@code k}); an absent value is kept as {@code null}.
 */
final class MergeKind implements StageKind {

    @Override
    public String name() {
        return "merge";
    }

    @Override
    public Set<String> fields() {
        return Set.of();
    }

    @Override
    public Stage parse(StageSpec spec) {
        if (!(spec.value() instanceof SpecNode.Sequence seq) || seq.items().isEmpty()) {
            spec.problem(spec.value(), "must list what to join, e.g. '[$tags, $caption]'");
            return null;
        }
        List<Ref> refs = new ArrayList<>();
        for (SpecNode item : seq.items()) {
            Ref r = spec.ref(item);
            if (r != null) {
                refs.add(r);
            }
        }
        return new MergeStage(List.copyOf(refs));
    }

    /** The parsed stage. */
    record MergeStage(List<Ref> refs) implements ComputedStage {

        @Override
        public List<Ref> reads() {
            return refs;
        }

        @Override
        public ValueType check(StageTypes types) {
            Map<String, String> fields = new LinkedHashMap<>();
            refs.forEach(r -> fields.put(r.lastName(), types.typeOf(r).name()));
            return new ValueType("JsonObject", fields);
        }

        @Override
        public Object compute(Values values) {
            StageRequest out = new StageRequest(refs.size());
            refs.forEach(r -> out.put(r.lastName(), values.get(r)));
            return out;
        }
    }
}
