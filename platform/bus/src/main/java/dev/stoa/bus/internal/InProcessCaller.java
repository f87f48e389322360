package dev.stoa.bus.internal;

import dev.stoa.api.Cancellation;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.runtime.ExportedService;
import dev.stoa.api.runtime.ServiceCaller;
import dev.stoa.vertx.BusFailures;
import dev.stoa.vertx.CallOptions;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * {@link ServiceCaller} over the exporter's endpoints: a service of this node is called on the caller's thread
 * ({@link Endpoint#callHere}); one that only another cluster node serves, over the event bus.
 */
final class InProcessCaller implements ServiceCaller {

    private final Vertx vertx;
    private final Map<String, Endpoint> local = new ConcurrentHashMap<>();
    private final Supplier<List<ExportedService>> remote;

    /**
     * @param vertx the event bus, for services of other nodes
     * @param remote the other nodes' services (an empty list when not clustered)
     */
    InProcessCaller(Vertx vertx, Supplier<List<ExportedService>> remote) {
        this.vertx = vertx;
        this.remote = remote;
    }

    /** Makes an endpoint of this node callable by its id (unique across kinds: the exporter refuses a second). */
    void add(Endpoint endpoint) {
        local.putIfAbsent(endpoint.id, endpoint);
    }

    /** Forgets an endpoint the exporter closed (a gone service whose id another kind took). */
    void remove(Endpoint endpoint) {
        local.remove(endpoint.id, endpoint);
    }

    @Override
    public <O> O call(String id, Object input, Class<O> outputType) {
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("ServiceCaller.call blocks, and this thread is a Vert.x event loop, which"
                    + " must not block; call service '" + id + "' with vertx.eventBus().request(address, input)"
                    + " there, or from a worker (vertx.executeBlocking)");
        }
        Endpoint endpoint = local.get(id);
        Object out = endpoint != null ? endpoint.callHere(input) : callRemote(id, input);
        if (!outputType.isInstance(out)) {
            throw StoaException.badInput(
                    "outputType",
                    "service '" + id + "' answers "
                            + out.getClass().getSimpleName() + ", not " + outputType.getSimpleName()
                            + "; ask for that type (GET /v1/services lists each service's output type)");
        }
        return outputType.cast(out);
    }

    private Object callRemote(String id, Object input) {
        ExportedService service = remote.get().stream()
                .filter(s -> s.id().equals(id))
                .findFirst()
                .orElseThrow(() -> new StoaException(
                        FailureCode.UNKNOWN_SERVICE,
                        "no service has id '" + id + "'; " + FailureCode.UNKNOWN_SERVICE.fix()));
        try {
            return vertx.eventBus()
                    .request(service.address(), input, CallOptions.onBehalfOf(Cancellation.current()))
                    .await()
                    .body();
        } catch (RuntimeException e) {
            // the same table as every other door: a failure reads the same here as over HTTP or in a pipeline
            throw BusFailures.toStoaException(e, id);
        }
    }
}
