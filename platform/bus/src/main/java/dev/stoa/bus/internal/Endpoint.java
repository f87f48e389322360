package dev.stoa.bus.internal;

import dev.stoa.api.AsyncStoaService;
import dev.stoa.api.FailureCode;
import dev.stoa.api.ServiceProperties;
import dev.stoa.api.StoaException;
import dev.stoa.api.generation.GenerationRequest;
import dev.stoa.api.generation.TextGenerator;
import dev.stoa.api.metrics.LatencyHistogram;
import io.vertx.core.AsyncResult;
import dev.stoa.api.runtime.ExportedService;
import dev.stoa.vertx.Payloads;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.framework.Bundle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One event-bus address, {@code stoa.<kind>.<id>}, and the service instances behind it.
 *
 * <p>A call goes to the best available instance (highest service ranking) and runs on a worker thread. While no
 * instance is available (between the old and the new instance of a hot swap) calls wait, bounded in number and
 * time, and run as soon as an instance appears. Once the providing bundle is uninstalled with no replacement, waiting
 * and new calls fail with {@link FailureCode#SERVICE_GONE}.
 *
 * <p>With {@link BatchSettings} (per service in {@code etc/dev.stoa.bus.cfg}) each instance gets a {@link Batcher}:
 * calls queue, bounded, and run in batches on a fixed number of workers instead of one worker thread each.
 *
 * <p>Calls arrive as messages ({@link #handle}) or, from threads of this JVM that may block, through
 * {@link #callHere} ({@link dev.stoa.api.runtime.ServiceCaller}), which runs them on the calling thread.
 */
final class Endpoint {

    private static final Logger LOG = LoggerFactory.getLogger(Endpoint.class);
    private static final Comparator<Provider> BEST_FIRST = (a, b) -> b.reference.compareTo(a.reference);

    final String id;
    final String kind;
    final String address;
    private final Vertx vertx;
    private final BusConfig config;
    private final List<Provider> providers = new ArrayList<>();
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final LatencyHistogram latency = new LatencyHistogram();
    private final BatchSettings batching;
    private final Batcher.Metrics batchMetrics = new Batcher.Metrics();
    private MessageConsumer<Object> consumer;
    private boolean gone;
    private long lastBundleId = -1;
    private String lastBundleName;
    private String lastVersion;
    private String inputType;
    private String outputType;

    /** A call parked while the service is being replaced. */
    private record Waiting(Message<Object> message, Context context, long timerId) {
    }

    Endpoint(Vertx vertx, BusConfig config, String kind, String id) {
        this(vertx, config, kind, id, null);
    }

    /**
     * @param batching how calls queue and batch, or {@code null} for a worker thread per call (the default)
     */
    Endpoint(Vertx vertx, BusConfig config, String kind, String id, BatchSettings batching) {
        this.vertx = vertx;
        this.config = config;
        this.kind = kind;
        this.id = id;
        this.address = ServiceProperties.address(kind, id);
        this.batching = batching;
    }

    void open() {
        consumer = vertx.eventBus().consumer(address, this::handle);
    }

    void close() {
        List<Waiting> dropped;
        synchronized (this) {
            dropped = new ArrayList<>(waiting);
            waiting.clear();
        }
        for (Waiting w : dropped) {
            vertx.cancelTimer(w.timerId);
            fail(w.message, new StoaException(FailureCode.UNAVAILABLE, "the event bus is shutting down"));
        }
        List<Provider> all;
        synchronized (this) {
            all = List.copyOf(providers);
        }
        all.stream().map(Provider::batcher).filter(java.util.Objects::nonNull).forEach(Batcher::close);
        if (consumer != null) {
            consumer.unregister();
        }
    }

    /** Adds an instance; calls waiting for one start on it. */
    void add(Provider provider) {
        if (batching != null && !(provider.service instanceof AsyncStoaService)) {
            provider.batcher(new Batcher(vertx, this, provider, batching, batchMetrics));
            LOG.info("Service '{}' queues its calls: {} (batches of at most {})", id, batching.describe(id),
                    provider.batcher().maxBatchSize());
        } else if (batching != null) {
            LOG.warn("Service '{}' answers asynchronously, so {} does not apply to it; remove those entries from"
                    + " etc/dev.stoa.bus.cfg", id, batching.describe(id));
        }
        List<Waiting> ready;
        synchronized (this) {
            providers.add(provider);
            providers.sort(BEST_FIRST);
            gone = false;
            Bundle b = provider.reference.getBundle();
            lastBundleId = b == null ? -1 : b.getBundleId();
            lastBundleName = b == null ? null : b.getSymbolicName();
            Object v = provider.reference.getProperty(ServiceProperties.VERSION);
            lastVersion = v == null ? null : v.toString();
            inputType = provider.service.inputType().getSimpleName();
            outputType = provider.service.outputType().getSimpleName();
            ready = new ArrayList<>(waiting);
            waiting.clear();
            notifyAll(); // callers waiting in callHere
        }
        for (Waiting w : ready) {
            vertx.cancelTimer(w.timerId);
            w.context.runOnContext(v -> handle(w.message));
        }
    }

    /** Removes an instance from the rotation; the caller then drains it. */
    synchronized void remove(Provider provider) {
        providers.remove(provider);
    }

    /** @return calls parked until a provider appears */
    synchronized int waitingCount() {
        return waiting.size();
    }

    /**
     * Called when a bundle is uninstalled: if it provided this endpoint and nothing replaced it, the service is gone.
     */
    void bundleUninstalled(long bundleId) {
        List<Waiting> failed;
        synchronized (this) {
            if (!providers.isEmpty() || bundleId != lastBundleId) {
                return;
            }
            gone = true;
            failed = new ArrayList<>(waiting);
            waiting.clear();
            notifyAll(); // callers waiting in callHere
        }
        for (Waiting w : failed) {
            vertx.cancelTimer(w.timerId);
            fail(w.message, goneFailure());
        }
    }

    /** @return how long this endpoint's calls took */
    LatencyHistogram latency() {
        return latency;
    }

    /** @return batch sizes and queue delays, or {@code null} when calls do not queue */
    Batcher.Metrics batchMetrics() {
        return batching == null ? null : batchMetrics;
    }

    /** @return calls queued in front of this endpoint's instances, not yet running */
    synchronized int queued() {
        return providers.stream().map(Provider::batcher).filter(java.util.Objects::nonNull)
                .mapToInt(Batcher::queued).sum();
    }

    synchronized ExportedService describe() {
        long inFlight = providers.stream().mapToLong(Provider::inFlight).sum();
        String state = !providers.isEmpty() ? "available" : gone ? "gone" : "swapping";
        return new ExportedService(id, kind, lastVersion, address, inputType, outputType, lastBundleName,
                lastBundleId, state, inFlight, calls.get(), failures.get());
    }

    /** Entry point for every message to this address; runs on an event loop, never blocks. */
    void handle(Message<Object> message) {
        Provider provider = null;
        StoaException refused = null;
        synchronized (this) {
            for (Provider p : providers) {
                if (p.tryAcquire()) {
                    provider = p;
                    break;
                }
            }
            if (provider == null) {
                if (gone) {
                    refused = goneFailure();
                } else if (waiting.size() >= config.maxWaiting()) {
                    refused = new StoaException(FailureCode.OVERLOADED, "service '" + id + "' is being replaced and "
                            + config.maxWaiting() + " calls already wait for it; retry shortly, or raise maxWaiting in"
                            + " etc/dev.stoa.bus.cfg");
                } else {
                    Context context = vertx.getOrCreateContext();
                    long timer = vertx.setTimer(config.swapWaitMs(), t -> expire(message));
                    waiting.add(new Waiting(message, context, timer));
                }
            }
        }
        if (refused != null) {
            fail(message, refused);
        } else if (provider != null) {
            invoke(provider, message);
        }
    }

    /**
     * A call from a thread of this JVM that may block ({@link dev.stoa.api.runtime.ServiceCaller}): it runs on that
     * thread, as a direct call to the service would, through the same instances, hot-swap wait, batching queue and
     * counters as a message; only the event bus's thread hand-offs are skipped. A batched service's call waits for
     * its batch, bounded by the call timeout; a plain call is not timed out, since the caller's own thread runs it.
     *
     * @param input the service's input type (or any record, for a service that takes JSON), or its JSON form: then
     *        the output comes as JSON too, as on the bus
     * @return the service's output
     * @throws StoaException the failure a message would get, with the same code and text
     */
    Object callHere(Object input) {
        Provider provider = acquireOrWait();
        long started = System.nanoTime();
        boolean json = input instanceof JsonObject;
        try {
            Object out;
            Batcher batcher = provider.batcher();
            if (batcher != null) {
                out = callQueuedHere(provider, batcher, input, json, started);
            } else {
                try {
                    Object converted = convertInput(provider, input, json);
                    out = convertOutput(provider.service instanceof AsyncStoaService<Object, Object> async
                            ? waitFor(async.callAsync(converted).toCompletableFuture(), timeoutMs(provider), null, null)
                            : provider.service.call(converted), json);
                } finally {
                    provider.release();
                }
            }
            calls.incrementAndGet();
            return out;
        } catch (StoaException e) {
            failures.incrementAndGet();
            throw e;
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            LOG.error("Service '{}' failed", id, e);
            throw new StoaException(FailureCode.INTERNAL, internalFailure(e), e);
        } finally {
            latency.record(System.nanoTime() - started);
        }
    }

    private Object callQueuedHere(Provider provider, Batcher batcher, Object input, boolean json, long started) {
        java.util.concurrent.CompletableFuture<Object> result = new java.util.concurrent.CompletableFuture<>();
        AtomicBoolean answered = new AtomicBoolean();
        Batcher.Item item = new Batcher.Item(input, json, started, answered, ar -> {
            if (ar.succeeded()) {
                result.complete(ar.result());
            } else {
                result.completeExceptionally(ar.cause());
            }
        });
        try {
            batcher.offer(item);
        } catch (StoaException refused) {
            provider.release();
            throw refused;
        }
        return waitFor(result, timeoutMs(provider), batcher, item);
    }

    /** Waits for an answer on the calling thread, at most {@code timeoutMs}; a queued item is withdrawn then. */
    private Object waitFor(java.util.concurrent.CompletableFuture<Object> result, long timeoutMs, Batcher batcher,
            Batcher.Item item) {
        try {
            return result.get(timeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            if (item != null) {
                item.answered().set(true);
                batcher.withdraw(item);
            }
            throw new StoaException(FailureCode.TIMEOUT, timeoutFailure(timeoutMs));
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new StoaException(FailureCode.INTERNAL, internalFailure(cause), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (item != null) {
                item.answered().set(true);
                batcher.withdraw(item);
            }
            throw new StoaException(FailureCode.UNAVAILABLE, "the call to service '" + id + "' was interrupted");
        }
    }

    /** The best free instance, waiting (on the calling thread, at most swapWaitMs) while a hot swap has none. */
    private Provider acquireOrWait() {
        long deadline = System.nanoTime() + config.swapWaitMs() * 1_000_000L;
        synchronized (this) {
            while (true) {
                for (Provider p : providers) {
                    if (p.tryAcquire()) {
                        return p;
                    }
                }
                if (gone) {
                    throw goneFailure();
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new StoaException(FailureCode.SERVICE_GONE, noReplacementFailure());
                }
                try {
                    wait(left / 1_000_000L + 1); // woken by add and bundleUninstalled
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StoaException(FailureCode.UNAVAILABLE, "the call to service '" + id
                            + "' was interrupted while it waited for an instance");
                }
            }
        }
    }

    private void expire(Message<Object> message) {
        boolean removed;
        synchronized (this) {
            removed = waiting.removeIf(w -> w.message == message);
        }
        if (removed) {
            fail(message, new StoaException(FailureCode.SERVICE_GONE, noReplacementFailure()));
        }
    }

    private void invoke(Provider provider, Message<Object> message) {
        Object body = message.body();
        boolean json = body instanceof JsonObject;
        AtomicBoolean answered = new AtomicBoolean();
        Batcher batcher = provider.batcher();
        if (batcher != null) {
            invokeQueued(provider, batcher, message, json, answered);
            return;
        }
        long timer = startTimeout(provider, message, answered, null);
        long started = System.nanoTime();
        if (provider.service instanceof AsyncStoaService<Object, Object> async) {
            invokeAsync(provider, async, body, json).onComplete(ar -> answer(message, answered, timer, started, ar));
            return;
        }
        vertx.executeBlocking(() -> {
            AsyncResult<Object> outcome;
            try {
                outcome = Future.succeededFuture(convertOutput(callOrStream(provider, convertInput(provider, body,
                        json), message.headers().get(TextGenerator.STREAM_HEADER)), json));
            } catch (Throwable t) {
                outcome = Future.failedFuture(t);
            } finally {
                // released on the worker thread, so a drain waiting on an OSGi thread never depends on an event loop
                provider.release();
            }
            // answered from this worker thread: the reply goes straight to the caller's context, without first
            // waking this endpoint's event loop (one thread hand-off less per call; see itests/benchmarks)
            answer(message, answered, timer, started, outcome);
            return null;
        }, false);
    }

    /** A call for an instance with a {@link Batcher}: queued, answered by the batch that takes it. */
    private void invokeQueued(Provider provider, Batcher batcher, Message<Object> message, boolean json,
            AtomicBoolean answered) {
        long started = System.nanoTime();
        long[] timer = new long[1];
        // answered on the thread that ran the batch, like a plain call (see invoke)
        Batcher.Item item = new Batcher.Item(message.body(), json, started, answered,
                ar -> answer(message, answered, timer[0], started, ar));
        timer[0] = startTimeout(provider, message, answered, item);
        try {
            batcher.offer(item);
        } catch (StoaException refused) {
            provider.release();
            vertx.cancelTimer(timer[0]);
            if (answered.compareAndSet(false, true)) {
                fail(message, refused);
            }
        }
    }

    /**
     * Fails the call with {@link FailureCode#TIMEOUT} unless it is answered in time.
     *
     * @param queued the call's place in a {@link Batcher} queue, withdrawn on timeout; {@code null} when not queued
     * @return the timer's id
     */
    private long startTimeout(Provider provider, Message<Object> message, AtomicBoolean answered,
            Batcher.Item queued) {
        long timeoutMs = timeoutMs(provider);
        return vertx.setTimer(timeoutMs, t -> {
            if (answered.compareAndSet(false, true)) {
                if (queued != null) {
                    provider.batcher().withdraw(queued);
                }
                fail(message, new StoaException(FailureCode.TIMEOUT, timeoutFailure(timeoutMs)));
            }
        });
    }

    /**
     * Calls the service; a {@link TextGenerator} asked to stream (the {@link TextGenerator#STREAM_HEADER} header names
     * an address) also sends each piece of text there, in order, as {@code {"index": i, "text": piece}}, before the
     * call's reply. Other services ignore the header.
     */
    private Object callOrStream(Provider provider, Object input, String streamAddress) {
        Object service = provider.service;
        if (streamAddress == null || !(service instanceof TextGenerator generator)) {
            return provider.service.call(input);
        }
        int[] index = {0};
        return generator.generate((GenerationRequest) input, piece -> vertx.eventBus().send(streamAddress,
                new JsonObject().put("index", index[0]++).put("text", piece)));
    }

    /**
     * Answers a call once, whichever of its result and its timeout comes first; on any thread (an event loop, the
     * worker that ran the call, a batch's worker): {@code Message.reply} hands the answer to the caller's context.
     */
    private void answer(Message<Object> message, AtomicBoolean answered, long timer, long started,
            AsyncResult<Object> ar) {
        latency.record(System.nanoTime() - started);
        vertx.cancelTimer(timer);
        if (!answered.compareAndSet(false, true)) {
            return;
        }
        if (ar.succeeded()) {
            reply(message, ar.result());
        } else {
            fail(message, ar.cause());
        }
    }

    /** An asynchronous service is started on the event loop and holds no worker thread while it waits. */
    private Future<Object> invokeAsync(Provider provider, AsyncStoaService<Object, Object> service, Object body,
            boolean json) {
        Promise<Object> promise = Promise.promise();
        try {
            service.callAsync(convertInput(provider, body, json)).whenComplete((out, error) -> {
                provider.release();
                if (error != null) {
                    promise.fail(error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                            ? error.getCause() : error);
                } else {
                    try {
                        promise.complete(convertOutput(out, json));
                    } catch (RuntimeException e) {
                        promise.fail(e);
                    }
                }
            });
        } catch (RuntimeException e) {
            provider.release();
            promise.fail(e);
        }
        return promise.future();
    }

    Object convertInput(Provider provider, Object body, boolean json) {
        Class<Object> type = provider.service.inputType();
        return json ? Payloads.fromJson((JsonObject) body, type) : checkInputType(body, type);
    }

    Object convertOutput(Object output, boolean json) {
        if (output == null) {
            throw new StoaException(FailureCode.INTERNAL, "service '" + id + "' returned nothing");
        }
        return json ? Payloads.toJson(output) : output;
    }

    private void reply(Message<Object> message, Object result) {
        try {
            message.reply(result);
            calls.incrementAndGet();
        } catch (IllegalArgumentException noCodec) {
            // an output type without a registered codec still reaches the caller, as JSON
            message.reply(Payloads.toJson(result));
            calls.incrementAndGet();
        }
    }

    private void fail(Message<Object> message, Throwable cause) {
        failures.incrementAndGet();
        if (cause instanceof StoaException se) {
            message.fail(se.code().code(), se.getMessage());
        } else {
            LOG.error("Service '{}' failed", id, cause);
            message.fail(FailureCode.INTERNAL.code(), internalFailure(cause));
        }
    }

    private String noReplacementFailure() {
        return "service '" + id + "' at " + address + " went away and no replacement appeared within "
                + config.swapWaitMs() + " ms; install a bundle that provides it, or raise swapWaitMs in"
                + " etc/dev.stoa.bus.cfg";
    }

    private String timeoutFailure(long timeoutMs) {
        return "service '" + id + "' did not answer within " + timeoutMs + " ms; retry, or raise callTimeoutMs in"
                + " etc/dev.stoa.bus.cfg (or the service property stoa.timeout.ms)";
    }

    private String internalFailure(Throwable cause) {
        return "service '" + id + "' failed: " + cause.getClass().getSimpleName() + ": " + cause.getMessage() + "; "
                + FailureCode.INTERNAL.fix();
    }

    private StoaException goneFailure() {
        return new StoaException(FailureCode.SERVICE_GONE, "service '" + id + "' at " + address + " is gone: its bundle "
                + (lastBundleName == null ? "" : lastBundleName + " ") + "was uninstalled; install it again or call"
                + " another service (GET /v1/services lists them)");
    }

    private Object checkInputType(Object body, Class<?> expected) {
        if (body == null) {
            throw StoaException.badInput("body", "is empty; service '" + id + "' expects " + expected.getSimpleName());
        }
        if (expected == JsonObject.class && !(body instanceof JsonObject)) {
            // a service that takes JSON (a pipeline) accepts any record in its JSON form
            return Payloads.toJson(body);
        }
        if (!expected.isInstance(body)) {
            throw StoaException.badInput("body", "is a " + body.getClass().getSimpleName() + " but service '" + id
                    + "' expects " + expected.getSimpleName() + " (or its JSON form)");
        }
        return body;
    }

    private long timeoutMs(Provider provider) {
        Object v = provider.reference.getProperty("stoa.timeout.ms");
        if (v != null) {
            try {
                return Long.parseLong(v.toString().trim());
            } catch (NumberFormatException e) {
                LOG.warn("Service '{}' has stoa.timeout.ms={} which is not a number; using {}", id, v,
                        config.callTimeoutMs());
            }
        }
        return config.callTimeoutMs();
    }
}
