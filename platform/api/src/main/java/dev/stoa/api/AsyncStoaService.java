package dev.stoa.api;

import java.util.concurrent.CompletionStage;

/**
 * A {@link StoaService} that answers asynchronously, without holding a thread while it waits: a pipeline waiting
 * for its stages, or a client of a remote server. The bus calls {@link #callAsync} on an event-loop thread, so it must
 * not block; {@link #call} (for callers that want a result in hand) waits for it.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
public interface AsyncStoaService<I, O> extends StoaService<I, O> {

    /**
     * Starts handling one request.
     *
     * @param input the request, never {@code null}
     * @return completes with the result, or exceptionally with a {@link StoaException} the caller can act on
     */
    CompletionStage<O> callAsync(I input);

    /** Waits for {@link #callAsync}; do not call it from an event-loop thread. */
    @Override
    default O call(I input) {
        try {
            return callAsync(input).toCompletableFuture().join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new StoaException(FailureCode.INTERNAL, String.valueOf(e.getCause()), e.getCause());
        }
    }
}
