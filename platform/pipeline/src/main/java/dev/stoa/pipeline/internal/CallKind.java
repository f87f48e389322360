package dev.stoa.pipeline.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
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
import dev.stoa.api.runtime.ExportedService;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code call: captioner}: calls a service with one input ({@code input:}, {@code $input} by default), with the
 * fields of {@code with:} added (each a literal or a reference; without {@code input:} they are the whole request).
 */
final class CallKind implements StageKind {

    @Override
    public String name() {
        return "call";
    }

    @Override
    public Set<String> fields() {
        return Set.of("input", "with");
    }

    @Override
    public Stage parse(StageSpec spec) {
        String service = spec.scalar(spec.value());
        Map<String, Object> with = new LinkedHashMap<>();
        SpecNode withNode = spec.field("with");
        if (withNode instanceof SpecNode.Mapping m) {
            m.entries().forEach((key, node) -> {
                Object value = spec.literal(node);
                if (value != null) {
                    with.put(key, value);
                }
            });
        } else if (withNode != null) {
            spec.problem(withNode, "must map field names to values, e.g. '{prompt: $describe.text, max_tokens: 8}'");
        }
        Ref input = spec.field("input") != null
                ? spec.ref(spec.field("input"))
                : with.isEmpty() ? new Ref(Ref.INPUT, List.of()) : null; // 'with' alone is the request
        return service == null ? null : new CallStage(spec.id(), service, input, Collections.unmodifiableMap(with));
    }

    /** @return whether a value of type {@code from} can be sent to a service that takes {@code to} */
    static boolean compatible(ValueType from, String to) {
        return !from.known()
                || from.name().equals(to)
                || to.equals("JsonObject")
                || to.equals("Map")
                || from.name().equals("String") && to.equals("Text")
                || to.equals("Image")
                        && from.field("image") != null
                        && from.field("image").name().equals("Image");
    }

    /**
     * The parsed stage.
     *
     * @param input what is sent, or {@code null} when the {@code with:} fields are the whole request
     * @param with fields added to the request: literals, {@link Ref}s, or lists of them
     */
    record CallStage(String id, String service, Ref input, Map<String, Object> with) implements ServiceStage {

        @Override
        public List<String> services() {
            return List.of(service);
        }

        @Override
        public List<Ref> reads() {
            List<Ref> refs = new ArrayList<>();
            if (input != null) {
                refs.add(input);
            }
            with.values().forEach(v -> collectRefs(v, refs));
            return refs;
        }

        @Override
        public ValueType check(StageTypes types) {
            ExportedService svc = types.service(service);
            if (svc == null) {
                return ValueType.UNKNOWN;
            }
            String to = svc.inputType();
            if (input != null && with.isEmpty()) {
                ValueType from = types.typeOf(input);
                if (!compatible(from, to)) {
                    types.problem(
                            "input",
                            "'$" + input + "' is " + from.withArticle() + " but service '" + service
                                    + "' takes " + ValueType.of(to).withArticle()
                                    + "; wire it to a stage that produces "
                                    + ValueType.of(to).withArticle() + " (a template produces Text)");
                }
            }
            ValueType target = types.inputOf(service);
            if (!with.isEmpty() && target.known()) {
                for (Map.Entry<String, Object> e : with.entrySet()) {
                    ValueType field = target.field(e.getKey());
                    if (field == null) {
                        String near =
                                Suggestions.closest(e.getKey(), target.fields().keySet());
                        types.problem(
                                "with." + e.getKey(),
                                "service '" + service + "' takes "
                                        + target.withArticle() + ", which has no field '" + e.getKey() + "'"
                                        + (near == null ? "" : "; did you mean '" + near + "'?") + " (fields: "
                                        + new TreeSet<>(target.fields().keySet()) + ")");
                    } else if (e.getValue() instanceof Ref r && field.name().equals("Image")) {
                        ValueType from = types.typeOf(r);
                        if (from.known() && !from.name().equals("Image")) {
                            types.problem(
                                    "with." + e.getKey(),
                                    "'$" + r + "' is " + from.withArticle() + " but"
                                            + " service '" + service + "' reads an Image there; send an image, e.g."
                                            + " '$input.image' with 'input: {image: Image}'");
                        }
                    }
                }
            }
            return types.outputOf(service);
        }

        @Override
        public CompletionStage<Object> run(Values values, ServiceCalls calls) {
            Object request;
            try {
                request = request(values);
            } catch (StoaException e) {
                return CompletableFuture.failedFuture(e);
            }
            return calls.call(service, request);
        }

        /** What is sent: the input (or nothing), with the {@code with:} fields added. */
        private Object request(Values values) {
            Object value = input == null ? null : values.get(input);
            if (input != null) {
                checkSendable(values, value);
            }
            if (with.isEmpty()) {
                return value;
            }
            StageRequest out = new StageRequest(with.size() + 2);
            if (value instanceof String s) {
                out.put("text", s);
            } else if (value instanceof Map<?, ?> m) {
                m.forEach((k, v) -> out.put(String.valueOf(k), v));
            } else if (value instanceof Image image) {
                out.put("image", image);
            } else if (value != null) {
                out.putAll(((io.vertx.core.json.JsonObject) JsonValues.toJson(value)).getMap());
            }
            with.forEach((k, v) -> out.put(k, resolve(v, values)));
            return out;
        }

        private void checkSendable(Values values, Object value) {
            if (value == null
                    || value instanceof List<?>
                    || value instanceof JsonArray
                    || value instanceof Number
                    || value instanceof Boolean) {
                throw new StoaException(
                        FailureCode.BAD_INPUT,
                        "pipeline '" + values.pipeline() + "', stage '" + id
                                + "': its input '$" + input + "' is "
                                + (value == null
                                        ? "absent (a skipped stage, or a field the request lacks)"
                                        : "a " + value.getClass().getSimpleName())
                                + "; it needs an object or a string");
            }
        }
    }

    /** A {@code with:} value for this request: references resolved, lists item by item. */
    static Object resolve(Object literal, Values values) {
        if (literal instanceof Ref r) {
            return values.get(r);
        }
        if (literal instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(v -> out.add(resolve(v, values)));
            return out;
        }
        return literal;
    }

    static void collectRefs(Object literal, List<Ref> refs) {
        if (literal instanceof Ref r) {
            refs.add(r);
        } else if (literal instanceof List<?> l) {
            l.forEach(v -> collectRefs(v, refs));
        }
    }
}
