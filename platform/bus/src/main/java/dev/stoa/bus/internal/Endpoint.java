package dev.stoa.bus.internal;

import dev.stoa.api.AsyncStoaService;
import dev.stoa.api.Cancellation;
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
 *   <li><b>admission</b> ({@link InFlightLimit}): at most {@code maxInFlight} calls in flight, more refused at once
 *       with {@code OVERLOADED}; a call whose caller has given up (its deadline passed, or it was cancelled) is
 *       dropped here without running;</li>
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
 *
 * A call that carries a cancel token ({@link Cancellation#TOKEN_HEADER}) is known to the {@link CancelRegistry} from
 * its arrival to its answer: a cancel message answers it at once with {@code CANCELLED}, takes it out of any queue,
 * and sets its {@link Cancellation}, which the running service checks per step.
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
    private final InFlightLimit limit;
    private final CancelRegistry cancels;
    private final boolean ownsCancels;
    private MessageConsumer<Object> consumer;

    Endpoint(Vertx vertx, BusConfig config, String kind, String id) {
        this(vertx, config, kind, id, null);
    }

    /**
     * @param batching how calls queue and batch, or {@code null} for a worker thread per call (the default)
     */
    Endpoint(Vertx vertx, BusConfig config, String kind, String id, BatchSettings batching) {
        this(vertx, config, kind, id, batching, () -> null, null, null);
    }

    /** As the full constructor, without tracing and with the default in-flight bound and cancel registry. */
    Endpoint(Vertx vertx, BusConfig config, String kind, String id, BatchSettings batching, Supplier<Tracing> tracing) {
        this(vertx, config, kind, id, batching, tracing, null, null);
    }

    /** As the full constructor, without tracing. */
    Endpoint(
            Vertx vertx,
            BusConfig config,
            String kind,
            String id,
            BatchSettings batching,
            Integer maxInFlight,
            CancelRegistry cancels) {
        this(vertx, config, kind, id, batching, () -> null, maxInFlight, cancels);
    }

    /**
     * @param batching how calls queue and batch, or {@code null} for a worker thread per call (the default)
     * @param tracing the tracing service while one is registered, else {@code null} ({@link CallSpans})
     * @param maxInFlight {@code maxInFlight.<id>} of the configuration, or {@code null} (then the service property or
     *     {@link BusConfig#maxInFlight()})
     * @param cancels the node's cancel registry, or {@code null} for one of this endpoint's own
     */
    Endpoint(
            Vertx vertx,
            BusConfig config,
            String kind,
            String id,
            BatchSettings batching,
            Supplier<Tracing> tracing,
            Integer maxInFlight,
            CancelRegistry cancels) {
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
        this.limit = new InFlightLimit(id, maxInFlight, config.maxInFlight());
        this.ownsCancels = cancels == null;
        this.cancels = cancels != null ? cancels : new CancelRegistry(vertx);
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
        if (ownsCancels) {
            cancels.close();
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
        limit.adopt(provider);
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

    /** @return calls admitted and not yet done (the in-flight bound's count), and the bound */
    InFlightLimit limit() {
        return limit;
    }

    /** @return this endpoint's counters of calls refused, cancelled and dropped */
    CallMetrics metrics() {
        return metrics;
    }

    /** Entry point for every message to this address; runs on an event loop, never blocks. */
    void handle(Message<Object> message) {
        BusCall call = new BusCall(this, message);
        if (!cancels.add(call)) {
            cancel(call, "the caller went away before the call arrived");
            return;
        }
        dispatch(call);
    }

    /** Dispatches a message's call: on arrival, and again when a hot swap's new instance wakes it. */
    void dispatch(BusCall call) {
        Provider provider;
        try {
            provider = dispatch.acquire(call);
        } catch (StoaException refused) {
            call.refuse(refused);
            return;
        }
        if (provider != null && start(call, provider)) {
            if (provider.service instanceof AsyncStoaService) {
                invocation.async(call);
            } else {
                invocation.onWorker(call);
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
        // a call made on behalf of the call this thread runs is cancelled with it, and keeps its deadline
        Cancellation parent = Cancellation.current();
        LocalCall call = new LocalCall(
                this,
                input,
                parent == Cancellation.NEVER
                        ? Cancellation.create(null, Long.MAX_VALUE)
                        : parent.child(Long.MAX_VALUE));
        call.cancellation.throwIfCancelled();
        call.cancellation.onCancel(() -> cancel(call, call.cancellation.reason()));
        Provider provider = acquireHere(call);
        if (start(call, provider)) {
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
                call.cancellation.cancel("the calling thread was interrupted");
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
     * The interceptors in front of the invocation, on a call that holds its instance: a call whose caller gave up is
     * dropped, the in-flight bound admits or refuses it, metrics start, the timeout is armed (except for a plain
     * service on the caller's own thread), a batching instance queues the call.
     *
     * @return {@code true} when the caller goes on to invoke the service; {@code false} when the call is queued for a
     *     batch or already answered (dropped or refused; the instance is released then)
     */
    private boolean start(Call call, Provider provider) {
        call.provider = provider;
        call.started = System.nanoTime();
        if (call.cancellation.isCancelled()) {
            provider.release(); // its deadline passed while it waited for an instance, or it was cancelled
            notStarted(call);
            return false;
        }
        spans.start(call);
        Batcher queue = provider.batcher();
        if (queue == null) {
            if (!limit.tryAcquire()) {
                provider.release();
                if (call.claim()) {
                    metrics.overloaded();
                    refused(call, limit.overloaded());
                }
                return false;
            }
            call.admitted = true;
        }
        if (call instanceof BusCall || queue != null || provider.service instanceof AsyncStoaService) {
            timeouts.arm(call);
        }
        if (queue == null) {
            return true;
        }
        try {
            queue.offer(call);
        } catch (StoaException refused) {
            provider.release();
            finish(call, null, refused);
        }
        return false;
    }

    /** Frees the in-flight slot of a call the service is done with ({@link Call#release()}). */
    void inFlightReleased() {
        limit.release();
    }

    /**
     * A call whose caller had given up before it started (its deadline passed, or it was cancelled, while it waited
     * for an instance, a worker or a batch): not run, counted, and answered if nobody has answered it yet.
     */
    void notStarted(Call call) {
        metrics.notStarted();
        if (!call.claim()) {
            return; // answered when its caller gave up (TIMEOUT or CANCELLED)
        }
        timeouts.disarm(call);
        long deadline = call.cancellation.deadlineNanos();
        boolean late = deadline != Long.MAX_VALUE && System.nanoTime() - deadline >= 0;
        refused(
                call,
                late
                        ? new StoaException(
                                FailureCode.TIMEOUT,
                                "the call to service '" + id + "' waited past its caller's deadline and was not run;"
                                        + " retry, or give the call more time")
                        : new StoaException(
                                FailureCode.CANCELLED,
                                "the call to service '" + id + "' was cancelled before it ran: "
                                        + call.cancellation.reason()));
    }

    /**
     * Cancels a call: its {@link Cancellation} is set (a running service stops at its next step) and, unless it is
     * answered already, it leaves any queue and is answered with {@code CANCELLED}. Any thread.
     */
    void cancel(Call call, String why) {
        call.cancellation.cancel(why);
        if (!call.claim()) {
            return;
        }
        metrics.cancelled();
        timeouts.disarm(call);
        dispatch.withdraw(call);
        Provider provider = call.provider;
        Batcher queue = provider == null ? null : provider.batcher();
        if (queue != null) {
            queue.withdraw(call);
        }
        refused(
                call,
                new StoaException(
                        FailureCode.CANCELLED,
                        "the call to service '" + id + "' was cancelled: " + call.cancellation.reason()));
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
        cancels.remove(call);
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
        cancels.remove(call);
        metrics.failed();
        spans.start(call); // refused before it ran: a span of its own, or the one it started (a timeout)
        spans.end(call, failure);
        call.fail(failure);
    }
}
