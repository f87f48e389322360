package dev.stoa.pipeline.internal;

import dev.stoa.api.AsyncStoaService;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Builds a pipeline from its YAML the way the registry does, outside OSGi: the engine the benchmarks measure.
 */
public final class Pipelines {

    private Pipelines() {
    }

    /**
     * @param vertx the event bus the stages are called on
     * @param yaml the pipeline file's text
     * @param addresses each service id the file names, and its event-bus address
     * @return the pipeline as a service (JSON in, JSON out)
     * @throws IllegalStateException listing the file's errors
     */
    static PipelineService build(Vertx vertx, String yaml, Map<String, String> addresses) {
        PipelineParser.Result parsed = PipelineParser.parse("pipelines/bench.yaml", "bench", yaml, 30_000, 1_000_000);
        if (parsed.definition() == null) {
            throw new IllegalStateException(parsed.errors().toString());
        }
        return new PipelineService(vertx, parsed.definition(), addresses);
    }

    /**
     * The same, typed for callers outside this package.
     *
     * @return the pipeline as an asynchronous service
     */
    public static AsyncStoaService<JsonObject, JsonObject> service(Vertx vertx, String yaml,
            Map<String, String> addresses) {
        return build(vertx, yaml, addresses);
    }
}
