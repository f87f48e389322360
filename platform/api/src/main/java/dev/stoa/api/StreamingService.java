package dev.stoa.api;

/**
 * A {@link StoaService} that can hand out its answer in pieces while it works, before the whole result: a text
 * generator's tokens, a long transcription's lines, a search's hits as they are found. Any service may implement
 * it; a caller that does not ask for pieces gets the plain {@link #call}.
 *
 * <p>On the event bus a call asks for pieces with the {@link #STREAM_HEADER} header, whose value is an address: the
 * bus sends each piece there, in order, as JSON with its {@code index} (a {@code String} piece as
 * {@code {"index": i, "text": piece}}, a record as its JSON form plus {@code index}), and then replies with the whole
 * result. The gateway turns this into server-sent events ({@code POST /v1/services/{id}?stream=true}). A service
 * that is not a {@code StreamingService} ignores the header and only replies.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
public interface StreamingService<I, O> extends StoaService<I, O> {

    /**
     * The event-bus header of a call that asks for pieces: its value is the address to which the bus sends each
     * piece while the service runs; the call's reply (the whole result) comes after the last piece.
     */
    String STREAM_HEADER = "stoa.stream";

    /**
     * Handles one request, handing each piece of the answer to {@code sink} as soon as it is final.
     *
     * @param input the request, never {@code null}
     * @param sink receives the pieces in order, each once, on the calling thread
     * @return the whole result, never {@code null}
     * @throws StoaException for a failure the caller can act on, as {@link #call}
     */
    O stream(I input, PieceSink sink) throws StoaException;

    /** Handles one request without handing out pieces. */
    @Override
    default O call(I input) {
        return stream(input, PieceSink.NONE);
    }
}
