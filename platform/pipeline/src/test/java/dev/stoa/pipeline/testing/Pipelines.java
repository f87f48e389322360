package dev.stoa.pipeline.testing;

import dev.stoa.api.AsyncStoaService;
import dev.stoa.api.tracing.Tracing;
import dev.stoa.pipeline.internal.PipelineService;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds a pipeline from its YAML the way the registry does, outside OSGi: the engine the benchmarks measure
 * (itests/benchmarks). Published in this module's test-jar, so no benchmark needs a class in
 * {@code dev.stoa.pipeline.internal}.
 */
public final class Pipelines {

    private Pipelines() {}

    /**
     * A pipeline whose services take and answer JSON, as plain event-bus consumers do.
     *
     * @param vertx the event bus the stages are called on
     * @param yaml the pipeline file's text
     * @param addresses each service id the file names, and its event-bus address
     * @return the pipeline as a service (JSON in, JSON out)
     * @throws IllegalArgumentException listing the file's errors
     */
    public static AsyncStoaService<JsonObject, JsonObject> service(
            Vertx vertx, String yaml, Map<String, String> addresses) {
        Map<String, String> json = new LinkedHashMap<>();
        addresses.keySet().forEach(id -> json.put(id, "JsonObject"));
        return service(vertx, yaml, addresses, json);
    }

    /**
     * A pipeline whose services take the types given, as the registry passes them from the bus's service list: a
     * stage sends a service that takes {@code Text} a {@code Text} record, by reference.
     *
     * @param vertx the event bus the stages are called on
     * @param yaml the pipeline file's text
     * @param addresses each service id the file names, and its event-bus address
     * @param inputTypes each service id, and the simple name of its input type ({@code Text}, {@code Map}, ...)
     * @return the pipeline as a service (JSON in, JSON out)
     * @throws IllegalArgumentException listing the file's errors
     */
    public static AsyncStoaService<JsonObject, JsonObject> service(
            Vertx vertx, String yaml, Map<String, String> addresses, Map<String, String> inputTypes) {
        Map<String, PipelineService.Target> targets = new LinkedHashMap<>();
        addresses.forEach((id, address) ->
                targets.put(id, new PipelineService.Target(address, inputTypes.getOrDefault(id, "JsonObject"))));
        return PipelineService.fromYaml(vertx, "bench", yaml, targets, 30_000, 1_000_000);
    }

    /**
     * A named pipeline whose stages are traced: each request's stages get spans, children of the span current when
     * the call starts (the bus's span of the call to the pipeline), and their service calls carry the stage's
     * {@code traceparent}.
     *
     * @param vertx the event bus the stages are called on
     * @param name the pipeline's name (the spans' {@code stoa.pipeline})
     * @param yaml the pipeline file's text
     * @param addresses each service id the file names, and its event-bus address
     * @param inputTypes each service id, and the simple name of its input type
     * @param tracing the tracing service, or {@code null} for none
     * @return the pipeline as a service (JSON in, JSON out)
     */
    public static AsyncStoaService<JsonObject, JsonObject> traced(
            Vertx vertx,
            String name,
            String yaml,
            Map<String, String> addresses,
            Map<String, String> inputTypes,
            Tracing tracing) {
        Map<String, PipelineService.Target> targets = new LinkedHashMap<>();
        addresses.forEach((id, address) ->
                targets.put(id, new PipelineService.Target(address, inputTypes.getOrDefault(id, "JsonObject"))));
        return PipelineService.fromYaml(vertx, name, yaml, targets, 30_000, 1_000_000, tracing);
    }
}
