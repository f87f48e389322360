package dev.stoa.bench;

import dev.stoa.api.AsyncStoaService;
import dev.stoa.pipeline.testing.Pipelines;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the pipeline engine costs per stage: a service answering at once, called directly over the event bus, and
 * through pipelines of one and of three chained call stages. Per-stage overhead = (pipeline time - n x direct time)
 * / n. The pipelines are built the way the registry builds them, outside OSGi
 * ({@link Pipelines}, from the pipeline module's test-jar).
 *
 * <p>Run: {@code java -jar itests/benchmarks/target/benchmarks.jar PipelineOverhead}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class PipelineOverheadBenchmark {

    private static final JsonObject BODY = new JsonObject().put("text", "hello");

    private Vertx vertx;
    private AsyncStoaService<JsonObject, JsonObject> oneStage;
    private AsyncStoaService<JsonObject, JsonObject> threeStages;

    @Setup
    public void setUp() {
        vertx = Vertx.vertx();
        vertx.eventBus().<JsonObject>consumer("stoa.service.echo", m -> m.reply(m.body()));
        oneStage = pipeline("stages:\n  a: {call: echo}\n");
        threeStages = pipeline(
                "stages:\n  a: {call: echo}\n  b: {call: echo, input: $a}\n" + "  c: {call: echo, input: $b}\n");
    }

    @TearDown
    public void tearDown() {
        vertx.close().await();
    }

    private AsyncStoaService<JsonObject, JsonObject> pipeline(String yaml) {
        return Pipelines.service(vertx, yaml, Map.of("echo", "stoa.service.echo"));
    }

    /** The service alone: one event-bus request/reply. */
    @Benchmark
    public Object direct() {
        return vertx.eventBus().request("stoa.service.echo", BODY).await().body();
    }

    /** The same call as the only stage of a pipeline. */
    @Benchmark
    public Object pipelineOneStage() {
        return oneStage.callAsync(BODY).toCompletableFuture().join();
    }

    /** Three chained calls: each stage reads the previous one's output. */
    @Benchmark
    public Object pipelineThreeStages() {
        return threeStages.callAsync(BODY).toCompletableFuture().join();
    }
}
