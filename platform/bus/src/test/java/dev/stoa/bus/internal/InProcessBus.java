package dev.stoa.bus.internal;

import dev.stoa.api.ServiceProperties;
import dev.stoa.api.StoaService;
import dev.stoa.api.metrics.Histogram;
import dev.stoa.api.runtime.ExportedService;
import dev.stoa.api.runtime.ServiceCaller;
import dev.stoa.api.runtime.ServiceDirectory;
import dev.stoa.api.tracing.Tracing;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The bus exporter's endpoints on a plain class path: what {@link ServiceExporter} builds per registered service,
 * without the OSGi service tracker (which only feeds it registrations). Services are exported under the same
 * configuration keys as {@code etc/dev.stoa.bus.cfg}, so a benchmark runs the code path a deployment runs. A public
 * test fixture, shared through this module's test-jar (itests/benchmarks uses it).
 */
public final class InProcessBus implements ServiceDirectory, ServiceCaller, AutoCloseable {

    private final Vertx vertx;
    private final Map<String, Endpoint> endpoints = new java.util.LinkedHashMap<>();
    private final InProcessCaller caller;
    private long nextServiceId = 1;
    private volatile Tracing tracing;

    /** @param vertx the event bus's Vert.x, with the Stoa codecs registered */
    public InProcessBus(Vertx vertx) {
        this.vertx = vertx;
        this.caller = new InProcessCaller(vertx, List::of);
    }

    /**
     * Turns tracing on (or off, with {@code null}) for every endpoint, as registering the tracing service does.
     *
     * @param tracing the tracing service, or {@code null}
     */
    public void tracing(Tracing tracing) {
        this.tracing = tracing;
    }

    /**
     * Exports a service at {@code stoa.<kind>.<id>}.
     *
     * @param kind the service kind
     * @param id the service id
     * @param service the instance
     * @param busProperties entries of {@code etc/dev.stoa.bus.cfg}, e.g. {@code batching.<id>.max_batch_size}
     * @return the address
     * @throws IllegalArgumentException when a batching entry is invalid
     */
    public synchronized String export(String kind, String id, StoaService<?, ?> service, Map<String, ?> busProperties) {
        List<String> problems = new ArrayList<>();
        BatchSettings batching = BatchSettings.parse(busProperties, problems).get(id);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(problems.toString());
        }
        Endpoint endpoint = new Endpoint(vertx, new StandInConfig(30_000, 10_000), kind, id, batching, () -> tracing);
        endpoint.open();
        endpoint.add(StandInReference.provider(nextServiceId++, id, service));
        endpoints.put(id, endpoint);
        caller.add(endpoint);
        return ServiceProperties.address(kind, id);
    }

    /**
     * @param id an exported service with batching entries
     * @return the sizes of the batches it was called with, as {@code /metrics} reports them
     */
    public synchronized Histogram batchSizes(String id) {
        return endpoints.get(id).batchMetrics().batchSize();
    }

    @Override
    public synchronized List<ExportedService> services() {
        return endpoints.values().stream().map(Endpoint::describe).toList();
    }

    @Override
    public <O> O call(String id, Object input, Class<O> outputType) {
        return caller.call(id, input, outputType);
    }

    @Override
    public synchronized void close() {
        endpoints.values().forEach(Endpoint::close);
        endpoints.clear();
    }
}
