package dev.stoa.api;

/**
 * Receives the pieces of a {@link StreamingService}'s answer, in order, each once, on the thread that produces them:
 * return quickly (the bus only hands each piece to the event bus).
 */
@FunctionalInterface
public interface PieceSink {

    /** A sink that drops every piece. */
    PieceSink NONE = piece -> {};

    /** @param piece the next piece: a {@code String} or a record of {@link dev.stoa.api.data}, never {@code null} */
    void accept(Object piece);
}
