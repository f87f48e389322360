package dev.stoa.bus.internal;

import dev.stoa.api.BatchingService;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.metrics.Histogram;
import dev.stoa.api.tracing.Tracing;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue in front of one service instance ({@link Provider}) and the workers that empty it, Triton-style dynamic
 * batching: while fewer than {@code instances} batches run, the queued calls are taken as soon as there are
 * {@code maxBatchSize} of them or the oldest has waited {@code max_queue_delay_us}; so with a delay of 0, calls that
 * arrive while the instances are busy form the next batch, and a lone call never waits. Calls a caller sends together
 * ({@link BatchingService#GROUP_HEADER}, e.g. the inputs of one embeddings request) wait, at most
 * {@link BatchingService#GROUP_WAIT_MS}, until the whole group (or a full batch) is queued, so they share a batch.
 *
 * <p>A batch runs on a worker thread: each call's input is converted and {@linkplain BatchingService#validate
 * validated} on its own (a bad one fails alone), then the rest go to {@link BatchingService#callBatch} in one call and
 * each caller gets its own result. An input-caused failure of the whole batch ({@code BAD_INPUT}, {@code TOO_LARGE},
 * {@code SHAPE_MISMATCH}) is retried one call at a time, so only the culprit fails; any other failure fails every
 * call of the batch with the same code and message. A service that cannot batch gets the same queue, bound and
 * workers with batches of one.
 *
 * <p>Queued calls hold their {@link Provider} (counted in flight), so a hot swap drains them on the old instance.
 * Thread-safe: calls are offered on event loops and batches finish on worker threads.
 */
final class Batcher {

    /** Batch sizes are bucketed by powers of two, as they are usually configured. */
    static final double[] BATCH_SIZE_BOUNDS = {1, 2, 4, 8, 16, 32, 64, 128, 256};

    /** Queue delays from 10 us (a call that found an instance free) to 1 s, in seconds. */
    static final double[] QUEUE_DELAY_BOUNDS = {
        0.00001, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1
    };

    private static final Logger LOG = LoggerFactory.getLogger(Batcher.class);

    private static final long GROUP_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(BatchingService.GROUP_WAIT_MS);

    /**
     * What an endpoint measures over all its instances' batches.
     *
     * @param batchSize calls per batch handed to the service
     * @param queueDelay seconds from a call's arrival to the start of its batch
     */
    record Metrics(Histogram batchSize, Histogram queueDelay) {
        Metrics() {
            this(new Histogram(BATCH_SIZE_BOUNDS), new Histogram(QUEUE_DELAY_BOUNDS));
        }
    }

    private final Vertx vertx;
    private final Endpoint endpoint;
    private final Provider provider;
    private final BatchingService<Object, Object> batching;
    private final int maxBatchSize;
    private final long maxQueueDelayNanos;
    private final int maxQueueSize;
    private final int instances;
    private final Metrics metrics;
    private final ArrayDeque<Call> queue = new ArrayDeque<>();
    private int running;
    private boolean timerPending;
    private boolean closed;

    @SuppressWarnings("unchecked")
    Batcher(Vertx vertx, Endpoint endpoint, Provider provider, BatchSettings settings, Metrics metrics) {
        this.vertx = vertx;
        this.endpoint = endpoint;
        this.provider = provider;
        this.batching =
                provider.service instanceof BatchingService<?, ?> b ? (BatchingService<Object, Object>) b : null;
        this.maxBatchSize = settings.batchSizeFor(batching == null ? 1 : batching.maxBatchSize());
        this.maxQueueDelayNanos = settings.maxQueueDelayNanos();
        this.maxQueueSize = settings.maxQueueSize();
        this.instances = settings.instances();
        this.metrics = metrics;
    }

    /** @return the largest batch this batcher hands to the service */
    int maxBatchSize() {
        return maxBatchSize;
    }

    /** @return calls queued and not yet running */
    synchronized int queued() {
        return queue.size();
    }

    /**
     * Queues a call; it starts when a batch takes it.
     *
     * @param call the call, whose {@link Provider} the caller has acquired
     * @throws StoaException {@link FailureCode#OVERLOADED} when the queue is full, {@link FailureCode#UNAVAILABLE}
     *         once the bus is closing; the caller still holds the provider then
     */
    void offer(Call call) {
        synchronized (this) {
            if (closed) {
                throw new StoaException(FailureCode.UNAVAILABLE, "the event bus is shutting down");
            }
            if (queue.size() >= maxQueueSize) {
                throw new StoaException(
                        FailureCode.OVERLOADED,
                        "service '" + endpoint.id + "' has " + queue.size()
                                + " calls queued, its bound; retry with backoff, or raise batching." + endpoint.id
                                + ".max_queue_size (or instances) in etc/dev.stoa.bus.cfg");
            }
            queue.addLast(call);
        }
        dispatch();
    }

    /**
     * Takes a call out of the queue, when it has not started yet, and releases its provider.
     *
     * @return whether it was still queued
     */
    boolean withdraw(Call call) {
        boolean removed;
        synchronized (this) {
            removed = queue.remove(call);
        }
        if (removed) {
            provider.release();
        }
        return removed;
    }

    /** Fails every queued call with {@link FailureCode#UNAVAILABLE}; later offers fail too. */
    void close() {
        List<Call> dropped;
        synchronized (this) {
            closed = true;
            dropped = new ArrayList<>(queue);
            queue.clear();
        }
        for (Call call : dropped) {
            provider.release();
            endpoint.finish(call, null, new StoaException(FailureCode.UNAVAILABLE, "the event bus is shutting down"));
        }
    }

    /** Starts as many batches as there are free instances and ready calls; sets a timer for a batch still filling. */
    private void dispatch() {
        List<List<Call>> batches = new ArrayList<>(1);
        synchronized (this) {
            while (!closed && running < instances && !queue.isEmpty()) {
                Call head = queue.peekFirst();
                long waited = System.nanoTime() - head.started;
                // a call sent with others (GROUP_HEADER) waits, briefly, for the rest of its group
                long wait = Math.max(
                        queue.size() < maxBatchSize ? maxQueueDelayNanos - waited : 0,
                        queue.size() < Math.min(maxBatchSize, head.group()) ? GROUP_WAIT_NANOS - waited : 0);
                if (wait > 0) {
                    if (!timerPending) {
                        timerPending = true;
                        vertx.timer(wait, TimeUnit.NANOSECONDS).onComplete(t -> {
                            synchronized (this) {
                                timerPending = false;
                            }
                            dispatch();
                        });
                    }
                    break;
                }
                List<Call> batch = new ArrayList<>(Math.min(queue.size(), maxBatchSize));
                while (batch.size() < maxBatchSize && !queue.isEmpty()) {
                    batch.add(queue.pollFirst());
                }
                running++;
                batches.add(batch);
            }
        }
        for (List<Call> batch : batches) {
            vertx.executeBlocking(
                    () -> {
                        run(batch);
                        return null;
                    },
                    false);
        }
    }

    /** Runs one batch on a worker thread and answers each of its calls. */
    private void run(List<Call> batch) {
        long started = System.nanoTime();
        List<Call> ready = new ArrayList<>(batch.size());
        List<Object> inputs = new ArrayList<>(batch.size());
        try {
            for (Call call : batch) {
                if (call.isAnswered() || call.cancellation.isCancelled()) {
                    endpoint.notStarted(call); // timed out or cancelled while queued: nobody waits for it
                    continue;
                }
                metrics.queueDelay.record((started - call.started) / 1e9);
                try {
                    Object input = endpoint.codec().input(provider, call.input, call.json);
                    if (batching != null) {
                        batching.validate(input);
                    }
                    ready.add(call);
                    inputs.add(input);
                } catch (RuntimeException e) {
                    endpoint.finish(call, null, e);
                }
            }
            if (!ready.isEmpty()) {
                metrics.batchSize.record(ready.size());
                for (Call call : ready) {
                    call.span.attribute(Tracing.BATCH_SIZE, ready.size());
                }
                call(ready, inputs);
            }
        } catch (RuntimeException | Error e) {
            LOG.error("Batch of service '{}' failed outside the service", endpoint.id, e);
        } finally {
            // released on the worker thread, so a drain waiting on an OSGi thread never depends on an event loop
            for (int i = 0; i < batch.size(); i++) {
                provider.release();
            }
            synchronized (this) {
                running--;
            }
            dispatch();
        }
    }

    private void call(List<Call> ready, List<Object> inputs) {
        List<Object> outputs;
        try {
            outputs = batching != null ? batching.callBatch(inputs) : List.of(provider.service.call(inputs.get(0)));
            if (outputs == null || outputs.size() != inputs.size()) {
                throw new StoaException(
                        FailureCode.INTERNAL,
                        "service '" + endpoint.id + "' returned "
                                + (outputs == null ? "nothing" : outputs.size() + " results") + " for a batch of "
                                + inputs.size() + "; " + FailureCode.INTERNAL.fix());
            }
        } catch (StoaException e) {
            if (inputs.size() > 1 && causedByAnInput(e.code())) {
                // validate() let a bad input through: find it by calling one at a time, so only it fails
                for (int i = 0; i < ready.size(); i++) {
                    Object input = inputs.get(i);
                    answer(ready.get(i), () -> provider.service.call(input));
                }
            } else {
                ready.forEach(call -> endpoint.finish(call, null, e));
            }
            return;
        } catch (RuntimeException e) {
            ready.forEach(call -> endpoint.finish(call, null, e));
            return;
        }
        for (int i = 0; i < ready.size(); i++) {
            Object out = outputs.get(i);
            answer(ready.get(i), () -> out);
        }
    }

    private void answer(Call call, Supplier<Object> output) {
        Object out;
        try {
            out = endpoint.codec().output(output.get(), call.json);
        } catch (RuntimeException e) {
            endpoint.finish(call, null, e);
            return;
        }
        endpoint.finish(call, out, null);
    }

    private static boolean causedByAnInput(FailureCode code) {
        return code == FailureCode.BAD_INPUT || code == FailureCode.TOO_LARGE || code == FailureCode.SHAPE_MISMATCH;
    }
}
