package dev.stoa.tracing.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.StoaService;
import dev.stoa.api.data.Text;
import dev.stoa.api.tracing.Tracing;
import dev.stoa.bus.internal.InProcessBus;
import dev.stoa.pipeline.testing.Pipelines;
import dev.stoa.vertx.LocalCodecs;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A pipeline call traced end to end with the real parts: the bus's endpoints ({@link InProcessBus}, the exporter's
 * code path), the pipeline engine, Stoa's {@link Tracing} on the OpenTelemetry SDK, spans caught by the SDK's
 * in-memory exporter. One trace: the caller's {@code traceparent} is the parent of the pipeline's span, each stage a
 * child of it, each service call a child of its stage.
 */
class PipelineTracingTest {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CALLER_SPAN = "00f067aa0ba902b7";
    private static final String TRACEPARENT = "00-" + TRACE_ID + "-" + CALLER_SPAN + "-01";

    private static final String PIPELINE = "input: Text\n"
            + "stages:\n"
            + "  loud:\n"
            + "    call: shout\n"
            + "  again:\n"
            + "    call: shout\n"
            + "    input: $loud\n"
            + "  chorus:\n"
            + "    template: \"{{loud.text}} / {{again.text}} (you said: {{input.text}})\"\n"
            + "output: $chorus\n";

    private static final String FAILING =
            "input: Text\n" + "stages:\n" + "  broken:\n" + "    call: refuser\n" + "output: $broken\n";

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private SdkTracerProvider provider;
    private Vertx vertx;
    private InProcessBus bus;
    private Tracing tracing;

