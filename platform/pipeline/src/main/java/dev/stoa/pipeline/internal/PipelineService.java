package dev.stoa.pipeline.internal;

import dev.stoa.api.AsyncStoaService;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.metrics.LatencyHistogram;
import dev.stoa.vertx.BusFailures;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One version of a pipeline, running: each request flows through the stages as a graph of futures, every stage
 * starting as soon as what it reads is ready (so independent stages run in parallel), calls going over the event bus.
 * Registered as the service {@code stoa.pipeline.<name>}, so pipelines compose and hot-swap like any service.
 *
 * <p>Values between stages are JSON objects: a service's answer in its JSON form, a template's {@code {"text": ...}},
 * a merge's object keyed by source. A request with {@code "_trace": true} gets {@code "_trace"} in its answer: the
 * trace id and each stage's outcome and milliseconds.
 */
final class PipelineService implements AsyncStoaService<JsonObject, JsonObject> {

    private final Vertx vertx;
    private final PipelineDefinition definition;
    private final Map<String, String> addresses;
    private final Map<String, AtomicInteger> inFlight = new HashMap<>();
    private final Map<String, StageStats> stats = new java.util.LinkedHashMap<>();

    /** What a stage did, over all requests to this version of the pipeline. */
    record StageStats(LatencyHistogram latency, java.util.concurrent.atomic.AtomicLong ok,
            java.util.concurrent.atomic.AtomicLong failed, java.util.concurrent.atomic.AtomicLong skipped) {
    }

    /**
     * @param addresses event-bus address of each service the pipeline calls, by service id
     */
    PipelineService(Vertx vertx, PipelineDefinition definition, Map<String, String> addresses) {
        this.vertx = vertx;
        this.definition = definition;
        this.addresses = Map.copyOf(addresses);
        definition.stages().keySet().forEach(id -> {
            inFlight.put(id, new AtomicInteger());
            stats.put(id, new StageStats(new LatencyHistogram(), new java.util.concurrent.atomic.AtomicLong(),
                    new java.util.concurrent.atomic.AtomicLong(), new java.util.concurrent.atomic.AtomicLong()));
        });
    }

    PipelineDefinition definition() {
        return definition;
    }

    /** @return the address of each service this version calls; an optional stage's absent service has none */
    Map<String, String> addresses() {
        return addresses;
    }

    /** @return each stage's counts and latency, in file order */
    Map<String, StageStats> stats() {
        return stats;
    }

    @Override
    public Class<JsonObject> inputType() {
        return JsonObject.class;
    }

    @Override
    public Class<JsonObject> outputType() {
        return JsonObject.class;
    }

    @Override
    public CompletionStage<JsonObject> callAsync(JsonObject input) {
        Run run = new Run(input);
        Map<String, Future<Void>> done = new HashMap<>();
        for (Stage stage : definition.stages().values()) {
            schedule(stage, run, done);
        }
        // the answer waits for every stage, not only the output's: a failure anywhere fails the request, and the
        // trace is complete
        return Future.all(new ArrayList<>(done.values())).map(v -> run.answer()).toCompletionStage();
    }

    /** Schedules a stage after the stages it reads, scheduling those first when needed. */
    private Future<Void> schedule(Stage stage, Run run, Map<String, Future<Void>> done) {
        Future<Void> existing = done.get(stage.id());
        if (existing != null) {
            return existing;
        }
        Set<String> deps = new LinkedHashSet<>();
        stage.reads().forEach(r -> deps.add(r.source()));
        List<Future<Void>> before = new ArrayList<>();
        for (String d : deps) {
            if (!d.equals(Ref.INPUT)) {
                before.add(schedule(definition.stages().get(d), run, done));
            }
        }
        Future<Void> f = Future.all(before).compose(v -> run.stage(stage));
        done.put(stage.id(), f);
        return f;
    }

