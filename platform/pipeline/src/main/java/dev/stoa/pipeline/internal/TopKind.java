package dev.stoa.pipeline.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code top: 3, input: $scores.items, by: score}: keeps the k highest-ranked items of a list (or of an object's
 * {@code items}), highest first; ties keep their order. Without {@code by:} the items themselves are the numbers.
 */
final class TopKind implements StageKind {

    @Override
    public String name() {
        return "top";
    }

    @Override
    public Set<String> fields() {
        return Set.of("input", "by");
    }

    @Override
    public Stage parse(StageSpec spec) {
        int k = 1;
        String text = spec.scalar(spec.value());
        if (text != null) {
            try {
                k = Integer.parseInt(text.trim());
            } catch (NumberFormatException e) {
                k = 0;
            }
            if (k < 1 || k > 10_000) {
                spec.problem(spec.value(), "is '" + text + "'; write a whole number from 1 to 10000");
            }
        }
        SpecNode input = spec.field("input");
        if (input == null) {
            spec.problem(spec.value(), "needs 'input:', the list to rank, e.g. 'input: $scores.items'");
            return null;
        }
        Ref ref = spec.ref(input);
        String by = spec.field("by") == null ? null : spec.scalar(spec.field("by"));
        return ref == null ? null : new TopStage(spec.id(), k, ref, by);
    }

    /** The parsed stage. */
    record TopStage(String id, int k, Ref input, String by) implements ComputedStage {

        @Override
        public List<Ref> reads() {
            return List.of(input);
        }

        @Override
        public ValueType check(StageTypes types) {
            ValueType in = types.typeOf(input);
            if (in.known() && !in.name().equals("List") && in.field("items") == null) {
                types.problem(
                        "input",
                        "'$" + input + "' is " + in.withArticle() + "; 'top' ranks a list (or an"
                                + " object with 'items')");
            }
            return new ValueType("JsonObject", Map.of("items", "List"));
        }

        @Override
        public Object compute(Values values) {
            Object value = values.get(input);
            if (!JsonValues.isList(value) && JsonValues.isList(JsonValues.field(value, "items"))) {
                value = JsonValues.field(value, "items");
            }
            if (!JsonValues.isList(value)) {
                throw new StoaException(
                        FailureCode.BAD_INPUT,
                        "pipeline '" + values.pipeline() + "', stage '" + id
                                + "': '$" + input + "' is " + (value == null ? "absent" : "not a list")
                                + "; 'top' ranks a list (or an object with 'items')");
            }
            List<Object> ranked = new ArrayList<>();
            ((Iterable<?>) value).forEach(ranked::add);
            List<Double> ranks = new ArrayList<>(ranked.size());
            ranked.forEach(item -> ranks.add(rank(values, item)));
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < ranked.size(); i++) {
                order.add(i);
            }
            order.sort(Comparator.comparingDouble(i -> -ranks.get(i)));
            List<Object> kept = new ArrayList<>();
            order.subList(0, Math.min(k, order.size())).forEach(i -> kept.add(ranked.get(i)));
            StageRequest out = new StageRequest(1);
            out.put("items", kept);
            return out;
        }

        private double rank(Values values, Object item) {
            Object v = by == null ? item : JsonValues.field(item, by);
            if (v instanceof Number n) {
                return n.doubleValue();
            }
            throw new StoaException(
                    FailureCode.BAD_INPUT,
                    "pipeline '" + values.pipeline() + "', stage '" + id
                            + "': an item has no number" + (by == null ? "" : " in '" + by + "'") + ": " + item
                            + "; set 'by:' to the field to rank by");
        }
    }
}
