package dev.stoa.nn.decode;

/**
 * An autoregressive model seen one step at a time: the logits of the next token given everything so far. A state is
 * the model's view of one prefix (the tokens, and for a transformer its key/value cache); {@link #next} must leave
 * the state it is given usable, because beam search extends one state with several tokens.
 *
 * @param <S> the state type
 */
public interface StepFunction<S> {

    /**
     * Reads the prompt.
     *
     * @param prompt the prompt's token ids, at least one (e.g. the start-of-text token)
     * @return the state after the prompt
     */
    S start(long[] prompt);

    /**
     * @param state a state from {@link #start} or {@link #next}
     * @return the next token's logits, {@code (V)}; not modified by the caller
     */
    float[] logits(S state);

    /**
     * Appends one token.
     *
     * @param state a state, left unchanged
     * @param token the token to append, in {@code [0, V)}
     * @return the state after it
     */
    S next(S state, long token);

    /** @return the most tokens (prompt and generated) a state can hold; decoding stops with {@code LENGTH} there */
    int maxSequenceLength();

    /**
     * Says that a state will not be used again, so its memory (a key/value cache) can be freed at once rather than
     * when the generation ends. States made from it by {@link #next} stay valid.
     *
     * @param state a state no longer needed
     */
    default void release(S state) {}
}
