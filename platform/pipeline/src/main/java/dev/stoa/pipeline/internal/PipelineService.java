package dev.stoa.pipeline.internal;

import dev.stoa.api.AsyncStoaService;
import dev.stoa.api.Cancellation;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.metrics.LatencyHistogram;
import dev.stoa.api.pipeline.ComputedStage;
import dev.stoa.api.pipeline.Ref;
import dev.stoa.api.pipeline.ServiceCalls;
import dev.stoa.api.pipeline.ServiceStage;
import dev.stoa.api.pipeline.Values;
import dev.stoa.api.tracing.TraceSpan;
import dev.stoa.api.tracing.Tracing;
import dev.stoa.vertx.BusFailures;
import dev.stoa.vertx.CallOptions;
import dev.stoa.vertx.LocalCodecs;
import dev.stoa.vertx.TraceHeaders;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One version of a pipeline, running: each request flows through the stages as a graph of futures, every stage
 * starting as soon as what it reads is ready (so independent stages run in parallel), calls going over the event bus.
 * Registered as the service {@code stoa.pipeline.<name>}, so pipelines compose and hot-swap like any service.
 *
 * <p>JSON exists only at the edges. The request is read once by the pipeline's {@link InputSchema} (an image decoded
 * there, once); between stages values stay Java objects (records, maps, strings), sent to services over the event bus
 * by reference; the answer is converted to JSON at the end. A request with {@code "_trace": true} gets
 * {@code "_trace"} in its answer: the trace id and each stage's outcome and milliseconds.
 *
 * <p>A request whose caller gives up (it disconnects, or its deadline passes: the call's {@link Cancellation}) starts
 * no further stage: each stage checks it before it starts and fails with {@code CANCELLED} (or {@code TIMEOUT}), so
 * the stages after it are never scheduled. Stage calls carry the request's cancel token and no more time than it has
 * left ({@link CallOptions#onBehalfOf}), so the cancel that stops the pipeline stops its running stages' services too.
 */
public final class PipelineService implements AsyncStoaService<JsonObject, JsonObject> {

    private final Vertx vertx;
    private final PipelineDefinition definition;
    private final Map<String, Target> targets;
    private final Map<String, AtomicInteger> inFlight = new HashMap<>();
    private final Map<String, StageStats> stats = new LinkedHashMap<>();
    private final Supplier<Tracing> tracing;

    /**
     * Where a service is reached and what it takes.
     *
     * @param address its event-bus address
     * @param inputType the simple name of its input type, so a request is sent in the form it takes
     * @param remote whether another node of a cluster serves it: then a map is sent as JSON, which every node reads
     *     (a record travels in its codec's wire form either way)
     */
    public record Target(String address, String inputType, boolean remote) {

        /** A service of this node. */
        public Target(String address, String inputType) {
            this(address, inputType, false);
        }
    }

    /** What a stage did, over all requests to this version of the pipeline. */
    record StageStats(LatencyHistogram latency, AtomicLong ok, AtomicLong failed, AtomicLong skipped) {}

    /** How a stage ended for one request. */
    enum Outcome {
        OK,
        FAILED,
        SKIPPED;

        String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param targets each service the pipeline calls, by id; an optional stage's absent service has none
     */
    PipelineService(Vertx vertx, PipelineDefinition definition, Map<String, Target> targets) {
        this(vertx, definition, targets, () -> null);
    }

    /**
     * @param targets each service the pipeline calls, by id; an optional stage's absent service has none
     * @param tracing the tracing service while one is registered, else {@code null}: then each request's stages get
     *     a span each, children of the span of the call to the pipeline, and their service calls carry it on
     */
    PipelineService(
            Vertx vertx, PipelineDefinition definition, Map<String, Target> targets, Supplier<Tracing> tracing) {
        this.tracing = tracing;
        this.vertx = vertx;
        this.definition = definition;
        this.targets = Map.copyOf(targets);
        LocalCodecs.registerAll(vertx);
        StageRequestCodec.register(vertx);
        definition.stages().keySet().forEach(id -> {
            inFlight.put(id, new AtomicInteger());
            stats.put(id, new StageStats(new LatencyHistogram(), new AtomicLong(), new AtomicLong(), new AtomicLong()));
        });
    }

    /**
     * Builds a pipeline from its file's text the way the registry does, outside OSGi (for embedding and for the
     * benchmarks): built-in stage kinds, no {@code include:}, no validation against running services.
     *
     * @param vertx the event bus the stages are called on
     * @param name the pipeline's name
     * @param yaml the pipeline file's text
     * @param targets each service id the file names: its address and input type
     * @param defaultTimeoutMs a stage's timeout when it sets none
     * @param defaultMaxInFlight a stage's bound on calls in flight when it sets none
     * @return the pipeline, ready to call
     * @throws IllegalArgumentException listing the file's errors, each with its line and field
     */
    public static PipelineService fromYaml(
            Vertx vertx,
            String name,
            String yaml,
            Map<String, Target> targets,
            long defaultTimeoutMs,
            int defaultMaxInFlight) {
        return fromYaml(vertx, name, yaml, targets, defaultTimeoutMs, defaultMaxInFlight, null);
    }

    /**
     * As {@link #fromYaml(Vertx, String, String, Map, long, int)}, traced.
     *
     * @param tracing spans for each request's stages ({@link Tracing}), or {@code null} for none
     * @return the pipeline, ready to call
     */
    public static PipelineService fromYaml(
            Vertx vertx,
            String name,
            String yaml,
            Map<String, Target> targets,
            long defaultTimeoutMs,
            int defaultMaxInFlight,
            Tracing tracing) {
        PipelineParser.Result parsed =
                PipelineParser.parse("pipelines/" + name + ".yaml", name, yaml, defaultTimeoutMs, defaultMaxInFlight);
        if (parsed.definition() == null) {
            throw new IllegalArgumentException(parsed.errors().toString());
        }
        return new PipelineService(vertx, parsed.definition(), targets, () -> tracing);
    }

    PipelineDefinition definition() {
        return definition;
    }

    /** @return each service this version calls; an optional stage's absent service has none */
    Map<String, Target> targets() {
        return targets;
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
        Run run;
        try {
            run = new Run(input, Cancellation.current());
        } catch (StoaException e) {
            return CompletableFuture.failedFuture(
                    new StoaException(e.code(), "pipeline '" + definition.name() + "': " + e.getMessage(), e));
        }
        Map<String, Future<Void>> done = new HashMap<>();
        for (StageEntry stage : definition.stages().values()) {
            schedule(stage, run, done);
        }
        // the answer waits for every stage, not only the output's: a failure anywhere fails the request, and the
        // trace is complete
        return Future.all(new ArrayList<>(done.values())).map(v -> run.answer()).toCompletionStage();
    }

    /** Schedules a stage after the stages it reads, scheduling those first when needed. */
    private Future<Void> schedule(StageEntry stage, Run run, Map<String, Future<Void>> done) {
        Future<Void> existing = done.get(stage.id());
        if (existing != null) {
            return existing;
        }
        Set<String> deps = new LinkedHashSet<>();
        stage.reads().forEach(r -> deps.add(r.source()));
        List<Future<Void>> before = new ArrayList<>(deps.size());
        for (String d : deps) {
            if (!d.equals(Ref.INPUT)) {
                before.add(schedule(definition.stages().get(d), run, done));
            }
        }
        Future<Void> f = before.isEmpty()
                ? run.stage(stage)
                : before.size() == 1
                        ? before.get(0).compose(v -> run.stage(stage))
                        : Future.all(before).compose(v -> run.stage(stage));
        done.put(stage.id(), f);
        return f;
    }

    /** The state of one request. */
    private final class Run implements Values {
        final String traceId = UUID.randomUUID().toString();
        final boolean traced;
        final Map<String, Object> values = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<JsonObject> timings = new ConcurrentLinkedQueue<>();
        /** The tracing service when tracing is on, else {@code null}: read once, so a request is traced whole. */
        final Tracing spans = tracing.get();
        /** The span of the call to this pipeline (the bus made it current while the call starts), or none. */
        final TraceSpan parent = spans == null ? TraceSpan.NONE : spans.current();
        /** Whether the request's caller still waits; checked before each stage starts. */
        final Cancellation cancellation;

        Run(JsonObject input, Cancellation cancellation) {
            this.cancellation = cancellation;
            traced = Boolean.TRUE.equals(input.getValue("_trace"));
            values.put(Ref.INPUT, definition.input().admit(input));
        }

        @Override
        public Object get(Ref ref) {
            Object current = values.get(ref.source());
            for (String field : ref.path()) {
                if (current == null) {
                    return null;
                }
                current = JsonValues.field(current, field);
            }
            return current;
        }

        @Override
        public String pipeline() {
            return definition.name();
        }

        Future<Void> stage(StageEntry stage) {
            long start = System.nanoTime();
            if (cancellation.isCancelled()) {
                // the caller is gone or out of time: schedule nothing more
                record(stage, start, Outcome.SKIPPED);
                return Future.failedFuture(stopped(stage));
            }
            TraceSpan span = spans == null
                    ? TraceSpan.NONE
                    : spans.startChild("stage " + stage.id(), parent)
                            .attribute(Tracing.PIPELINE, definition.name())
                            .attribute(Tracing.STAGE, stage.id());
            if (stage.when() != null && !stage.when().test(this)
                    || stage.optional() && !targets.keySet().containsAll(stage.services())) {
                record(stage, start, Outcome.SKIPPED);
                span.attribute(Tracing.OUTCOME, Outcome.SKIPPED.jsonName()).end();
                return Future.succeededFuture();
            }
            Future<Object> result;
            if (stage.stage() instanceof ComputedStage computed) {
                try {
                    result = Future.succeededFuture(computed.compute(this));
                } catch (RuntimeException e) {
                    result = Future.failedFuture(e);
                }
            } else {
                ServiceStage calling = (ServiceStage) stage.stage();
                ServiceCalls calls = (service, request) ->
                        call(stage, span, service, request).toCompletionStage();
                try {
                    result = Future.fromCompletionStage(calling.run(this, calls));
                } catch (RuntimeException e) {
                    result = Future.failedFuture(e);
                }
            }
            return result.<Void>map(out -> {
                        if (out != null) {
                            values.put(stage.id(), out);
                        }
                        record(stage, start, Outcome.OK);
                        span.attribute(Tracing.OUTCOME, Outcome.OK.jsonName()).end();
                        return null;
                    })
                    .onFailure(e -> {
                        record(stage, start, Outcome.FAILED);
                        if (span != TraceSpan.NONE) {
                            StoaException f = BusFailures.toStoaException(e, stage.id());
                            span.fail(f.code().name(), f.getMessage());
                            span.end();
                        }
                    });
        }

        private Future<Object> call(StageEntry stage, TraceSpan span, String service, Object request) {
            CallSettings settings = stage.calls();
            AtomicInteger running = inFlight.get(stage.id());
            if (running.incrementAndGet() > settings.maxInFlight()) {
                running.decrementAndGet();
                return Future.failedFuture(new StoaException(
                        FailureCode.OVERLOADED,
                        "pipeline '" + definition.name()
                                + "', stage '" + stage.id() + "' already has " + settings.maxInFlight()
                                + " calls in flight;"
                                + " retry with backoff, or raise its maxInFlight"));
            }
            Target target = targets.get(service);
            if (target == null) {
                running.decrementAndGet();
                return Future.failedFuture(new StoaException(
                        FailureCode.UNKNOWN_SERVICE,
                        "pipeline '"
                                + definition.name() + "', stage '" + stage.id() + "' calls service '" + service
                                + "', which"
                                + " its stage kind does not list among the services it calls; list it in services()"));
            }
            Object body;
            try {
                body = JsonValues.request(request, target.inputType());
                if (target.remote() && body instanceof StageRequest map) {
                    body = JsonValues.toJson(map);
                }
            } catch (RuntimeException e) {
                running.decrementAndGet();
                return Future.failedFuture(e);
            }
            return attempt(stage, span, service, target, body, 0).onComplete(ar -> running.decrementAndGet());
        }

        /** The failure of a stage not started because the request's caller gave up. */
        private StoaException stopped(StageEntry stage) {
            long deadline = cancellation.deadlineNanos();
            boolean late = deadline != Long.MAX_VALUE && System.nanoTime() - deadline >= 0;
            return new StoaException(
                    late ? FailureCode.TIMEOUT : FailureCode.CANCELLED,
                    "pipeline '" + definition.name() + "': stage '" + stage.id() + "' was not started: "
                            + (late ? "the request's deadline passed" : cancellation.reason()));
        }

        private Future<Object> attempt(
                StageEntry stage, TraceSpan span, String service, Target target, Object body, int attempt) {
            DeliveryOptions options = TraceHeaders.of(
                    span,
                    CallOptions.onBehalfOf(cancellation, stage.calls().timeoutMs())
                            .addHeader("stoa.trace", traceId));
            return vertx.eventBus()
                    .<Object>request(target.address(), body, options)
                    .map(m -> m.body())
                    .recover(e -> retryable(e) && attempt < stage.calls().retries() && !cancellation.isCancelled()
                            ? attempt(stage, span, service, target, body, attempt + 1)
                            : Future.failedFuture(failure(stage, service, e)));
        }

        private StoaException failure(StageEntry stage, String service, Throwable e) {
            // the code comes from the platform's one failure table, as at every other door
            StoaException f = BusFailures.toStoaException(e, service);
            return new StoaException(
                    f.code(),
                    "pipeline '" + definition.name() + "', stage '" + stage.id() + "' (service '" + service + "'): "
                            + f.getMessage(),
                    e);
        }

        private void record(StageEntry stage, long start, Outcome outcome) {
            StageStats st = stats.get(stage.id());
            long took = System.nanoTime() - start;
            switch (outcome) {
                case OK -> st.ok().incrementAndGet();
                case SKIPPED -> st.skipped().incrementAndGet();
                case FAILED -> st.failed().incrementAndGet();
            }
            if (outcome != Outcome.SKIPPED) {
                st.latency().record(took);
            }
            if (traced) {
                timings.add(new JsonObject()
                        .put("stage", stage.id())
                        .put("outcome", outcome.jsonName())
                        .put("ms", took / 1_000_000.0));
            }
        }

        JsonObject answer() {
            JsonObject out = JsonValues.answer(get(definition.output()));
            if (traced) {
                out = out.copy()
                        .put(
                                "_trace",
                                new JsonObject()
                                        .put("id", traceId)
                                        .put("stages", new JsonArray(new ArrayList<>(timings))));
            }
            return out;
        }
    }

    private static boolean retryable(Throwable e) {
        return BusFailures.retryable(e);
    }
}
