package dev.stoa.api.runtime;

import dev.stoa.api.StoaException;

/**
 * Calls a Stoa service from Java code in the same JVM, on the calling thread: what a user's bundle or an embedded
 * application uses when it would otherwise wait on an event-bus request. Registered as an OSGi service by the bus.
 *
 * <p>A service of this node runs on the caller's thread, as a direct call to it would, but still through the bus's
 * endpoint: the best free instance, the wait for a replacement during a hot swap, the service's batching queue (the
 * caller then waits for its batch), its counters and latency histogram in {@code /metrics}. The event bus's thread
 * hand-offs (to an event loop, to a worker, and back through the reply's event loop) are skipped; on a machine whose
 * idle cores sleep, those cost far more than the bus's code (see {@code itests/benchmarks}). A service only another
 * cluster node serves is called over the event bus, and this method waits for its answer.
 *
 * <p>Use the event bus ({@code vertx.eventBus().request(address, input)}) from Vert.x event loops, which must not
 * block, and when the answer should arrive asynchronously.
 */
public interface ServiceCaller {

    /**
     * Calls service {@code id} and waits for its output.
     *
     * @param id the service's {@code stoa.id}, as {@link ServiceDirectory#services()} lists it
     * @param input the service's input type, for example a {@code Text} for an encoder; or its JSON form (a Vert.x
     *        {@code JsonObject}, as HTTP sends it), and then the output comes as JSON too, as on the event bus
     * @param outputType the output type expected, for example {@code Embedding.class} ({@code JsonObject.class} for
     *        a JSON input)
     * @param <O> the output type
     * @return the service's output
     * @throws StoaException the service's own failure, with its code; {@code UNKNOWN_SERVICE} when no node serves
     *         {@code id}; {@code SERVICE_GONE} when it went away and no replacement came in time; {@code BAD_INPUT}
     *         when the input or the expected output type does not match the service's
     * @throws IllegalStateException when called on a Vert.x event loop, which must not block
     */
    <O> O call(String id, Object input, Class<O> outputType);
}