    /** The state of one request. */
    private final class Run {
        final String traceId = UUID.randomUUID().toString();
        final boolean traced;
        final Map<String, JsonObject> values = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<JsonObject> timings = new ConcurrentLinkedQueue<>();

        Run(JsonObject input) {
            values.put(Ref.INPUT, input);
            traced = Boolean.TRUE.equals(input.getValue("_trace"));
        }

        Future<Void> stage(Stage stage) {
            long start = System.nanoTime();
            if (stage.when() != null && !stage.when().test(values)
                    || stage.optional() && !addresses.containsKey(stage.service())) {
                record(stage, start, "skipped");
                return Future.succeededFuture();
            }
            Future<JsonObject> result = switch (stage.kind()) {
                case CALL -> call(stage, request(stage));
                case MAP -> map(stage);
                case TEMPLATE -> Future.succeededFuture(new JsonObject().put("text", stage.template().render(values)));
                case MERGE -> Future.succeededFuture(merge(stage));
                case TOP -> Future.succeededFuture(top(stage));
            };
            return result.<Void>map(out -> {
                if (out != null) {
                    values.put(stage.id(), out);
                }
                record(stage, start, "ok");
                return null;
            }).onFailure(e -> record(stage, start, "failed"));
        }

        private Future<JsonObject> map(Stage stage) {
            Object list = stage.input().resolve(values);
            if (!(list instanceof JsonArray items)) {
                return Future.failedFuture(new StoaException(FailureCode.BAD_INPUT, "pipeline '" + definition.name()
                        + "', stage '" + stage.id() + "': '$" + stage.input() + "' is "
                        + (list == null ? "absent" : "not a list") + "; 'map' needs a list"));
            }
            List<Future<JsonObject>> calls = new ArrayList<>();
            for (Object item : items) {
                calls.add(call(stage, payload(stage, item)));
            }
            return Future.all(calls).map(all -> {
                JsonArray out = new JsonArray();
                calls.forEach(c -> out.add(c.result()));
                return new JsonObject().put("items", out);
            });
        }

        /** The k items with the highest {@code by} (or value), highest first; ties keep their order. */
        private JsonObject top(Stage stage) {
            Object value = stage.input().resolve(values);
            if (value instanceof JsonObject o && o.getValue("items") instanceof JsonArray items) {
                value = items;
            }
            if (!(value instanceof JsonArray list)) {
                throw new StoaException(FailureCode.BAD_INPUT, "pipeline '" + definition.name() + "', stage '"
                        + stage.id() + "': '$" + stage.input() + "' is " + (value == null ? "absent" : "not a list")
                        + "; 'top' ranks a list (or an object with 'items')");
            }
            List<Object> ranked = new ArrayList<>(list.getList());
            ranked.sort(java.util.Comparator.comparingDouble((Object item) -> -rank(stage, item)));
            int k = Math.min(stage.top(), ranked.size());
            return new JsonObject().put("items", new JsonArray(new ArrayList<>(ranked.subList(0, k))));
        }

        private double rank(Stage stage, Object item) {
            Object v = stage.by() == null ? item : item instanceof java.util.Map<?, ?> m ? m.get(stage.by())
                    : item instanceof JsonObject o ? o.getValue(stage.by()) : null;
            if (v instanceof Number n) {
                return n.doubleValue();
            }
            throw new StoaException(FailureCode.BAD_INPUT, "pipeline '" + definition.name() + "', stage '" + stage.id()
                    + "': an item has no number" + (stage.by() == null ? "" : " in '" + stage.by() + "'") + ": " + item
                    + "; set 'by:' to the field to rank by");
        }

        private JsonObject merge(Stage stage) {
            JsonObject out = new JsonObject();
            for (Ref r : stage.merge()) {
                out.put(r.path().isEmpty() ? r.source() : r.path().get(r.path().size() - 1), r.resolve(values));
            }
            return out;
        }

