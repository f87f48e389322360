package dev.stoa.bus.internal;

import dev.stoa.api.AsyncStoaService;
import dev.stoa.api.Cancellation;
import dev.stoa.api.StreamingService;
import io.vertx.core.Vertx;

/**
 * How a call runs on its instance, the innermost step of an {@link Endpoint}'s chain: a plain service on a worker
 * thread (event-bus calls) or on the calling thread ({@link dev.stoa.api.runtime.ServiceCaller}); an
 * {@link AsyncStoaService} started on the current thread, holding no thread while it waits; a
 * {@link StreamingService} asked for pieces sends each to the call's stream address before the answer. Batched calls
 * run through {@link Batcher} instead. Every path converts through the {@link PayloadCodec}, releases the instance
 * when the service is done, and ends in {@link Endpoint#finish}.
 *
 * <p>A call answered before it starts (it timed out or was cancelled while it waited for a worker thread) is not run:
 * nobody waits for its answer. While the service runs, the call's {@link Cancellation} is bound to the thread
 * ({@link Cancellation#current()}), so a generator can stop decoding once its caller is gone.
 */
final class Invocation {

    private final Vertx vertx;
    private final PayloadCodec codec;

    Invocation(Vertx vertx, PayloadCodec codec) {
        this.vertx = vertx;
        this.codec = codec;
    }

    /** A plain service, on a worker thread; the answer leaves from that thread. */
    void onWorker(Call call) {
        vertx.executeBlocking(
                () -> {
                    here(call);
                    return null;
                },
                false);
    }

    /** A plain service, on the current thread. */
    void here(Call call) {
        if (call.isAnswered() || call.cancellation.isCancelled()) {
            call.release(); // its caller gave up while it waited for this thread
            call.endpoint.notStarted(call);
            return;
        }
        Provider provider = call.provider;
        Object out = null;
        Throwable failure = null;
        try (var scope = call.span.makeCurrent();
                Cancellation.Scope bound = call.cancellation.enter()) {
            out = codec.output(run(call, codec.input(provider, call.input, call.json)), call.json);
        } catch (Throwable t) {
            failure = t;
        } finally {
            // released before answering (and on the worker thread, so a drain waiting on an OSGi thread never
            // depends on an event loop)
            call.release();
        }
        // answered from this thread: the reply goes straight to the caller's context, without first waking this
        // endpoint's event loop (one thread hand-off less per call; see itests/benchmarks)
        call.endpoint.finish(call, out, failure);
    }

    /** An asynchronous service, started on the current thread (an event loop for a message). */
    @SuppressWarnings("unchecked")
    void async(Call call) {
        Provider provider = call.provider;
        AsyncStoaService<Object, Object> service = (AsyncStoaService<Object, Object>) provider.service;
        // current while the service starts, so that its own calls (a pipeline's stages) become children; the
        // cancellation is bound while callAsync starts the work: the service keeps it (Cancellation.current())
        try (var scope = call.span.makeCurrent();
                Cancellation.Scope bound = call.cancellation.enter()) {
            service.callAsync(codec.input(provider, call.input, call.json)).whenComplete((out, error) -> {
                call.release();
                if (error != null) {
                    call.endpoint.finish(call, null, error);
                    return;
                }
                Object converted;
                try {
                    converted = codec.output(out, call.json);
                } catch (RuntimeException e) {
                    call.endpoint.finish(call, null, e);
                    return;
                }
                call.endpoint.finish(call, converted, null);
            });
        } catch (RuntimeException e) {
            call.release();
            call.endpoint.finish(call, null, e);
        }
    }

    /** Calls the service; a streaming service asked for pieces sends each to the call's stream address. */
    private Object run(Call call, Object input) {
        String streamAddress = call.streamAddress();
        if (streamAddress == null || !(call.provider.service instanceof StreamingService<Object, Object> s)) {
            return call.provider.service.call(input);
        }
        int[] index = {0};
        return s.stream(input, piece -> vertx.eventBus().send(streamAddress, codec.piece(index[0]++, piece)));
    }
}
