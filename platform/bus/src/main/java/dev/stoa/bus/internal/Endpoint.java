package dev.stoa.bus.internal;

import dev.stoa.api.AsyncStoaService;
import dev.stoa.api.FailureCode;
import dev.stoa.api.ServiceProperties;
import dev.stoa.api.StoaException;
import dev.stoa.api.metrics.LatencyHistogram;
import dev.stoa.api.runtime.ExportedService;
import dev.stoa.api.tracing.Tracing;
import dev.stoa.vertx.BusFailures;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One event-bus address, {@code stoa.<kind>.<id>}, and the service instances behind it. Every call, an event-bus
 * message ({@link #handle}) or a {@link dev.stoa.api.runtime.ServiceCaller} call ({@link #callHere}), takes the same
 * path, in this order:
 *
 * <ol>
 *   <li><b>dispatch</b> ({@link Dispatch}): the best free instance, or a bounded wait for one during a hot swap;</li>
 *   <li><b>metrics</b> ({@link CallMetrics}): latency from here to the answer, calls and failures counted;</li>
 *   <li><b>timeout</b> ({@link Timeouts}): an unanswered call fails with {@code TIMEOUT} (not for a plain service
 *       called on the caller's own thread, which that thread runs);</li>
 *   <li><b>batching queue</b> ({@link Batcher}, when {@code batching.<id>.*} is configured): the call waits for a
 *       batch, bounded;</li>
 *   <li><b>codec</b> ({@link PayloadCodec}): JSON in, JSON out; objects by reference;</li>
 *   <li><b>invocation</b> ({@link Invocation}): on a worker thread, on the calling thread, asynchronously, or
 *       streaming pieces, then the one answer ({@link #finish}), whose failure comes from the platform's failure
 *       table ({@link BusFailures}).</li>
 * </ol>
 */
final class Endpoint {

    private static final Logger LOG = LoggerFactory.getLogger(Endpoint.class);

    final String id;
    final String kind;
    final String address;
    private final Vertx vertx;
    private final BusConfig config;
    private final BatchSettings batching;
    private final Dispatch dispatch;
    private final CallMetrics metrics = new CallMetrics();
    private final Timeouts timeouts;
    private final Batcher.Metrics batchMetrics = new Batcher.Metrics();
    private final PayloadCodec codec;
    private final Invocation invocation;
    private final CallSpans spans;
    private MessageConsumer<Object> consumer;

    Endpoint(Vertx vertx, BusConfig config, String kind, String id) {
        this(vertx, config, kind, id, null);
    }

    /**
     * @param batching how calls queue and batch, or {@code null} for a worker thread per call (the default)
     */
    Endpoint(Vertx vertx, BusConfig config, String kind, String id, BatchSettings batching) {
        this(vertx, config, kind, id, batching, () -> null);
    }

    /**
     * @param batching how calls queue and batch, or {@code null} for a worker thread per call (the default)
     * @param tracing the tracing service while one is registered, else {@code null} ({@link CallSpans})
     */
    Endpoint(Vertx vertx, BusConfig config, String kind, String id, BatchSettings batching, Supplier<Tracing> tracing) {
        this.vertx = vertx;
        this.config = config;
        this.kind = kind;
        this.id = id;
        this.address = ServiceProperties.address(kind, id);
        this.batching = batching;
        this.dispatch = new Dispatch(vertx, config, id, address);
        this.timeouts = new Timeouts(vertx, config, id);
        this.codec = new PayloadCodec(id);
        this.invocation = new Invocation(vertx, codec);
        this.spans = new CallSpans(tracing, kind, id);
    }

    void open() {
        consumer = vertx.eventBus().consumer(address, this::handle);
    }

    void close() {
        dispatch.close();
        dispatch.providers().stream()
                .map(Provider::batcher)
                .filter(Objects::nonNull)
                .forEach(Batcher::close);
        if (consumer != null) {
            consumer.unregister();
        }
    }

    /** Adds an instance; calls waiting for one start on it. */
    void add(Provider provider) {
        if (batching != null && !(provider.service instanceof AsyncStoaService)) {
            provider.batcher(new Batcher(vertx, this, provider, batching, batchMetrics));
            LOG.info(
                    "Service '{}' queues its calls: {} (batches of at most {})",
                    id,
                    batching.describe(id),
                    provider.batcher().maxBatchSize());
        } else if (batching != null) {
            LOG.warn(
                    "Service '{}' answers asynchronously, so {} does not apply to it; remove those entries from"
                            + " etc/dev.stoa.bus.cfg",
                    id,
                    batching.describe(id));
        }
        dispatch.add(provider);
    }

    /** Removes an instance from the rotation; the caller then drains it. */
    void remove(Provider provider) {
        dispatch.remove(provider);
    }

    /** @return calls parked until a provider appears */
    int waitingCount() {
        return dispatch.parkedCount();
    }

    /**
     * Called when a bundle is uninstalled: if it provided this endpoint and nothing replaced it, the service is gone.
     */
    void bundleUninstalled(long bundleId) {
        dispatch.bundleUninstalled(bundleId);
    }

    /** @return how long this endpoint's calls took */
    LatencyHistogram latency() {
        return metrics.latency();
    }

    /** @return batch sizes and queue delays, or {@code null} when calls do not queue */
    Batcher.Metrics batchMetrics() {
        return batching == null ? null : batchMetrics;
    }

    /** @return calls queued in front of this endpoint's instances, not yet running */
    int queued() {
        return dispatch.providers().stream()
                .map(Provider::batcher)
                .filter(Objects::nonNull)
                .mapToInt(Batcher::queued)
                .sum();
    }

    ExportedService describe() {
        Dispatch.State s = dispatch.state();
        return new ExportedService(
                id,
                kind,
                s.version(),
                address,
                s.inputType(),
                s.outputType(),
                s.bundle(),
                s.bundleId(),
                s.state(),
                s.inFlight(),
                metrics.calls(),
                metrics.failures());
    }

    /** @return the codec of this endpoint's calls, which {@link Batcher} converts each call's input and output with */
    PayloadCodec codec() {
        return codec;
    }

    /** Entry point for every message to this address; runs on an event loop, never blocks. */
    void handle(Message<Object> message) {
        BusCall call = new BusCall(this, message);
        Provider provider;
        try {
            provider = dispatch.acquire(call);
        } catch (StoaException refused) {
            call.refuse(refused);
            return;
        }
        if (provider != null) {
            start(call, provider);
            if (provider.batcher() == null) {
                if (provider.service instanceof AsyncStoaService) {
                    invocation.async(call);
                } else {
                    invocation.onWorker(call);
                }
            }
        }
    }

    /**
     * A call from a thread of this JVM that may block ({@link dev.stoa.api.runtime.ServiceCaller}): it runs on that
     * thread, as a direct call to the service would, through the same dispatch, hot-swap wait, batching queue and
     * counters as a message; only the event bus's thread hand-offs are skipped. A batched service's call waits for
     * its batch, bounded by the call timeout; a plain call is not timed out, since the caller's own thread runs it.
     *
     * @param input the service's input type (or any record, for a service that takes JSON), or its JSON form: then
     *        the output comes as JSON too, as on the bus
     * @return the service's output
     * @throws StoaException the failure a message would get, with the same code and text
     */
    Object callHere(Object input) {
        LocalCall call = new LocalCall(this, input);
        Provider provider = acquireHere(call);
        start(call, provider);
        if (provider.batcher() == null) {
            if (provider.service instanceof AsyncStoaService) {
                invocation.async(call);
            } else {
                invocation.here(call);
            }
        }
        if (call.done()) {
            return call.result(); // a plain service: answered on this thread
        }
        try {
            return call.await();
        } catch (InterruptedException e) {
            if (call.claim()) {
                Batcher queue = provider.batcher();
                if (queue != null) {
                    queue.withdraw(call);
                }
                timeouts.disarm(call);
                metrics.failed();
                Thread.currentThread().interrupt();
                throw new StoaException(FailureCode.UNAVAILABLE, "the call to service '" + id + "' was interrupted");
            }
            return call.awaitClaimed(); // answered meanwhile
        }
    }

    /** Dispatch for a caller's thread: the same wait as a message's, the thread blocking while its call is parked. */
    private Provider acquireHere(LocalCall call) {
        while (true) {
            Provider provider = dispatch.acquire(call);
            if (provider != null) {
                return provider;
            }
            try {
                // the dispatcher's timer refuses the call after swapWaitMs; the bound here only guards against a
                // Vert.x that stopped firing timers
                if (!call.awaitWake(config.swapWaitMs() + 1_000)) {
                    dispatch.withdraw(call);
                    metrics.failed();
                    throw dispatch.noReplacementFailure();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                dispatch.withdraw(call);
                throw new StoaException(
                        FailureCode.UNAVAILABLE,
                        "the call to service '" + id + "' was interrupted while it waited for an instance");
            }
        }
    }

    /**
     * The interceptors in front of the invocation, on a call that holds its instance: metrics start, the timeout is
     * armed (except for a plain service on the caller's own thread), a batching instance queues the call.
     */
    private void start(Call call, Provider provider) {
        call.provider = provider;
        call.started = System.nanoTime();
        spans.start(call);
        Batcher queue = provider.batcher();
        if (call instanceof BusCall || queue != null || provider.service instanceof AsyncStoaService) {
            timeouts.arm(call);
        }
        if (queue == null) {
            return;
        }
        try {
            queue.offer(call);
        } catch (StoaException refused) {
            provider.release();
            finish(call, null, refused);
        }
    }

    /**
     * Answers a call once, whichever of its result, its failure and its timeout comes first; on any thread (an event
     * loop, the worker that ran the call, a batch's worker, the caller's).
     *
     * @param output the caller's answer, when {@code failure} is {@code null}
     * @param failure what the service (or a step before it) threw, or {@code null}
     */
    void finish(Call call, Object output, Throwable failure) {
        metrics.ran(call.started);
        timeouts.disarm(call);
        if (!call.claim()) {
            return; // timed out (or interrupted) before: nobody waits for this answer
        }
        if (failure == null) {
            metrics.answered();
            spans.end(call, null);
            call.succeed(output);
            return;
        }
        StoaException mapped = BusFailures.fromThrown(failure, id);
        if (mapped.code() == FailureCode.INTERNAL && mapped != failure) {
            LOG.error("Service '{}' failed", id, failure);
        }
        metrics.failed();
        spans.end(call, mapped);
        call.fail(mapped);
    }

    /** Fails a call that has claimed its answer without running: refused, timed out, or its wait ran out. */
    void refused(Call call, StoaException failure) {
        metrics.failed();
        spans.start(call); // refused before it ran: a span of its own, or the one it started (a timeout)
        spans.end(call, failure);
        call.fail(failure);
    }
}