        /** What a call stage sends: its input (or nothing), with its {@code with:} fields added. */
        private JsonObject request(Stage stage) {
            JsonObject out = stage.input() == null ? new JsonObject()
                    : payload(stage, stage.input().resolve(values));
            if (stage.with().isEmpty()) {
                return out;
            }
            out = out.copy();
            for (Map.Entry<String, Object> e : stage.with().entrySet()) {
                Object v = e.getValue() instanceof Ref r ? r.resolve(values) : e.getValue();
                out.put(e.getKey(), v instanceof List<?> l ? new JsonArray(new ArrayList<>(l)) : v);
            }
            return out;
        }

        private JsonObject payload(Stage stage, Object value) {
            if (value instanceof JsonObject o) {
                return o;
            }
            if (value instanceof String s) {
                return new JsonObject().put("text", s);
            }
            throw new StoaException(FailureCode.BAD_INPUT, "pipeline '" + definition.name() + "', stage '"
                    + stage.id() + "': its input '$" + stage.input() + "' is " + (value == null
                    ? "absent (a skipped stage, or a field the request lacks)" : "a " + value.getClass().getSimpleName())
                    + "; it needs an object or a string");
        }

        private Future<JsonObject> call(Stage stage, JsonObject payload) {
            AtomicInteger running = inFlight.get(stage.id());
            if (running.incrementAndGet() > stage.maxInFlight()) {
                running.decrementAndGet();
                return Future.failedFuture(new StoaException(FailureCode.OVERLOADED, "pipeline '" + definition.name()
                        + "', stage '" + stage.id() + "' already has " + stage.maxInFlight() + " calls in flight;"
                        + " retry with backoff, or raise its maxInFlight"));
            }
            return attempt(stage, payload, 0).onComplete(ar -> running.decrementAndGet());
        }

        private Future<JsonObject> attempt(Stage stage, JsonObject payload, int attempt) {
            DeliveryOptions options = new DeliveryOptions().setSendTimeout(stage.timeoutMs())
                    .addHeader("stoa.trace", traceId);
            return vertx.eventBus().<Object>request(addresses.get(stage.service()), payload, options)
                    .map(m -> m.body() instanceof JsonObject o ? o : new JsonObject().put("value", m.body()))
                    .recover(e -> retryable(e) && attempt < stage.retries() ? attempt(stage, payload, attempt + 1)
                            : Future.failedFuture(failure(stage, e)));
        }

        private StoaException failure(Stage stage, Throwable e) {
            // the code comes from the platform's one failure table, as at every other door
            StoaException f = BusFailures.toStoaException(e, stage.service());
            return new StoaException(f.code(), "pipeline '" + definition.name() + "', stage '" + stage.id()
                    + "' (service '" + stage.service() + "'): " + f.getMessage(), e);
        }

        private void record(Stage stage, long start, String outcome) {
            StageStats st = stats.get(stage.id());
            switch (outcome) {
                case "ok" -> st.ok().incrementAndGet();
                case "skipped" -> st.skipped().incrementAndGet();
                default -> st.failed().incrementAndGet();
            }
            if (!outcome.equals("skipped")) {
                st.latency().record(System.nanoTime() - start);
            }
            timings.add(new JsonObject().put("stage", stage.id()).put("outcome", outcome)
                    .put("ms", (System.nanoTime() - start) / 1_000_000.0));
        }

        JsonObject answer() {
            Object v = definition.output().resolve(values);
            JsonObject out = v instanceof JsonObject o ? o : v instanceof String s ? new JsonObject().put("text", s)
                    : new JsonObject().put("value", v);
            if (traced) {
                out = out.copy().put("_trace", new JsonObject().put("id", traceId)
                        .put("stages", new JsonArray(new ArrayList<>(timings))));
            }
            return out;
        }
    }

    private static boolean retryable(Throwable e) {
        return BusFailures.retryable(e);
    }
}