    @BeforeEach
    void start() {
        provider = SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(spans))
                .build();
        tracing = new OtelTracing(provider);
        vertx = Vertx.vertx();
        LocalCodecs.registerAll(vertx);
        bus = new InProcessBus(vertx);
        bus.tracing(tracing);
        bus.export("service", "shout", new Shout(), Map.of());
        bus.export("service", "refuser", new Refuser(), Map.of());
        bus.export(
                "pipeline",
                "chorus",
                Pipelines.traced(
                        vertx,
                        "chorus",
                        PIPELINE,
                        Map.of("shout", "stoa.service.shout"),
                        Map.of("shout", "Text"),
                        tracing),
                Map.of());
        bus.export(
                "pipeline",
                "broken",
                Pipelines.traced(
                        vertx,
                        "broken",
                        FAILING,
                        Map.of("refuser", "stoa.service.refuser"),
                        Map.of("refuser", "Text"),
                        tracing),
                Map.of());
    }

    @AfterEach
    void stop() {
        bus.close();
        vertx.close().await();
        provider.close();
    }

    @Test
    void aPipelineCallIsOneTraceWithASpanPerStage() {
        JsonObject answer = (JsonObject) vertx.eventBus()
                .request(
                        "stoa.pipeline.chorus",
                        new JsonObject().put("text", "hi"),
                        new DeliveryOptions().addHeader(Tracing.TRACEPARENT, TRACEPARENT))
                .await()
                .body();
        assertThat(answer.getString("text")).isEqualTo("HI / HI (you said: hi)");

        List<SpanData> all = awaitSpans(6);
        assertThat(all).allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(TRACE_ID));
        SpanData pipeline = one(all, "pipeline chorus");
        assertThat(pipeline.getParentSpanId()).isEqualTo(CALLER_SPAN);
        assertThat(pipeline.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(pipeline.getAttributes().get(AttributeKey.stringKey(Tracing.SERVICE_ID)))
                .isEqualTo("chorus");
        assertThat(pipeline.getAttributes().get(AttributeKey.stringKey(Tracing.SERVICE_KIND)))
                .isEqualTo("pipeline");
        assertThat(pipeline.getAttributes().get(AttributeKey.stringKey(Tracing.OUTCOME)))
                .isEqualTo("ok");

        // a span per stage, each the pipeline's child, named and attributed by its stage
        for (String stage : List.of("loud", "again", "chorus")) {
            SpanData s = one(all, "stage " + stage);
            assertThat(s.getParentSpanId()).as(stage).isEqualTo(pipeline.getSpanId());
            assertThat(s.getAttributes().get(AttributeKey.stringKey(Tracing.STAGE)))
                    .isEqualTo(stage);
            assertThat(s.getAttributes().get(AttributeKey.stringKey(Tracing.PIPELINE)))
                    .isEqualTo("chorus");
            assertThat(s.getAttributes().get(AttributeKey.stringKey(Tracing.OUTCOME)))
                    .isEqualTo("ok");
        }
        // each service call is the child of the stage that made it, through the traceparent header on the bus
        List<SpanData> calls =
                all.stream().filter(s -> s.getName().equals("service shout")).toList();
        assertThat(calls).hasSize(2);
        assertThat(calls.stream().map(SpanData::getParentSpanId).collect(Collectors.toSet()))
                .isEqualTo(Set.of(
                        one(all, "stage loud").getSpanId(),
                        one(all, "stage again").getSpanId()));
        // stages that read another run after it: "again" starts after "loud" ends
        assertThat(one(all, "stage again").getStartEpochNanos())
                .isGreaterThanOrEqualTo(one(all, "stage loud").getEndEpochNanos());
    }

    @Test
    void aFailureCarriesItsCodeOnEverySpanOnItsWay() {
        assertThatThrownBy(() -> vertx.eventBus()
                        .request("stoa.pipeline.broken", new JsonObject().put("text", "hi"))
                        .await())
                .hasMessageContaining("no thanks");
        List<SpanData> all = awaitSpans(3);
        // no traceparent came: the pipeline's span starts the trace
        SpanData pipeline = one(all, "pipeline broken");
        assertThat(pipeline.getParentSpanContext().isValid()).isFalse();
        for (String name : List.of("pipeline broken", "stage broken", "service refuser")) {
            SpanData s = one(all, name);
            assertThat(s.getTraceId()).isEqualTo(pipeline.getTraceId());
            assertThat(s.getStatus().getStatusCode()).as(name).isEqualTo(StatusCode.ERROR);
            assertThat(s.getAttributes().get(AttributeKey.stringKey(Tracing.OUTCOME)))
                    .as(name)
                    .isEqualTo("BAD_INPUT");
        }
    }

    @Test
    void aBatchedCallSaysItsBatchSize() {
        bus.export(
                "service",
                "shout-batched",
                new Shout(),
                Map.of("batching.shout-batched.max_batch_size", "8", "batching.shout-batched.instances", "1"));
        assertThat(bus.call("shout-batched", new Text("x"), Text.class).value()).isEqualTo("X");
        SpanData call = one(awaitSpans(1), "service shout-batched");
        assertThat(call.getAttributes().get(AttributeKey.longKey(Tracing.BATCH_SIZE)))
                .isEqualTo(1L);
    }

    @Test
    void tracingOffCreatesNoSpan() {
        bus.tracing(null);
        vertx.eventBus()
                .request(
                        "stoa.service.shout",
                        new Text("quiet"),
                        new DeliveryOptions().addHeader(Tracing.TRACEPARENT, TRACEPARENT))
                .await();
        assertThat(bus.call("shout", new Text("x"), Text.class).value()).isEqualTo("X");
        assertThat(spans.getFinishedSpanItems()).isEmpty();
    }

    private List<SpanData> awaitSpans(int atLeast) {
        // the outermost span ends as its answer is sent: give the answering thread a moment to finish it
        long until = System.currentTimeMillis() + 5_000;
        while (spans.getFinishedSpanItems().size() < atLeast && System.currentTimeMillis() < until) {
            Thread.onSpinWait();
        }
        return spans.getFinishedSpanItems();
    }

    private static SpanData one(List<SpanData> all, String name) {
        List<SpanData> found =
                all.stream().filter(s -> s.getName().equals(name)).toList();
        assertThat(found).as("spans named '%s' among %s", name, names(all)).hasSize(1);
        return found.get(0);
    }

    private static List<String> names(List<SpanData> all) {
        return all.stream().map(SpanData::getName).toList();
    }

    /** Text in, upper-case text out. */
    private static final class Shout implements StoaService<Text, Text> {
        @Override
        public Class<Text> inputType() {
            return Text.class;
        }

        @Override
        public Class<Text> outputType() {
            return Text.class;
        }

        @Override
        public Text call(Text input) {
            return new Text(input.value().toUpperCase(Locale.ROOT));
        }
    }

    /** Refuses every input. */
    private static final class Refuser implements StoaService<Text, Text> {
        @Override
        public Class<Text> inputType() {
            return Text.class;
        }

        @Override
        public Class<Text> outputType() {
            return Text.class;
        }

        @Override
        public Text call(Text input) {
            throw new StoaException(FailureCode.BAD_INPUT, "'text': no thanks");
        }
    }
}
