package dev.stoa.api;

import java.util.List;

/**
 * A {@link StoaService} that can answer several requests in one call, as a model answers a batch in one forward pass.
 *
 * <p>Implementing it declares that batching is possible; the bus batches a service only when its operator turns it
 * on, per service, in {@code etc/dev.stoa.bus.cfg} ({@code batching.<stoa.id>.max_batch_size}, see the bus's
 * README): the bus then gathers concurrent calls, up to a batch size or a queue delay, calls {@link #callBatch} once
 * and answers each caller with its own result, Triton-style dynamic batching.
 *
 * <p>Contract, so that batching never changes an answer:
 * <ul>
 *   <li>{@link #callBatch} returns one output per input, in input order, and an input's output does not depend on
 *       the other inputs of its batch (up to float rounding);</li>
 *   <li>{@link #validate} rejects, before batching, every input that {@link #callBatch} would fail on because of that
 *       input alone, so one bad request does not fail the others of its batch. When {@link #callBatch} still throws
 *       a {@link StoaException} caused by an input ({@link FailureCode#BAD_INPUT}, {@link FailureCode#TOO_LARGE},
 *       {@link FailureCode#SHAPE_MISMATCH}), the bus retries that batch one input at a time with {@link #call}; any
 *       other failure fails every caller of the batch with the same code and message.</li>
 * </ul>
 *
 * @param <I> the input type
 * @param <O> the output type
 */
public interface BatchingService<I, O> extends StoaService<I, O> {

    /**
     * The event-bus header of a call that is one of {@code n} calls a caller sends together (its value: {@code n}),
     * e.g. the inputs of one embeddings request: where the service's calls queue for batching, the queue holds the
     * first of them, for at most {@link #GROUP_WAIT_MS}, until all {@code n} (or a full batch) are queued, so they
     * share one {@link #callBatch} instead of the first running alone. Services without a batching queue ignore it.
     */
    String GROUP_HEADER = "stoa.batch.group";

    /** The longest a call with {@link #GROUP_HEADER} waits in the queue for the rest of its group, in ms. */
    long GROUP_WAIT_MS = 20;

    /**
     * Handles several requests at once, shape {@code (B) -> (B)}.
     *
     * @param inputs the requests, at least one, none {@code null}, each already passed by {@link #validate}
     * @return one result per request, in the same order
     * @throws StoaException as {@link #call}; see the class comment for how the bus reports it
     */
    List<O> callBatch(List<I> inputs) throws StoaException;

    /**
     * The most inputs {@link #callBatch} takes well in one call (e.g. a model's largest efficient batch). The bus
     * never hands it more than this, whatever its configuration says.
     *
     * @return at least 1; 32 unless the implementation says otherwise
     */
    default int maxBatchSize() {
        return 32;
    }

    /**
     * Checks one input on its own, before it joins a batch; cheap, no model call.
     *
     * @param input the request, never {@code null}
     * @throws StoaException naming the field at fault, when {@link #call} would fail on this input alone
     */
    default void validate(I input) throws StoaException {}
}
