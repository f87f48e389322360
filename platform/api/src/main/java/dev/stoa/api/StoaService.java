package dev.stoa.api;

/**
 * A callable Stoa service: one operation from an input record to an output record.
 *
 * <p>Register an implementation as an OSGi service with {@link ServiceProperties#ID} (and usually
 * {@link ServiceProperties#KIND}) and the platform exports it on the event bus at {@code stoa.<kind>.<id>}, lists it
 * in {@code GET /v1/services}, and lets pipelines name it. Calls arrive on worker threads, several at once: an
 * implementation must be thread-safe and may block.
 *
 * <p>Inputs and outputs are the records of {@link dev.stoa.api.data} (or {@code String}, {@code Map}); the platform
 * converts them from and to JSON for external callers and passes them as objects, without copying, in process.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
public interface StoaService<I, O> {

    /** @return the type this service accepts; the bus converts JSON requests to it */
    Class<I> inputType();

    /** @return the type this service returns */
    Class<O> outputType();

    /**
     * Handles one request.
     *
     * @param input the request, never {@code null}
     * @return the result, never {@code null}
     * @throws StoaException for a failure the caller can act on (bad input, shape mismatch, ...); any other exception
     *         is reported as {@link FailureCode#INTERNAL}
     */
    O call(I input) throws StoaException;
}
