package dev.stoa.api.generation;

/**
 * Receives a generation's text as it is produced, piece by piece, in order, each piece once; the pieces joined are
 * the final {@link Generation#text()}. A piece is usually one token's text, but may be empty of output until a
 * multi-byte character or a possible stop sequence is complete. Called on the generating thread: return quickly.
 */
@FunctionalInterface
public interface TokenListener {

    /** A listener that ignores every piece. */
    TokenListener NONE = piece -> {};

    /** @param piece the next piece of text, never empty */
    void onToken(String piece);
}
